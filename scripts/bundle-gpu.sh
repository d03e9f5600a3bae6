#!/usr/bin/env bash
# Builds a self-contained rafter bundle for a GPU machine that has the NVIDIA driver but none of
# our Debian libraries: bin/rafter and the GPU test executables, every shared library they need
# (lib/, found through RUNPATH $ORIGIN/../lib), a copy of this machine's glibc for a system whose
# glibc is older (lib/glibc/, used by scripts/gpu-validate.sh only then), the datasheets, the
# SASS checker and scripts/gpu-validate.sh. Run it on the build machine; carry the bundle over.
#
# Usage: scripts/bundle-gpu.sh [--archs "90"] [--out DIR] [--build-dir DIR]
#   --archs      CUDA architectures of the main kernels (default 90: H100/H200); the wgmma kernels
#                are always built for sm_90a as well.
#   --out        bundle directory (default build/gpu-bundle)
#   --build-dir  build tree (default build/gpu-bundle-build)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
archs="90"
out="$root/build/gpu-bundle"
build="$root/build/gpu-bundle-build"
while [ $# -gt 0 ]; do
  case "$1" in
    --archs) archs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "bundle-gpu: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x /usr/local/cuda/bin/nvcc ] || command -v nvcc >/dev/null || { echo "bundle-gpu: no CUDA toolkit (nvcc)" >&2; exit 3; }

gpu_tests=(chase_bench_test core_bench_test cuda_sweep_test gpu_session_test mma_bench_test smem_bench_test
           stream_bench_test wgmma_bench_test)

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAFTER_ENABLE_WERROR=ON \
  -DRAFTER_ENABLE_CUDA=ON "-DCMAKE_CUDA_ARCHITECTURES=$archs" \
  '-DCMAKE_BUILD_RPATH=$ORIGIN/../lib' >/dev/null
cmake --build "$build" --target rafter "${gpu_tests[@]}" -j "${RAFTER_BUILD_JOBS:-2}"

rm -rf "$out"
mkdir -p "$out/bin" "$out/tests" "$out/lib/glibc" "$out/scripts" "$out/configs"
cp "$build/cli/rafter" "$out/bin/"
for t in "${gpu_tests[@]}"; do cp "$build/tests/$t" "$out/tests/"; done
cp "$root/tests/sass_check.py" "$root/tests/sass_test.sh" "$out/tests/"
cp -r "$root/configs/hardware" "$out/configs/"
cp "$root/scripts/gpu-validate.sh" "$out/scripts/"

# Shared libraries: everything ldd resolves except glibc itself and the driver, which the GPU
# machine provides (libcuda is loaded by the CUDA runtime at run time, never linked).
is_system() {
  case "$(basename "$1")" in
    ld-linux*|libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|libresolv.so.*|libcuda.so.*|libnvidia-*) return 0 ;;
  esac
  return 1
}
for f in "$out/bin/rafter" "$out"/tests/*_test; do
  ldd "$f" | awk '/=> \// {print $3}' | while read -r lib; do
    is_system "$lib" || cp -nL "$lib" "$out/lib/"
  done
done
# glibc of this machine, for a GPU machine whose own is older (see BUNDLE_INFO).
for lib in /lib64/ld-linux-x86-64.so.2 /lib/x86_64-linux-gnu/{libc.so.6,libm.so.6,libpthread.so.0,libdl.so.2,librt.so.1}; do
  [ -e "$lib" ] && cp -L "$lib" "$out/lib/glibc/"
done

glibc_needed=$(objdump -T "$out/bin/rafter" "$out"/tests/*_test "$out"/lib/*.so* 2>/dev/null |
               grep -o 'GLIBC_2\.[0-9.]*' | sort -uV | tail -1 | sed 's/GLIBC_//')
{
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -n)"
  echo "source: $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)"
  echo "cuda: $("$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)" --version | tail -1)"
  echo "architectures: $archs (+ sm_90a for wgmma)"
  echo "glibc_needed: $glibc_needed"
  echo "glibc_bundled: $(getconf GNU_LIBC_VERSION | awk '{print $2}')"
} >"$out/BUNDLE_INFO"

# Every library must resolve inside the bundle (glibc aside).
missing=0
for f in "$out/bin/rafter" "$out"/tests/*_test; do
  while read -r lib path; do
    is_system "$lib" && continue
    path=$(realpath -ms "$path")  # $ORIGIN/../lib -> the bundle's lib/
    case "$path" in
      "$out"/lib/*) ;;
      *) echo "bundle-gpu: $(basename "$f") resolves $lib to $path, outside the bundle" >&2; missing=1 ;;
    esac
  done < <(ldd "$f" | awk '/=>/ {print $1, $3}')
done
[ "$missing" -eq 0 ] || exit 1
echo "bundle-gpu: $out ($(du -sh "$out" | cut -f1)); $(grep glibc_needed "$out/BUNDLE_INFO")"

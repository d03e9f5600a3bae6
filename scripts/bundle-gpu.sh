#!/usr/bin/env bash
# Builds a self-contained rafter bundle for a GPU machine that has the NVIDIA driver but none of
# our Debian libraries: bin/rafter, bin/rafter-llm (the reference LLM workload), the GPU test
# executables, lib/librafter_inject.so (the CUPTI collector, found by `rafter trace` in ../lib) with
# libcupti and the libnvperf libraries its Range Profiler loads, every shared library they need
# (lib/, found through the RPATH $ORIGIN/../lib), a copy of this machine's glibc for a system whose
# glibc is older (lib/glibc/, used by scripts/gpu-validate.sh only then), the whole configs/ tree
# (datasheets, model shapes, metric and class tables), the SASS checker, scripts/gpu-validate.sh,
# bench/collector_overhead.sh and examples/pytorch_decode.py. Run it on the build machine; carry
# DIR.tar.gz over (the unpacked directory is larger than the 64 MiB a lent GPU machine takes; the
# packed one about 20 MiB).
# Binaries are stripped; the script checks that every library resolves inside the bundle and that
# the SASS is for --archs, sm_90a, sm_100f/sm_110f, sm_100a/sm_110a and sm_120f (cuobjdump, where found).
# cuBLAS (libcublasLt, 540 MB, linked by rafter-llm) is not bundled: it would not fit the 64 MiB a
# GPU machine is lent with; gpu-validate.sh finds the GPU machine's CUDA toolkit copy (BUNDLE_INFO
# names it under external_libs).
#
# Usage: scripts/bundle-gpu.sh [--archs "90"] [--out DIR] [--build-dir DIR]
#   --archs      CUDA architectures of the main kernels (default 90: H100/H200); the wgmma kernels
#                are always built for sm_90a as well, the tcgen05 kernels for sm_100f and sm_110f (int8:
#                sm_100a and sm_110a),
#                the block-scaled fp4 mma.sync kernel for sm_120f.
#   --out        bundle directory (default build/gpu-bundle); also packed as DIR.tar.gz
#   --build-dir  build tree (default build/gpu-bundle-build)
#   --list-tests print the test executables the bundle ships, one per line, and exit
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
archs="90"
out="$root/build/gpu-bundle"
build="$root/build/gpu-bundle-build"
list_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --archs) archs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --list-tests) list_only=1; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "bundle-gpu: unknown option $1" >&2; exit 2 ;;
  esac
done
# Every test of the ctest label `gpu`: the list RAFTER_GPU_TESTS of tests/CMakeLists.txt, read from there.
read -r -a gpu_tests <<<"$(sed -n '/^set(RAFTER_GPU_TESTS/,/)/p' "$root/tests/CMakeLists.txt" |
                           sed 's/set(RAFTER_GPU_TESTS//; s/)//' | tr '\n' ' ')"
[ "${#gpu_tests[@]}" -ge 10 ] ||
  { echo "bundle-gpu: tests/CMakeLists.txt: RAFTER_GPU_TESTS: expected the list of GPU tests, read '${gpu_tests[*]}'" >&2; exit 2; }
# The reference LLM workload's GPU test (workloads/llm/tests/gpu_model_test.cpp).
llm_tests=(llm_gpu_model_test)
[ "$list_only" -eq 0 ] || { printf '%s\n' "${gpu_tests[@]}" "${llm_tests[@]}"; exit 0; }
[ -x /usr/local/cuda/bin/nvcc ] || command -v nvcc >/dev/null || { echo "bundle-gpu: no CUDA toolkit (nvcc)" >&2; exit 3; }

# $ORIGIN/../lib as DT_RPATH (--disable-new-dtags), not DT_RUNPATH: a RUNPATH serves only the
# object's own needs, and the bundled libraries (no RUNPATH of their own) need others in lib/ too.
# Without MPI: its launcher, daemons and plugins are not bundled, and no step runs under mpirun.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAFTER_ENABLE_WERROR=ON \
  -DRAFTER_ENABLE_CUDA=ON "-DCMAKE_CUDA_ARCHITECTURES=$archs" -DRAFTER_ENABLE_MPI=OFF \
  '-DCMAKE_BUILD_RPATH=$ORIGIN/../lib' -DCMAKE_EXE_LINKER_FLAGS=-Wl,--disable-new-dtags \
  -DCMAKE_SHARED_LINKER_FLAGS=-Wl,--disable-new-dtags >/dev/null
cmake --build "$build" --target rafter rafter-llm rafter_inject "${gpu_tests[@]}" "${llm_tests[@]}" \
  -j "${RAFTER_BUILD_JOBS:-2}"

rm -rf "$out"
mkdir -p "$out/bin" "$out/tests" "$out/lib/glibc" "$out/scripts" "$out/bench" "$out/examples"
cp "$build/cli/rafter" "$build/workloads/llm/rafter-llm" "$out/bin/"
# rafter trace looks for the collector next to rafter, then in ../lib (cli/cmd_trace.cpp).
cp "$build/profiler/librafter_inject.so" "$out/lib/"
for t in "${gpu_tests[@]}"; do cp "$build/tests/$t" "$out/tests/"; done
for t in "${llm_tests[@]}"; do cp "$build/workloads/llm/$t" "$out/tests/"; done
cp "$root/tests/sass_check.py" "$root/tests/sass_test.sh" "$root/workloads/llm/tests/rafter_llm_cli_test.sh" "$out/tests/"
# Every file the CLI, the workload and the tests read at run time (find_config_dir: <exe>/../configs).
cp -r "$root/configs" "$out/"
cp "$root/scripts/gpu-validate.sh" "$root/scripts/anchor_table.py" "$root/scripts/merge_profiles.py" "$out/scripts/"
cp "$root/bench/collector_overhead.sh" "$out/bench/"
cp "$root/examples/pytorch_decode.py" "$out/examples/"

# Shared libraries: everything ldd resolves except glibc itself and the driver, which the GPU
# machine provides (libcuda is loaded by the CUDA runtime at run time, never linked), and cuBLAS,
# which the GPU machine's CUDA toolkit provides (external, below).
is_system() {
  case "$(basename "$1")" in
    ld-linux*|libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|libutil.so.*|libresolv.so.*|libcuda.so.*|libnvidia-*) return 0 ;;
  esac
  return 1
}
is_external() {
  case "$(basename "$1")" in libcublas.so.*|libcublasLt.so.*) return 0 ;; esac
  return 1
}
shipped=("$out/bin/rafter" "$out/bin/rafter-llm" "$out/lib/librafter_inject.so")
for t in "${gpu_tests[@]}" "${llm_tests[@]}"; do shipped+=("$out/tests/$t"); done
# Host symbols and debug information are not needed there (the kernels, in .nv_fatbin, stay):
# stripped, the bundle fits the carry limit.
strip --strip-unneeded "${shipped[@]}"
externals=()
for f in "${shipped[@]}"; do
  while read -r lib; do
    if is_external "$lib"; then externals+=("$(basename "$lib")");
    elif ! is_system "$lib" && [ ! -e "$out/lib/$(basename "$lib")" ]; then cp -L "$lib" "$out/lib/"; fi
  done < <(ldd "$f" | awk '/=> \// {print $3}')
done
# The CUPTI Range Profiler (--metrics roofline) dlopens libnvperf_host and libnvperf_target from
# libcupti's directory; ship the copies that belong to the bundled libcupti.
cupti=$(ldd "$build/profiler/librafter_inject.so" | awk '$1 ~ /^libcupti\.so/ {print $3}')  # the toolkit's
[ -n "$cupti" ] || { echo "bundle-gpu: librafter_inject.so does not link libcupti" >&2; exit 1; }
for lib in libnvperf_host.so libnvperf_target.so; do
  for dir in "$(dirname "$(realpath "$cupti")")" "$(dirname "$cupti")"; do
    [ -e "$dir/$lib" ] && { cp -L "$dir/$lib" "$out/lib/"; break; }
  done
  [ -e "$out/lib/$lib" ] || { echo "bundle-gpu: $lib not found next to $cupti (needed by --metrics roofline)" >&2; exit 1; }
done
# glibc of this machine, for a GPU machine whose own is older (see BUNDLE_INFO).
for lib in /lib64/ld-linux-x86-64.so.2 /lib/x86_64-linux-gnu/{libc.so.6,libm.so.6,libpthread.so.0,libdl.so.2,librt.so.1,libutil.so.1}; do
  [ -e "$lib" ] && cp -L "$lib" "$out/lib/glibc/"
done

glibc_needed=$(objdump -T "$out"/bin/* "$out"/tests/*_test "$out"/lib/*.so* 2>/dev/null |
               grep -o 'GLIBC_2\.[0-9.]*' | sort -uV | tail -1 | sed 's/GLIBC_//')
{
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -n)"
  echo "source: $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)"
  echo "cuda: $("$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)" --version | tail -1)"
  echo "architectures: $archs (+ sm_90a for wgmma, sm_100f/sm_110f and sm_100a/sm_110a for tcgen05, sm_120f for fp4 mma.sync)"
  echo "glibc_needed: $glibc_needed"
  echo "glibc_bundled: $(getconf GNU_LIBC_VERSION | awk '{print $2}')"
  echo "external_libs: $(printf '%s\n' "${externals[@]}" | sort -u | tr '\n' ' ' | sed 's/ $//')"
} >"$out/BUNDLE_INFO"

# Every library must resolve inside the bundle (glibc, the driver and cuBLAS aside).
missing=0
for f in "${shipped[@]}"; do
  while read -r lib path; do
    is_system "$lib" && continue
    is_external "$lib" && continue
    [ "$path" != not ] || { echo "bundle-gpu: $(basename "$f") needs $lib, found nowhere" >&2; missing=1; continue; }
    path=$(realpath -ms "$path")  # $ORIGIN/../lib -> the bundle's lib/
    case "$path" in
      "$out"/lib/*) ;;
      *) echo "bundle-gpu: $(basename "$f") resolves $lib to $path, outside the bundle" >&2; missing=1 ;;
    esac
  done < <(ldd "$f" | awk '/=>/ {print $1, $3}')
done
[ "$missing" -eq 0 ] || exit 1

# The GPU code: bin/rafter (every ceiling kernel) holds a cubin for each of --archs, sm_90a
# (wgmma), sm_100f, sm_110f, sm_100a and sm_110a (tcgen05) and sm_120f (fp4 mma.sync); every other
# binary with kernels holds cubins of those architectures only.
# cuobjdump: PATH, the toolkit, or the pip wheel nvidia-cuda-cuobjdump (scripts/setup.sh).
cuobjdump=$(command -v cuobjdump || ls /usr/local/cuda/bin/cuobjdump 2>/dev/null ||
            python3 -c 'import glob, nvidia, os; print(next(iter(glob.glob(os.path.join(nvidia.__path__[0], "cu*", "bin", "cuobjdump"))), ""))' 2>/dev/null || true)
if [ -z "$cuobjdump" ]; then
  echo "bundle-gpu: cuobjdump not found: the bundle's SASS architectures were not checked (scripts/setup.sh installs it)" >&2
else
  want=()
  for a in ${archs//;/ }; do want+=("sm_${a%%-*}"); done  # 90, 90-real, 90-virtual -> sm_90
  # cuobjdump -lelf names the family cubins (sm_100f, sm_110f, sm_120f) sm_100, sm_110 and sm_120; -sass
  # says sm_100f, sm_110f, sm_120f.
  want+=(sm_90a sm_100 sm_100a sm_110 sm_110a sm_120)
  cubins() { "$cuobjdump" -lelf "$1" 2>/dev/null | sed -n 's/.*\.\(sm_[0-9a-z]*\)\.cubin$/\1/p' | sort -u; }
  for a in "${want[@]}"; do
    cubins "$out/bin/rafter" | grep -qx "$a" || { echo "bundle-gpu: bin/rafter has no $a code" >&2; exit 1; }
  done
  for f in "$out/bin/rafter-llm" "$out/tests/"*_test; do
    for a in $(cubins "$f"); do
      case " ${want[*]} " in *" $a "*) ;; *) echo "bundle-gpu: $(basename "$f") has $a code, not asked for (${want[*]})" >&2; exit 1 ;; esac
    done
  done
  echo "bundle-gpu: SASS: bin/rafter holds $("$cuobjdump" -lelf "$out/bin/rafter" | sed -n 's/.*\.\(sm_[0-9a-z]*\)\.cubin$/\1/p' |
    sort | uniq -c | awk '{print $2 " x" $1}' | paste -sd ' ' -); no other architecture in the bundle"
fi
# The same, packed: what to carry to a machine lent with a size limit (64 MiB; the directory is
# larger, mostly libnvperf_host). There: tar xzf gpu-bundle.tar.gz -C DIR, then run
# DIR/gpu-bundle/scripts/gpu-validate.sh.
tar czf "$out.tar.gz.tmp" -C "$(dirname "$out")" "$(basename "$out")" && mv "$out.tar.gz.tmp" "$out.tar.gz"
echo "bundle-gpu: $out ($(du -sh "$out" | cut -f1)), packed $out.tar.gz ($(du -sh "$out.tar.gz" | cut -f1));" \
  "$(grep glibc_needed "$out/BUNDLE_INFO")"
# The device tool carries the working tree (tracked and untracked files git does not ignore) and the
# carried paths, 64 MiB in all.
packed=$(stat -c %s "$out.tar.gz")
tree=$(cd "$root" && git ls-files -co --exclude-standard -z 2>/dev/null | du -cb --files0-from=- 2>/dev/null | tail -1 | cut -f1)
total=$(( packed + ${tree:-0} ))
echo "bundle-gpu: carried with the working tree: $(( total / 1048576 )) MiB of the 64 MiB a GPU machine takes" \
  "(bundle $(( packed / 1048576 )) MiB, tree $(( ${tree:-0} / 1048576 )) MiB)"
[ "$total" -le $(( 64 * 1048576 )) ] || { echo "bundle-gpu: $out.tar.gz and the working tree exceed 64 MiB" >&2; exit 1; }

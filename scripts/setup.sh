#!/usr/bin/env bash
# Installs what rafter needs to build, test and run, and only what is missing (idempotent).
# Debian/Ubuntu. Usage: scripts/setup.sh [--with-bench] [--with-torch]
#   --with-bench  likwid, for bench/host_vs_likwid.sh
#   --with-torch  PyTorch and transformers in a venv, build/torch-venv (about 6 GB), for
#                 tests/pytorch_decode_test.sh, which otherwise skips
set -euo pipefail
with_bench=0 with_torch=0
for arg in "$@"; do
  case $arg in
    --with-bench) with_bench=1 ;;
    --with-torch) with_torch=1 ;;
    *) echo "setup: unknown argument '$arg' (expected --with-bench, --with-torch)" >&2; exit 2 ;;
  esac
done
root=$(cd "$(dirname "$0")/.." && pwd)

packages=(cmake ninja-build g++ python3 libfmt-dev nlohmann-json3-dev libcli11-dev libbenchmark-dev
          libgtest-dev chromium
          libsimdjson-dev libsqlite3-dev zlib1g-dev libdeflate-dev pkg-config
          clang libclang-rt-dev  # clang + libFuzzer runtime: the importers' fuzzers (preset fuzz)
          libopenmpi-dev openmpi-bin)  # MPI: the interconnect suite across ranks (RAFTER_ENABLE_MPI)
if [ "$with_bench" -eq 1 ]; then packages+=(likwid); fi
if [ "$with_torch" -eq 1 ]; then packages+=(python3-venv); fi

missing=()
for p in "${packages[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then missing+=("$p"); fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
    echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all packages present"
fi

# The CUDA toolkit is optional: with nvcc the GPU parts build too.
if [ -x /usr/local/cuda/bin/nvcc ] || command -v nvcc >/dev/null; then
  nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
  echo "setup: CUDA toolkit found ($nvcc)"
  # The SASS tests (ctest -L sass) need cuobjdump and nvdisasm; a toolkit without them gets NVIDIA's
  # pip wheels of the same major version (found by tests/sass_test.sh under site-packages/nvidia).
  cuda_major=$("$nvcc" --version | sed -n 's/.*release \([0-9]*\)\..*/\1/p')
  has_disassembler() {
    { command -v cuobjdump >/dev/null && command -v nvdisasm >/dev/null; } && return 0
    [ -x /usr/local/cuda/bin/cuobjdump ] && [ -x /usr/local/cuda/bin/nvdisasm ] && return 0
    python3 -c 'import glob, nvidia, os, sys
sys.exit(0 if any(glob.glob(os.path.join(p, "cu*", "bin", "nvdisasm")) and glob.glob(os.path.join(p, "cu*", "bin", "cuobjdump"))
                  for p in nvidia.__path__) else 1)' 2>/dev/null
  }
  if [ -n "$cuda_major" ] && [ "$cuda_major" -ge 13 ] && ! has_disassembler; then
    wheels=("nvidia-cuda-cuobjdump>=$cuda_major,<$((cuda_major + 1))" "nvidia-cuda-nvdisasm>=$cuda_major,<$((cuda_major + 1))")
    echo "setup: installing cuobjdump and nvdisasm (pip: ${wheels[*]})"
    python3 -m pip install --quiet "${wheels[@]}" 2>/dev/null ||
      python3 -m pip install --quiet --break-system-packages "${wheels[@]}" ||
      echo "setup: could not install cuobjdump/nvdisasm; the SASS tests will be skipped" >&2
  fi
  # tests/injection_without_driver_test.sh runs the collector with CUPTI 13.2 too (PyTorch's cu13
  # wheels ship it; called without a driver it overflows the stack): a private copy.
  cupti_dir="$root/build/test-deps/cupti-13.2"
  if [ "$cuda_major" = 13 ] && [ ! -f "$cupti_dir/nvidia/cu13/lib/libcupti.so.13" ]; then
    echo "setup: installing CUPTI 13.2 for tests/injection_without_driver_test.sh (pip, into $cupti_dir)"
    python3 -m pip install --quiet --no-deps --target "$cupti_dir" "nvidia-cuda-cupti==13.2.86" 2>/dev/null ||
      echo "setup: could not install CUPTI 13.2; tests/injection_without_driver_test.sh checks the toolkit's libcupti only" >&2
  fi
else
  echo "setup: no CUDA toolkit; building the host parts only"
fi

if [ "$with_torch" -eq 1 ] && ! "$root/build/torch-venv/bin/python" -c "import torch, transformers" 2>/dev/null; then
  echo "setup: installing PyTorch and transformers into $root/build/torch-venv"
  python3 -m venv "$root/build/torch-venv"
  "$root/build/torch-venv/bin/pip" install --quiet torch transformers
fi

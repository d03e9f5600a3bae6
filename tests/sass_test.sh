#!/usr/bin/env bash
# SASS checks of the GPU ceiling kernels (ctest label `sass`): disassembles the rafter binary with
# `cuobjdump -sass` and checks what each kernel is made of (tests/sass_check.py): the FP32 kernel
# is FFMA-bound, the HBM kernels and the SM link-copy kernel use 128-bit loads and stores, the mma
# kernels issue HMMA/IMMA (QMMA for fp8 where native; OMMA.SF for NVFP4 on sm_120f), the wgmma
# kernels HGMMA/QGMMA on sm_90a, the tcgen05 kernels UTCHMMA/UTCQMMA/UTCOMMA on sm_100f and sm_110f
# (UTCIMMA on sm_100a and sm_110a), and no ceiling kernel spills to local memory. Skips (77) when
# cuobjdump/nvdisasm or the GPU code are missing.
# Usage: sass_test.sh RAFTER_BINARY SOURCE_DIR
set -u
rafter=$1
src=$2

# cuobjdump and nvdisasm: PATH, the CUDA toolkit, or the pip wheels nvidia-cuda-cuobjdump and
# nvidia-cuda-nvdisasm (scripts/setup.sh installs them when the toolkit lacks them).
find_tool() {
  local name=$1 dir
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  for dir in /usr/local/cuda/bin "${CUDA_HOME:-/nonexistent}/bin"; do
    if [ -x "$dir/$name" ]; then echo "$dir/$name"; return 0; fi
  done
  dir=$(python3 -c 'import glob, nvidia, os; print("\n".join(d for p in nvidia.__path__ for d in glob.glob(os.path.join(p, "cu*", "bin"))))' 2>/dev/null)
  for d in $dir; do
    if [ -x "$d/$name" ]; then echo "$d/$name"; return 0; fi
  done
  return 1
}
cuobjdump=$(find_tool cuobjdump) || { echo "SKIP: cuobjdump not found (run scripts/setup.sh)"; exit 77; }
nvdisasm=$(find_tool nvdisasm) || { echo "SKIP: nvdisasm (needed by cuobjdump -sass) not found (run scripts/setup.sh)"; exit 77; }
export NVDISASM_PATH=$(dirname "$nvdisasm")
export PATH="$(dirname "$nvdisasm"):$PATH"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! "$cuobjdump" -lelf "$rafter" >"$tmp/elf" 2>&1 || ! grep -q "sm_" "$tmp/elf"; then
  echo "SKIP: $rafter holds no GPU code (built without CUDA)"
  exit 77
fi
echo "cuobjdump: $cuobjdump ($("$cuobjdump" --version | tail -1))"
if ! "$cuobjdump" -sass "$rafter" >"$tmp/sass.txt" 2>"$tmp/err"; then
  echo "FAIL: cuobjdump -sass failed:"; head -5 "$tmp/err"
  exit 1
fi
python3 "$src/tests/sass_check.py" "$tmp/sass.txt"

#!/usr/bin/env bash
# librafter_inject.so on a machine without a CUDA driver: `rafter trace --nvtx` over a program that
# loads it as the driver would (InitializeInjection) and makes NVTX calls (NVTX_INJECTION64_PATH):
# the program runs and exits with its own code, and the trace says there was no driver. Once with
# the toolkit's libcupti, once with CUPTI 13.2 (the libcupti of PyTorch's cu13 wheels, which
# overflows the stack retrying the missing driver when called; scripts/setup.sh puts a copy in
# build/test-deps/cupti-13.2), and once more with the toolkit's stub libcuda found as libcuda.so.1
# (as some containers have it), which loads but is no driver. Skipped where a driver is present.
# Usage: injection_without_driver_test.sh RAFTER_BINARY SOURCE_DIR
set -u
rafter=${1:?usage: injection_without_driver_test.sh RAFTER_BINARY SOURCE_DIR}
src=${2:?usage: injection_without_driver_test.sh RAFTER_BINARY SOURCE_DIR}
build=$(cd "$(dirname "$rafter")/.." && pwd)
inject="$build/profiler/librafter_inject.so"
program="$build/tests/injection_program"
[ -f "$inject" ] && [ -x "$program" ] ||
  { echo "SKIP: no collector in this build ($inject, $program): built without CUDA/CUPTI"; exit 77; }
# A working driver is one that answers cuDriverGetVersion (the toolkit's stub returns 34).
if python3 -c 'import ctypes, sys
v = ctypes.c_int()
sys.exit(0 if ctypes.CDLL("libcuda.so.1").cuDriverGetVersion(ctypes.byref(v)) == 0 else 1)' 2>/dev/null; then
  echo "SKIP: a CUDA driver is installed here: this test is for machines without one"; exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

run() {  # run NAME [LD_LIBRARY_PATH]
  local name=$1 libs=${2:-}
  "$rafter" trace --nvtx -o "$tmp/t.json" -- env ${libs:+LD_LIBRARY_PATH="$libs"} "$program" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -ne 7 ] || ! grep -q "injection_program: ran" "$tmp/out"; then
    echo "FAIL: $name: exit $rc (expected the program's 7)"; sed 's/^/  /' "$tmp/out" "$tmp/err" | tail -6; fail=1; return
  fi
  grep -q "CUPTI cannot trace this process (no CUDA driver: " "$tmp/t.json" ||
    { echo "FAIL: $name: the trace does not say that there is no driver"; sed 's/^/  /' "$tmp/err"; fail=1; }
  # Nothing was traced, so the trace claims nothing was recorded.
  python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))["source"]; sys.exit(0 if s["recorded"] == [] and s["not_recorded"][0].startswith("everything: CUPTI could not trace") else 1)' "$tmp/t.json" ||
    { echo "FAIL: $name: the failed trace's source.recorded/not_recorded claim data"; fail=1; }
}
run "toolkit libcupti"
old_cupti="$src/build/test-deps/cupti-13.2/nvidia/cu13/lib"
if [ -f "$old_cupti/libcupti.so.13" ]; then
  # The injection library must then load that copy, else this case tests nothing.
  resolved=$(LD_LIBRARY_PATH="$old_cupti" ldd "$inject" | awk '/libcupti.so.13/ {print $3}')
  if [ "$resolved" != "$old_cupti/libcupti.so.13" ]; then
    echo "FAIL: with LD_LIBRARY_PATH, librafter_inject.so loads $resolved, not CUPTI 13.2"; fail=1
  else
    run "CUPTI 13.2" "$old_cupti"
  fi
else
  echo "note: no CUPTI 13.2 in $old_cupti (scripts/setup.sh installs it): only the toolkit's libcupti checked"
  old_cupti=""
fi
stub=$(ls /usr/local/cuda/lib64/stubs/libcuda.so "$(dirname "$(command -v nvcc 2>/dev/null || echo /nonexistent)")"/../lib64/stubs/libcuda.so 2>/dev/null | head -1)
if [ -n "$stub" ]; then
  mkdir -p "$tmp/stub" && cp "$stub" "$tmp/stub/libcuda.so.1"
  run "the toolkit's stub as libcuda.so.1${old_cupti:+, CUPTI 13.2}" "$tmp/stub${old_cupti:+:$old_cupti}"
  grep -q "CUDA_ERROR_STUB_LIBRARY" "$tmp/t.json" || { echo "FAIL: the trace does not name the stub"; fail=1; }
else
  echo "note: no stub libcuda.so in the toolkit: the stub case not checked"
fi
[ "$fail" -eq 0 ] && echo "ok"
exit "$fail"

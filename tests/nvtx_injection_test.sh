#!/usr/bin/env bash
# profiler/injection.cpp's NVTX entry point on a machine without a CUDA driver: a program making
# NVTX calls under NVTX_INJECTION64_PATH=librafter_inject.so (as `rafter trace --nvtx` sets it) runs
# and exits with its own code, with the toolkit's libcupti and with CUPTI 13.2 (the libcupti of
# PyTorch's cu13 wheels, whose own NVTX handler overflows the stack retrying the missing driver;
# scripts/setup.sh puts it in build/test-deps/cupti-13.2). Where a driver is present, this test
# only checks that the program still exits with its own code.
# Usage: nvtx_injection_test.sh RAFTER_BINARY SOURCE_DIR
set -u
rafter=${1:?usage: nvtx_injection_test.sh RAFTER_BINARY SOURCE_DIR}
src=${2:?usage: nvtx_injection_test.sh RAFTER_BINARY SOURCE_DIR}
build=$(cd "$(dirname "$rafter")/.." && pwd)
inject="$build/profiler/librafter_inject.so"
program="$build/tests/nvtx_program"
[ -f "$inject" ] && [ -x "$program" ] ||
  { echo "SKIP: no collector in this build ($inject, $program): built without CUDA/CUPTI"; exit 77; }
fail=0

run() {  # run NAME [LD_LIBRARY_PATH]: the program under the injection exits 7 and prints its line
  local name=$1 libs=${2:-}
  out=$(env ${libs:+LD_LIBRARY_PATH="$libs"} NVTX_INJECTION64_PATH="$inject" "$program" 2>&1)
  local rc=$?
  if [ "$rc" -ne 7 ] || [[ $out != *"nvtx_program: ran"* ]]; then
    echo "FAIL: $name: exit $rc (expected the program's 7), output:"; echo "$out" | tail -5 | sed 's/^/  /'; fail=1
  fi
}
run "toolkit libcupti"
old_cupti="$src/build/test-deps/cupti-13.2/nvidia/cu13/lib"
if [ -f "$old_cupti/libcupti.so.13" ]; then
  # The injection library must then resolve libcupti.so.13 to that copy, else this case tests nothing.
  resolved=$(LD_LIBRARY_PATH="$old_cupti" ldd "$inject" | awk '/libcupti.so.13/ {print $3}')
  if [ "$resolved" != "$old_cupti/libcupti.so.13" ]; then
    echo "FAIL: with LD_LIBRARY_PATH, librafter_inject.so loads $resolved, not CUPTI 13.2"; fail=1
  else
    run "CUPTI 13.2" "$old_cupti"
  fi
else
  echo "note: no CUPTI 13.2 in $old_cupti (scripts/setup.sh installs it): only the toolkit's libcupti checked"
fi
[ "$fail" -eq 0 ] && echo "ok"
exit "$fail"

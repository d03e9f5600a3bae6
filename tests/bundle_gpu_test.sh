#!/usr/bin/env bash
# scripts/bundle-gpu.sh (static checks; building the bundle takes minutes and is rehearsed by hand):
# it ships every test of the ctest label `gpu` and every test that uses the GPU test helpers, and
# every test and script gpu-validate.sh names is shipped.
# Usage: bundle_gpu_test.sh RAFTER_BINARY SOURCE_DIR
set -euo pipefail
rafter=${1:?usage: bundle_gpu_test.sh RAFTER_BINARY SOURCE_DIR}
src=${2:?usage: bundle_gpu_test.sh RAFTER_BINARY SOURCE_DIR}
build=$(cd "$(dirname "$rafter")/.." && pwd)  # the build tree of build/<preset>/cli/rafter
fail=0
bash -n "$src/scripts/bundle-gpu.sh" || { echo "FAIL: scripts/bundle-gpu.sh does not parse"; fail=1; }
bash -n "$src/scripts/gpu-validate.sh" || { echo "FAIL: scripts/gpu-validate.sh does not parse"; fail=1; }

# The two lists, one name per line, sorted: the programs of the tests ctest itself labels gpu in this
# build (not the CMake list bundle-gpu.sh reads; shell tests run by gpu-validate.sh's own steps
# are left out), and what the bundle ships.
labelled=$(cd "$build" && ctest --show-only=json-v1 -L '^gpu$' | python3 -c '
import json, os, sys
names = {os.path.basename(t["command"][0]) for t in json.load(sys.stdin)["tests"] if t.get("command")}
print("\n".join(sorted(n for n in names if n not in ("bash", "sh"))))') ||
  { echo "FAIL: ctest cannot list the gpu label in $build"; fail=1; }
shipped=$(bash "$src/scripts/bundle-gpu.sh" --list-tests) || { echo "FAIL: bundle-gpu.sh --list-tests failed"; fail=1; }
bundled=$(echo "$shipped" | sort)
# A build without CUDA has no workloads/ (CMakeLists.txt), so no LLM GPU test to label; the bundle,
# built with nvcc, always ships it.
if [ ! -f "$build/workloads/llm/CTestTestfile.cmake" ]; then
  echo "$bundled" | grep -qx llm_gpu_model_test || { echo "FAIL: the bundle does not ship llm_gpu_model_test"; fail=1; }
  bundled=$(echo "$bundled" | grep -vx llm_gpu_model_test)
  echo "(a build without CUDA: llm_gpu_model_test is compared with the bundle only where CUDA is built)"
fi
[ -n "$labelled" ] || { echo "FAIL: ctest labels no test gpu in $build"; fail=1; }
if [ "$labelled" != "$bundled" ]; then
  echo "FAIL: the bundle's gpu_tests differ from the ctest label gpu:"
  diff <(echo "$labelled") <(echo "$bundled") | sed 's/^/  /' || true
  fail=1
fi

# An independent list: every test that uses the GPU test helpers (tests/gpu_test_support.hpp) or
# is named *_gpu_test must be labelled and shipped, or a new GPU test would run nowhere.
for f in $(grep -l 'gpu_test_support.hpp' "$src"/tests/*_test.cpp) "$src"/tests/*_gpu_test.cpp; do
  [ -e "$f" ] || continue
  t=$(basename "$f" .cpp)
  echo "$bundled" | grep -qx "$t" || { echo "FAIL: $t uses the GPU but is not in RAFTER_GPU_TESTS (not labelled gpu, not shipped)"; fail=1; }
done

# Tests gpu-validate.sh runs by name (compute-sanitizer) must be in the bundle, or they are
# silently skipped on the GPU.
named=$(grep -o '[a-z0-9_]*_bench_test' "$src/scripts/gpu-validate.sh" | sort -u)
for t in $named; do
  echo "$bundled" | grep -qx "$t" || { echo "FAIL: gpu-validate.sh names $t, which the bundle does not ship"; fail=1; }
done
# Scripts gpu-validate.sh runs from the bundle must be copied into it.
for f in $(grep -o '\(scripts\|examples\)/[a-z_]*\.py' "$src/scripts/gpu-validate.sh" | sort -u); do
  grep -q "^[^#]*\$root/$f" "$src/scripts/bundle-gpu.sh" || { echo "FAIL: gpu-validate.sh runs $f, which bundle-gpu.sh does not copy"; fail=1; }
done
[ "$fail" -eq 0 ] && echo "bundle lists: $(echo "$bundled" | wc -l) gpu tests, all shipped; gpu-validate names $(echo "$named" | wc -l), all shipped"
exit "$fail"

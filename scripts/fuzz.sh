#!/usr/bin/env bash
# Builds the importers' libFuzzer targets (preset fuzz: clang, ASan + UBSan) and runs each for
# SECONDS (default 600), one after the other, keeping the grown corpus in the build tree between
# runs. Crash reproducers land in <build>/fuzz/artifacts/<target>/; the exit status is non-zero
# when any target found something.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...] [-- libFuzzer flags]
#   TARGET: kineto nsys ncu trace_json (default: all).  Build folder: build/fuzz, or
#   $RAFTER_FUZZ_BUILD_DIR.  Example: scripts/fuzz.sh 3600 kineto -- -jobs=2 -workers=2
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=600
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then seconds=$1; shift; fi
targets=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do targets+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#targets[@]} -gt 0 ] || targets=(kineto nsys ncu trace_json)

build=${RAFTER_FUZZ_BUILD_DIR:-build/fuzz}
cmake --preset fuzz -B "$build" >/dev/null
cmake --build "$build" --target rafter_fuzzers -j "$(nproc)"

failed=()
for t in "${targets[@]}"; do
  binary=$build/fuzz/${t}_fuzzer
  if [ ! -x "$binary" ]; then echo "fuzz.sh: no fuzzer named '$t' (kineto nsys ncu trace_json)" >&2; exit 2; fi
  dict=()
  [ -f "fuzz/$t.dict" ] && dict=("fuzz/$t.dict")
  echo "fuzz.sh: $t for ${seconds} s"
  if ! fuzz/run_fuzzer.sh "$binary" "$seconds" "$build/fuzz/corpus/$t" "$build/fuzz/seeds/$t" \
       "$build/fuzz/artifacts/$t" "${dict[@]}" -- "$@"; then
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: findings in: ${failed[*]} (reproducers in $build/fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzz.sh: no findings in ${targets[*]} (${seconds} s each)"

#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS, growing CORPUS from the read-only SEEDS directory; crash,
# leak and timeout reproducers go to ARTIFACTS/. Exit status: libFuzzer's (0: nothing found).
# Usage: run_fuzzer.sh BINARY SECONDS CORPUS SEEDS ARTIFACTS [DICT] [-- extra libFuzzer flags]
set -uo pipefail
if [ $# -lt 5 ]; then sed -n 2,4p "$0" >&2; exit 2; fi
binary=$1 seconds=$2 corpus=$3 seeds=$4 artifacts=$5
shift 5
dict=()
if [ $# -gt 0 ] && [ "$1" != "--" ]; then dict=(-dict="$1"); shift; fi
[ "${1:-}" = "--" ] && shift
mkdir -p "$corpus" "$artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "${dict[@]}" "$@" "$corpus" "$seeds"
status=$?
if [ $status -ne 0 ]; then
  echo "run_fuzzer: $(basename "$binary") failed (exit $status); reproducers:" >&2
  ls -1 "$artifacts" >&2
  echo "run_fuzzer: replay one with: $binary $artifacts/<file>" >&2
fi
exit $status

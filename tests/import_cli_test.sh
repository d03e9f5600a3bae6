#!/usr/bin/env bash
# `rafter import`: exit codes, one-line errors naming the file, no output for bad input.
# Usage: import_cli_test.sh RAFTER_BINARY SOURCE_DIR
set -u
rafter=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

expect() {  # expect CODE DESCRIPTION -- COMMAND...
  local want=$1 what=$2
  shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $what: exit $got, expected $want"; sed 's/^/  stderr: /' "$tmp/err" | head -5
    failures=$((failures + 1))
  else
    echo "ok: $what"
  fi
}
grep_in() {  # grep_in FILE PATTERN DESCRIPTION
  if ! grep -q -- "$2" "$1"; then
    echo "FAIL: $3: '$2' not found in $(basename "$1")"; head -5 "$1" | sed 's/^/  /'
    failures=$((failures + 1))
  fi
}
one_line_stderr() {
  local n
  n=$(wc -l <"$tmp/err")
  if [ "$n" -ne 1 ]; then echo "FAIL: $1: stderr has $n lines, expected 1"; cat "$tmp/err"; failures=$((failures + 1)); fi
}
no_output() {
  if [ -e "$tmp/out.json" ] || ls "$tmp"/.out.json.tmp.* >/dev/null 2>&1; then
    echo "FAIL: $1: an output file was written"; failures=$((failures + 1)); rm -f "$tmp/out.json" "$tmp"/.out.json.tmp.*
  fi
}
# bad_input NAME DESCRIPTION PATTERN [extra args]: exit 2, one line naming the file and PATTERN, no output.
bad_input() {
  local file=$1 what=$2 pattern=$3
  shift 3
  expect 2 "$what" -- "$rafter" import "$file" -o "$tmp/out.json" "$@"
  one_line_stderr "$what"
  grep_in "$tmp/err" "$file" "$what names the file"
  grep_in "$tmp/err" "$pattern" "$what says why"
  no_output "$what"
}

good='{"schemaVersion": 1, "deviceProperties": [{"id": 0, "name": "Test GPU", "computeMajor": 9, "computeMinor": 0, "numSms": 132}], "traceEvents": [
{"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 1, "tid": 1, "ts": 100, "dur": 50, "args": {"External id": 5, "Input Dims": [[64, 32], [32, 16]], "Input type": ["float", "float"]}},
{"ph": "X", "cat": "kernel", "name": "sgemm", "pid": 0, "tid": 7, "ts": 200.5, "dur": 10.25, "args": {"device": 0, "stream": 7, "correlation": 9, "External id": 5}}
], "baseTimeNanoseconds": 1700000000000000000}'
printf '%s' "$good" >"$tmp/good.json"
printf '%s' "$good" | gzip -c >"$tmp/good.json.gz"

expect 0 "import a Kineto trace" -- "$rafter" import "$tmp/good.json" -o "$tmp/t.json"
grep_in "$tmp/out" "1 kernels on 1 device (Test GPU)" "the summary counts kernels and devices"
grep_in "$tmp/out" "Not recorded:" "the summary says what was not recorded"
grep_in "$tmp/t.json" '"schema": "rafter.trace/1"' "the output is a rafter trace"
grep_in "$tmp/t.json" '"start_ns":1700000000000200500' "timestamps are exact epoch nanoseconds"
grep_in "$tmp/t.json" '"formula":"gemm"' "the GEMM got a shape estimate"
expect 0 "import a gzip Kineto trace to a gzip rafter trace" -- "$rafter" import "$tmp/good.json.gz" -o "$tmp/t.json.gz"
if [ "$(head -c 2 "$tmp/t.json.gz" | od -An -tx1 | tr -d ' ')" != "1f8b" ]; then
  echo "FAIL: .gz output is not gzip"; failures=$((failures + 1))
fi
expect 0 "re-import a rafter trace (format detected)" -- "$rafter" import "$tmp/t.json.gz" -o "$tmp/t2.json"
grep_in "$tmp/out" "(rafter\|(kineto" "the summary names the recording tool"
expect 0 "--format kineto" -- "$rafter" import "$tmp/good.json" --format kineto -o "$tmp/t3.json"

# Truncated gzip.
head -c 60 "$tmp/good.json.gz" >"$tmp/trunc.json.gz"
bad_input "$tmp/trunc.json.gz" "truncated gzip" "truncated gzip stream"
# Invalid JSON inside an event, and a file cut short.
printf '%s' "$good" | sed 's/"dur": 50,/"dur": 50,,/' >"$tmp/invalid.json"
bad_input "$tmp/invalid.json" "invalid JSON" "not valid JSON in traceEvents\[0\] at byte"
printf '%s' "$good" | head -c 300 >"$tmp/cut.json"
bad_input "$tmp/cut.json" "JSON cut short" "unexpected end of file"
# JSON without traceEvents.
printf '{"schemaVersion": 1, "deviceProperties": []}' >"$tmp/noevents.json"
bad_input "$tmp/noevents.json" "missing traceEvents" "traceEvents"
# Files of another format.
printf 'name,value\nx,1\n' >"$tmp/other.csv"
bad_input "$tmp/other.csv" "a CSV that is not Nsight Compute" "unknown format"
bad_input "$tmp/other.csv" "another format read as Kineto" "not a Kineto trace" --format kineto
bad_input "$src/configs/hardware/h100_sxm5.json" "a machine profile" "not a trace"
: >"$tmp/empty.json"
bad_input "$tmp/empty.json" "an empty file" "empty file"
bad_input "$tmp/missing.json" "a missing file" "cannot open"

expect 2 "unknown --format" -- "$rafter" import "$tmp/good.json" --format perfetto -o "$tmp/out.json"
one_line_stderr "unknown --format"
no_output "unknown --format"
expect 2 "output directory missing" -- "$rafter" import "$tmp/good.json" -o "$tmp/no/such/dir/t.json"
one_line_stderr "output directory missing"
expect 2 "no -o" -- "$rafter" import "$tmp/good.json"

echo "import_cli_test: $failures failure(s)"
[ "$failures" -eq 0 ]

#!/usr/bin/env bash
# `rafter export --perfetto`: exit codes, one-line errors, no output for bad input, and a real Kineto
# trace exported and checked against facts read from the original file by Python.
# Usage: export_cli_test.sh RAFTER_BINARY SOURCE_DIR
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

# A small Kineto trace: one op launching one kernel (ts 200.5 µs, 10.25 µs long) and a quoted name.
good='{"schemaVersion": 1, "deviceProperties": [{"id": 0, "name": "Test GPU", "computeMajor": 9, "computeMinor": 0, "numSms": 132}], "traceEvents": [
{"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 1, "tid": 1, "ts": 100, "dur": 150, "args": {"External id": 5, "Input Dims": [[64, 32], [32, 16]], "Input type": ["float", "float"]}},
{"ph": "X", "cat": "kernel", "name": "sgemm<\"x\\y\">", "pid": 0, "tid": 7, "ts": 200.5, "dur": 10.25, "args": {"device": 0, "stream": 7, "correlation": 9, "External id": 5, "grid": [4, 2, 1], "block": [128, 1, 1]}}
], "baseTimeNanoseconds": 1700000000000000000}'
printf '%s' "$good" >"$tmp/good.json"

expect 0 "export a Kineto trace" -- "$rafter" export "$tmp/good.json" --perfetto -o "$tmp/p.json"
grep_in "$tmp/out" "1 kernels" "the summary counts kernels"
grep_in "$tmp/p.json" '"ts":100.500,"dur":10.250' "kernel ts/dur in µs with three decimals, from the earliest record"
grep_in "$tmp/p.json" '"baseTimeNanoseconds":1700000000000100000' "the origin is written"
if ! python3 - "$tmp/p.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
k = [e for e in d["traceEvents"] if e["ph"] == "X" and e["cat"] == "kernel"]
assert len(k) == 1 and k[0]["name"] == 'sgemm<"x\\y">', k
assert k[0]["args"]["grid"] == [4, 2, 1] and k[0]["args"]["correlation"] == 9, k[0]["args"]
EOF
then echo "FAIL: the small export does not parse or lacks its kernel"; failures=$((failures + 1)); fi

# Re-export of a rafter.trace/1 (format detected from content), and .gz output.
expect 0 "import to rafter.trace/1" -- "$rafter" import "$tmp/good.json" -o "$tmp/t.json.gz"
expect 0 "export a gzip rafter trace to a .gz file" -- "$rafter" export "$tmp/t.json.gz" --perfetto -o "$tmp/p.json.gz"
if [ "$(head -c 2 "$tmp/p.json.gz" | od -An -tx1 | tr -d ' ')" != "1f8b" ]; then
  echo "FAIL: .gz output is not gzip"; failures=$((failures + 1))
elif ! cmp -s <(gzip -dc "$tmp/p.json.gz") "$tmp/p.json"; then
  echo "FAIL: exporting the imported rafter trace differs from exporting the Kineto file"; failures=$((failures + 1))
fi

# Bad input: exit 2, one line naming the file, no output file left behind.
expect 2 "a missing file" -- "$rafter" export "$tmp/missing.json" --perfetto -o "$tmp/out.json"
one_line_stderr "a missing file"
grep_in "$tmp/err" "$tmp/missing.json" "the missing file is named"
no_output "a missing file"
printf '%s' "$good" | head -c 300 >"$tmp/cut.json"
expect 2 "a trace cut short" -- "$rafter" export "$tmp/cut.json" --perfetto -o "$tmp/out.json"
one_line_stderr "a trace cut short"
grep_in "$tmp/err" "$tmp/cut.json" "the bad file is named"
no_output "a trace cut short"
expect 2 "a machine profile is not a trace" -- "$rafter" export "$src/configs/hardware/h100_sxm5.json" --perfetto -o "$tmp/out.json"
no_output "a machine profile"
expect 2 "no format flag" -- "$rafter" export "$tmp/good.json" -o "$tmp/out.json"
one_line_stderr "no format flag"
grep_in "$tmp/err" "--perfetto" "the usage error names the supported formats"
no_output "no format flag"
expect 2 "no -o" -- "$rafter" export "$tmp/good.json" --perfetto
expect 2 "output directory missing" -- "$rafter" export "$tmp/good.json" --perfetto -o "$tmp/no/such/dir/p.json"
one_line_stderr "output directory missing"
expect 0 "export --help" -- "$rafter" export --help
grep_in "$tmp/out" "perfetto" "help names the format"

# A real trace: the export keeps every kernel, copy, annotation and op of the original file.
fixture="$src/../shared/fixtures/kineto/h100_bert-small_inference.json.gz"
if [ ! -e "$fixture" ]; then
  echo "skip: $fixture is absent (../shared not present); real-trace export not checked"
else
  expect 0 "export the H100 BERT Kineto fixture" -- "$rafter" export "$fixture" --perfetto -o "$tmp/bert.json"
  if ! python3 - "$fixture" "$tmp/bert.json" <<'EOF'
import collections, gzip, json, sys
from decimal import Decimal
src = json.load(gzip.open(sys.argv[1]))
out = json.load(open(sys.argv[2]))
want = collections.Counter(e.get("cat") for e in src["traceEvents"] if e.get("ph") == "X")
ev = out["traceEvents"]
got = collections.Counter(e["cat"] for e in ev if e["ph"] == "X")
for cat in ("kernel", "gpu_memcpy", "cpu_op", "user_annotation", "gpu_user_annotation"):
    assert got[cat] == want[cat], f"{cat}: exported {got[cat]}, original {want[cat]}"
def kernels(events):
    return sorted((e["name"], Decimal(str(e["dur"]))) for e in events if e.get("ph") == "X" and e.get("cat") == "kernel")
assert kernels(ev) == kernels(src["traceEvents"]), "kernel names or durations differ"
# The earliest kernel's absolute time is kept: origin + ts == the original's base + ts, in ns.
first = lambda events: min(Decimal(str(e["ts"])) for e in events if e.get("ph") == "X" and e.get("cat") == "kernel")
assert out["baseTimeNanoseconds"] + first(ev) * 1000 == src["baseTimeNanoseconds"] + first(src["traceEvents"]) * 1000
# Every thread nests: no slice overlaps another without containing it (viewers drop those).
lanes = collections.defaultdict(list)
for e in ev:
    if e["ph"] == "X":
        ts = Decimal(str(e["ts"]))
        lanes[e["tid"]].append((ts, -(ts + Decimal(str(e["dur"])))))
for tid, xs in lanes.items():
    stack = []
    for ts, neg_end in sorted(xs):
        while stack and stack[-1] <= ts: stack.pop()
        assert not stack or -neg_end <= stack[-1], f"partial overlap on tid {tid} at {ts}"
        stack.append(-neg_end)
names = {e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "process_name"}
assert any(n.startswith("GPU 0: NVIDIA H100") for n in names), names
print(f"bert: {got['kernel']} kernels, {got['cpu_op']} ops, {len(lanes)} threads, nesting ok")
EOF
  then echo "FAIL: the exported BERT trace does not match the original"; failures=$((failures + 1)); fi
fi

echo "export_cli_test: $failures failure(s)"
[ "$failures" -eq 0 ]

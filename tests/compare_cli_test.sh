#!/usr/bin/env bash
# `rafter compare`: exit codes (0 rules hold, 1 a rule broke, 2 bad input), every output written
# and well formed, escaping, noise, no partial output.
# Usage: compare_cli_test.sh RAFTER_BINARY SOURCE_DIR
set -u
rafter=$1
src=$2
hw="$src/configs/hardware"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

expect() {
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
grep_in() {
  if ! grep -q -- "$2" "$1"; then
    echo "FAIL: $3: '$2' not found in $(basename "$1")"; head -5 "$1" | sed 's/^/  /'
    failures=$((failures + 1))
  fi
}
absent() {
  if [ -e "$1" ]; then echo "FAIL: $2: $1 was written"; failures=$((failures + 1)); fi
}
xml_ok() {  # FILE DESCRIPTION: parses as XML and has as many <testcase> as the "tests" attribute says.
  if ! command -v python3 >/dev/null 2>&1; then echo "note: python3 missing, XML of $2 not parsed"; return; fi
  if ! python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find("testsuite")
cases = suite.findall("testcase")
assert int(suite.get("tests")) == len(cases), (suite.get("tests"), len(cases))
assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
PY
  then echo "FAIL: $2: JUnit XML is not well formed"; failures=$((failures + 1)); fi
}

a100="$hw/a100_sxm4_80gb.json"
h100="$hw/h100_sxm5.json"

# The same rule passes one way and fails the other.
expect 0 "A100 -> H100 with memory.hbm.read:-2% passes" -- "$rafter" compare "$a100" "$h100" --fail-on 'memory.hbm.read:-2%' \
  --junit "$tmp/up.xml" --json "$tmp/up.json" --markdown "$tmp/up.md" --html "$tmp/up.html"
xml_ok "$tmp/up.xml" "passing comparison"
grep_in "$tmp/up.json" '"schema": "rafter.comparison/1"' "JSON names its schema"
grep_in "$tmp/up.json" '"result": "pass"' "JSON says pass"
grep_in "$tmp/up.md" "memory.hbm.read" "Markdown lists the rule's metric"
grep_in "$tmp/up.html" "<svg" "HTML has the overlaid roofline"
expect 1 "H100 -> A100 with memory.hbm.read:-2% fails" -- "$rafter" compare "$h100" "$a100" --fail-on 'memory.hbm.read:-2%' \
  --junit "$tmp/down.xml" --json "$tmp/down.json"
xml_ok "$tmp/down.xml" "failing comparison"
grep_in "$tmp/down.xml" "<failure" "JUnit carries the failure"
grep_in "$tmp/down.json" '"status": "fail"' "JSON records the failed rule"
grep_in "$tmp/err" "1 of 1 rule checks failed" "stderr says how many rules failed"
expect 1 "several rules, one failing" -- "$rafter" compare "$h100" "$a100" --fail-on 'compute.*.tensor:-80%,link.nvlink:-50%' --fail-on 'memory.main.read:-2%'
expect 0 "no rules: report to stdout" -- "$rafter" compare "$a100" "$h100"
grep_in "$tmp/out" "balance.bf16" "LLM balance rows are shown"
grep_in "$tmp/out" "ridge.hbm" "ridge points are shown"
expect 0 "tensor and matrix cores match (H100 vs MI300X)" -- "$rafter" compare "$h100" "$hw/mi300x.json" --fail-on 'compute.bf16.matrix:-2%'

# Bad input: exit 2, one line, nothing written.
expect 2 "rule without a sign" -- "$rafter" compare "$a100" "$h100" --fail-on 'busy_time:5%' --json "$tmp/bad1.json"
grep_in "$tmp/err" "needs a sign" "the rule problem is named"
absent "$tmp/bad1.json" "bad rule"
expect 2 "rule naming nothing that exists" -- "$rafter" compare "$a100" "$h100" --fail-on 'memory.hbm.raed:-2%' --json "$tmp/bad2.json"
grep_in "$tmp/err" "no metric named 'memory.hbm.raed'" "the unknown metric is named"
absent "$tmp/bad2.json" "unknown metric"
expect 2 "rule on a quantity only one side has" -- "$rafter" compare "$a100" "$h100" --fail-on 'compute.fp8.tensor:-2%'
grep_in "$tmp/err" "only in" "the missing side is named"
printf '{"schema": "rafter.analysis/1"}' >"$tmp/analysis.json"
expect 2 "documents of different kinds" -- "$rafter" compare "$a100" "$tmp/analysis.json"
grep_in "$tmp/err" "cannot compare a machine profile" "different kinds are named"
printf '{"schema": "rafter.machine/2"}' >"$tmp/major2.json"
expect 2 "mismatched schema majors" -- "$rafter" compare "$a100" "$tmp/major2.json"
grep_in "$tmp/err" "schema majors differ" "the majors are named"
cat >"$tmp/cpu.json" <<'JSON'
{"schema": "rafter.machine/1", "device": {"name": "cpu", "kind": "cpu", "obtained": "test"},
 "compute": [{"id": "fp64.vector.fma", "precision": "fp64", "unit": "vector", "flop_per_s": 1e12, "source": "measured"}],
 "memory": []}
JSON
cat >"$tmp/npu.json" <<'JSON'
{"schema": "rafter.machine/1", "device": {"name": "npu", "kind": "accelerator", "obtained": "test"},
 "compute": [{"id": "int8.matrix", "precision": "int8", "unit": "matrix", "flop_per_s": 1e15, "source": "measured"}],
 "memory": []}
JSON
expect 2 "empty intersection" -- "$rafter" compare "$tmp/cpu.json" "$tmp/npu.json" --html "$tmp/empty.html"
grep_in "$tmp/err" "nothing to compare" "an empty intersection is named"
absent "$tmp/empty.html" "empty intersection"
expect 2 "missing file" -- "$rafter" compare "$a100" "$tmp/missing.json"
grep_in "$tmp/err" "missing.json" "the missing file is named"

# Noise: measured profiles whose spreads overlap; a 5 % drop against a 2 % rule is inconclusive, and
# an inconclusive rule fails the gate (noise must never switch it off).
measured() {  # FILE VALUE MIN MAX
  cat >"$1" <<JSON
{"schema": "rafter.machine/1", "device": {"name": "host <b>&amp;</b> \"quoted\"", "kind": "cpu", "obtained": "test"},
 "compute": [],
 "memory": [{"level": "dram", "read_bytes_per_s": $2, "source": "measured",
             "samples": {"read": {"median": $2, "min": $3, "max": $4, "n": 5}}}]}
JSON
}
measured "$tmp/run1.json" 1.00e11 0.96e11 1.04e11
measured "$tmp/run2.json" 0.95e11 0.93e11 0.99e11
expect 1 "a drop within the spread is inconclusive and fails the gate" -- "$rafter" compare "$tmp/run1.json" "$tmp/run2.json" \
  --fail-on 'memory.dram.read:-2%' --json "$tmp/noise.json" --junit "$tmp/noise.xml" --html "$tmp/noise.html" --markdown "$tmp/noise.md"
grep_in "$tmp/noise.json" '"status": "inconclusive"' "the rule is reported as inconclusive"
grep_in "$tmp/noise.json" '"result": "fail"' "an inconclusive rule fails the JSON result"
grep_in "$tmp/noise.md" "INCONCLUSIVE" "Markdown says inconclusive"
grep_in "$tmp/noise.xml" '<failure type="inconclusive"' "JUnit carries an inconclusive failure"
grep_in "$tmp/err" "1 inconclusive" "stderr counts the inconclusive rule"
xml_ok "$tmp/noise.xml" "noise comparison with markup in the device name"
if grep -q "<b>&amp;</b>" "$tmp/noise.html"; then echo "FAIL: device name markup reached the HTML unescaped"; failures=$((failures + 1)); fi
grep_in "$tmp/noise.html" "host &lt;b&gt;&amp;amp;&lt;/b&gt;" "device name is escaped in HTML"
measured "$tmp/run3.json" 0.90e11 0.89e11 0.92e11
expect 2 "a trailing comma leaves an empty rule" -- "$rafter" compare "$tmp/run1.json" "$tmp/run3.json" --fail-on 'memory.dram.read:-2%,'
grep_in "$tmp/err" "is empty" "the empty rule is named"
expect 1 "a CPU against a GPU is compared, with a warning" -- "$rafter" compare "$tmp/run1.json" "$hw/h100_sxm5.json" \
  --fail-on 'memory.main.read:+0%' --json "$tmp/kinds.json" --junit "$tmp/kinds.xml"
grep_in "$tmp/err" "warning: A is a cpu" "stderr warns about a cross-kind comparison"
grep_in "$tmp/kinds.json" '"warnings"' "JSON carries the warning"
grep_in "$tmp/kinds.xml" 'property name="warning"' "JUnit carries the warning"
expect 1 "a drop beyond both spreads fails" -- "$rafter" compare "$tmp/run1.json" "$tmp/run3.json" --fail-on 'memory.dram.read:-2%'

# Gzip-compressed documents are read by their schema like plain ones.
gzip -c "$a100" >"$tmp/a100.json.gz"
expect 0 "a gzip-compressed machine profile" -- "$rafter" compare "$tmp/a100.json.gz" "$h100" --json "$tmp/gz.json"
grep_in "$tmp/gz.json" '"subject": "machine"' "a .gz profile is compared as a machine profile"
# --machine-a/-b analyze a trace: given for a profile, it would be ignored.
expect 2 "--machine-a for a machine profile" -- "$rafter" compare "$a100" "$h100" --machine-a h100_sxm5 --json "$tmp/ignored.json"
grep_in "$tmp/err" "leave --machine-a out" "an unused --machine-a is refused"
absent "$tmp/ignored.json" "refused --machine-a"

# Two real traces (same model on A100 and V100), when the shared fixtures are present.
fixtures="$src/../shared/fixtures/kineto"
if [ -f "$fixtures/a100_trace_diff_control.json.gz" ] && [ -f "$fixtures/v100_trace_diff_test.json.gz" ]; then
  expect 1 "A100 -> V100 traces: class.gemm.time:+3% breaks" -- env RAFTER_CONFIG_DIR="$src/configs" "$rafter" compare \
    "$fixtures/a100_trace_diff_control.json.gz" "$fixtures/v100_trace_diff_test.json.gz" --machine-a a100_sxm4_80gb --machine-b v100_sxm2 \
    --fail-on 'class.gemm.time:+3%,busy_time:+5%' --json "$tmp/traces.json" --junit "$tmp/traces.xml" --html "$tmp/traces.html"
  xml_ok "$tmp/traces.xml" "trace comparison"
  grep_in "$tmp/traces.json" '"match": "only_a"' "kernels only in A are listed"
  grep_in "$tmp/traces.json" '"match": "class"' "library kernels that differ in name are matched by class"
  grep_in "$tmp/traces.json" '"name": "class.gemm.time"' "time by class is compared"
  # A trace against its own analysis, gzip-compressed: every rule holds at +0 %.
  expect 0 "analyze the control trace" -- env RAFTER_CONFIG_DIR="$src/configs" "$rafter" analyze \
    "$fixtures/a100_trace_diff_control.json.gz" --machine a100_sxm4_80gb -o "$tmp/control.an.json"
  gzip -c "$tmp/control.an.json" >"$tmp/control.an.json.gz"
  expect 0 "a trace against its own analysis holds kernel_time:+0%" -- env RAFTER_CONFIG_DIR="$src/configs" "$rafter" compare \
    "$tmp/control.an.json.gz" "$fixtures/a100_trace_diff_control.json.gz" --machine-b a100_sxm4_80gb --fail-on 'kernel_time:+0%,range.*.time:+0%'
else
  echo "SKIP (part): ../shared/fixtures/kineto is absent, the trace comparison was not run"
fi

echo "compare_cli_test: $failures failure(s)"
[ "$failures" -eq 0 ]

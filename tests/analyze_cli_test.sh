#!/usr/bin/env bash
# `rafter analyze` contract: outputs, automatic datasheet choice, exit codes and one-line errors on
# bad input, no partial output.
# Usage: analyze_cli_test.sh RAFTER_BINARY SOURCE_DIR
set -u
rafter=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
export RAFTER_CONFIG_DIR="$src/configs"

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
one_line_stderr() {
  local n
  n=$(wc -l <"$tmp/err")
  if [ "$n" -ne 1 ]; then echo "FAIL: $1: stderr has $n lines, expected 1"; cat "$tmp/err"; failures=$((failures + 1)); fi
}
absent() {
  if [ -e "$1" ]; then echo "FAIL: $2: $1 was written"; failures=$((failures + 1)); fi
}

# write_trace FILE DEVICE_NAME KERNELS_JSON
write_trace() {
  cat >"$1" <<JSON
{"schema": "rafter.trace/1", "source": {"tool": "rafter"},
 "devices": [{"id": 0, "name": "$2"}],
 "kernels": $3}
JSON
}
kernels='[{"id": 1, "name": "sm90_xmma_gemm_bf16", "device": 0, "start_ns": 0, "end_ns": 1000000, "grid": [132, 1, 1], "block": [384, 1, 1],
            "metrics": {"flop": {"bf16.tensor": 5e11}, "bytes": {"dram": 1e9}}},
           {"id": 2, "name": "vectorized_elementwise_kernel", "device": 0, "start_ns": 1002000, "end_ns": 1012000}]'
write_trace "$tmp/h100.json" "NVIDIA H100 80GB HBM3" "$kernels"
write_trace "$tmp/a100_40.json" "NVIDIA A100-PCIE-40GB" "$kernels"
write_trace "$tmp/v100_pcie.json" "Tesla V100S-PCIE-32GB" "$kernels"
write_trace "$tmp/empty.json" "NVIDIA H100 80GB HBM3" "[]"

expect 0 "analyze with every output" -- "$rafter" analyze "$tmp/h100.json" -o "$tmp/a.json" --html "$tmp/a.html" --markdown "$tmp/a.md"
grep_in "$tmp/a.json" '"schema": "rafter.analysis/1"' "JSON analysis written"
grep_in "$tmp/a.json" 'h100_sxm5.json' "H100 HBM3 picks the SXM5 datasheet"
grep_in "$tmp/a.html" '</html>' "HTML written"
grep_in "$tmp/a.md" '^# rafter analysis' "Markdown written"
grep_in "$tmp/out" 'placed on the roofline' "summary line printed"
expect 0 "report renders a saved analysis" -- "$rafter" report "$tmp/a.json" --html "$tmp/a2.html"
cmp -s "$tmp/a.html" "$tmp/a2.html" || { echo "FAIL: report of the saved analysis differs from analyze --html"; failures=$((failures + 1)); }
expect 2 "report of a trace" -- "$rafter" report "$tmp/h100.json" --html "$tmp/t.html"
one_line_stderr "report of a trace"
[ -e "$tmp/t.html" ] && { echo "FAIL: a report was written for a trace"; failures=$((failures + 1)); }
expect 0 "analyze prints Markdown when no output is named" -- "$rafter" analyze "$tmp/h100.json" --machine h100_pcie
grep_in "$tmp/out" '| gemm |' "Markdown on stdout"
grep_in "$tmp/out" 'NVIDIA H100 PCIe' "--machine by datasheet name"
expect 0 "--machine with a file" -- "$rafter" analyze "$tmp/a100_40.json" --machine "$src/configs/hardware/a100_sxm4_80gb.json" -o "$tmp/b.json"
expect 0 "--top and --classes" -- "$rafter" analyze "$tmp/h100.json" --top 1 --classes /dev/stdin -o "$tmp/c.json" \
  < <(printf '{"schema": "rafter.kernel_classes/1", "rules": [{"class": "reduction", "pattern": "elementwise"}]}')
grep_in "$tmp/c.json" '"class": "reduction"' "a user's class rule wins"

expect 0 "A100 PCIe picks its own datasheet" -- "$rafter" analyze "$tmp/a100_40.json" -o "$tmp/b.json"
grep_in "$tmp/b.json" 'a100_pcie_40gb.json' "A100-PCIE-40GB picks the A100 PCIe 40GB datasheet"
expect 2 "a device that matches no datasheet" -- "$rafter" analyze "$tmp/v100_pcie.json" -o "$tmp/x.json"
grep_in "$tmp/err" 'V100S-PCIE-32GB' "unmatched device is named"
grep_in "$tmp/err" '\-\-machine' "unmatched device suggests --machine"
one_line_stderr "unmatched device"
absent "$tmp/x.json" "unmatched device"
expect 2 "a trace with no kernels" -- "$rafter" analyze "$tmp/empty.json" -o "$tmp/x.json" --html "$tmp/x.html"
grep_in "$tmp/err" "empty.json: field 'kernels'" "no kernels names file and field"
one_line_stderr "no kernels"
absent "$tmp/x.html" "no kernels"
printf '{"schema": "rafter.machine/1", "device": {"name": "x", "kind": "gpu", "obtained": "t"}, "compute": [], "memory": [{"level": "hbm", "latency_s": 1e-7, "source": "measured"}]}' >"$tmp/nomem.json"
expect 2 "a profile with no memory bandwidth" -- "$rafter" analyze "$tmp/h100.json" --machine "$tmp/nomem.json" -o "$tmp/x.json"
grep_in "$tmp/err" "nomem.json: field 'memory'" "no memory level names file and field"
one_line_stderr "no memory level"
absent "$tmp/x.json" "no memory level"
expect 2 "a missing trace" -- "$rafter" analyze "$tmp/missing.json"
grep_in "$tmp/err" "missing.json" "missing trace is named"
expect 2 "an unknown --machine" -- "$rafter" analyze "$tmp/h100.json" --machine no_such_gpu
one_line_stderr "unknown --machine"
expect 2 "output directory missing" -- "$rafter" analyze "$tmp/h100.json" -o "$tmp/no/dir/a.json"
one_line_stderr "output directory missing"
printf '{"schema": "rafter.kernel_classes/1", "rules": [{"class": "gemm", "pattern": "(oops"}]}' >"$tmp/badrules.json"
expect 2 "a bad --classes table" -- "$rafter" analyze "$tmp/h100.json" --classes "$tmp/badrules.json"
grep_in "$tmp/err" "rules\[0\].pattern" "bad regex names the rule"

# A NERSC-style Nsight Compute summary (counters summed over Count launches) names no GPU: the
# tensor pipe's FLOP weight comes from --machine's architecture (v100_sxm2: "Volta (sm_70)") or
# --assume-arch, and without either the analysis says the work is incomplete instead of placing it.
cat >"$tmp/summary.csv" <<'CSV'
Kernel Name,sm__cycles_elapsed.avg.per_second,Count,sm__cycles_elapsed.avg,dram__bytes.sum,lts__t_bytes.sum,l1tex__t_bytes.sum,sm__inst_executed_pipe_tensor.sum,sm__sass_thread_inst_executed_op_ffma_pred_on.sum,sm__sass_thread_inst_executed_op_fadd_pred_on.sum,sm__sass_thread_inst_executed_op_fmul_pred_on.sum
hmma_kernel,3000000000,3,3000000,3000000,6000000,9000000,3000000,600,0,0
CSV
expect 0 "analyze an ncu summary on a datasheet with an architecture" -- "$rafter" analyze "$tmp/summary.csv" --machine v100_sxm2 --markdown "$tmp/s.md"
grep_in "$tmp/s.md" "| 3 |" "a row with Count 3 is 3 launches"
grep_in "$tmp/err" "compute capability 7.0 (sm_70) assumed from the machine profile" "the assumed architecture is said"
grep_in "$tmp/s.md" "work from counters 100.0%" "tensor work counted with the machine's architecture"
expect 0 "analyze an ncu summary with --assume-arch" -- "$rafter" analyze "$tmp/summary.csv" --machine v100_sxm2 --assume-arch 7.0 --markdown "$tmp/s2.md"
grep_in "$tmp/err" "assumed from --assume-arch 7.0" "--assume-arch is said"
expect 0 "analyze an ncu summary on a profile without an architecture" -- "$rafter" analyze "$tmp/summary.csv" --machine mi300x --markdown "$tmp/s3.md"
grep_in "$tmp/s3.md" "work from counters 0.0%" "unweighted tensor work is not claimed as counted"
grep_in "$tmp/err" "not in the trace: fp16.tensor FLOP" "the importer's note reaches the analysis"
expect 2 "an --assume-arch no GPU has" -- "$rafter" analyze "$tmp/summary.csv" --machine v100_sxm2 --assume-arch 99.9
grep_in "$tmp/err" "no NVIDIA GPU has compute capability 99.9" "an impossible --assume-arch is refused"
one_line_stderr "impossible --assume-arch"
expect 2 "a bad --assume-arch" -- "$rafter" analyze "$tmp/summary.csv" --machine v100_sxm2 --assume-arch volta
one_line_stderr "bad --assume-arch"
grep_in "$tmp/err" "assume-arch volta" "bad --assume-arch is named"
printf 'Kernel Name,Count,dram__bytes.sum\nk,2.5,1\n' >"$tmp/badcount.csv"
expect 2 "a fractional Count" -- "$rafter" analyze "$tmp/badcount.csv" --machine v100_sxm2
one_line_stderr "fractional Count"
grep_in "$tmp/err" "badcount.csv: field 'line 2, column 'Count''" "bad Count names file, row and field"

# Input through a pipe: /dev/stdin is read whole once, then read again by the importer.
expect 0 "a trace piped to /dev/stdin" -- "$rafter" analyze /dev/stdin -o "$tmp/piped.json" < <(gzip -c "$tmp/h100.json")
grep_in "$tmp/piped.json" '"trace_file": "/dev/stdin"' "the piped input keeps its name"
mkfifo "$tmp/fifo"
(gzip -c "$tmp/h100.json" >"$tmp/fifo" &)
expect 0 "a named pipe" -- timeout 60 "$rafter" analyze "$tmp/fifo" -o "$tmp/fifo.json"
exec 3<>"$tmp/fifo"  # lets the writer above finish had rafter not read the pipe
exec 3>&-
grep_in "$tmp/fifo.json" '"schema": "rafter.analysis/1"' "a named pipe is read once, then its copy"

# Outputs: never the input, never two at once unless all are written; links followed, devices kept.
cp "$tmp/h100.json" "$tmp/keep.json"
expect 2 "the input given as output" -- "$rafter" analyze "$tmp/keep.json" -o "$tmp/keep.json"
grep_in "$tmp/err" 'is also an input' "input as output is refused"
cmp -s "$tmp/h100.json" "$tmp/keep.json" || { echo "FAIL: the input was changed"; failures=$((failures + 1)); }
mkdir "$tmp/reports"
ln -s reports/latest.html "$tmp/latest.html"
expect 0 "an output that is a symbolic link" -- "$rafter" analyze "$tmp/h100.json" --html "$tmp/latest.html"
[ -L "$tmp/latest.html" ] && [ -s "$tmp/reports/latest.html" ] || { echo "FAIL: the link was replaced or not followed"; failures=$((failures + 1)); }
expect 0 "an output that is /dev/null" -- "$rafter" analyze "$tmp/h100.json" --html /dev/null -o /dev/null
[ -c /dev/null ] || { echo "FAIL: /dev/null is no longer a device"; failures=$((failures + 1)); }

# Outputs through descriptors: a pipe's writing end (its name resolves to "pipe:[N]") and a file
# opened for appending are written where they point, not replaced.
"$rafter" analyze "$tmp/h100.json" -o /dev/stdout 2>"$tmp/err" | cat >"$tmp/through_pipe.json"
status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] && grep -q '"schema": "rafter.analysis/1"' "$tmp/through_pipe.json" ||
  { echo "FAIL: -o /dev/stdout into a pipe (exit $status)"; cat "$tmp/err"; failures=$((failures + 1)); }
echo "earlier line" >"$tmp/appended.log"
expect 0 "-o /dev/stdout appended to a file" -- bash -c '"$1" analyze "$2" -o /dev/stdout >>"$3"' _ "$rafter" "$tmp/h100.json" "$tmp/appended.log"
[ "$(head -1 "$tmp/appended.log")" = "earlier line" ] || { echo "FAIL: >> lost what the file held"; failures=$((failures + 1)); }
grep_in "$tmp/appended.log" '"schema": "rafter.analysis/1"' "the analysis is appended"

# A datasheet given by name is an input too: no output may replace it.
mkdir -p "$tmp/configs"
cp -r "$src/configs/." "$tmp/configs/"
cp "$tmp/configs/hardware/h100_sxm5.json" "$tmp/h100_sxm5.before"
expect 2 "an output over the datasheet named by --machine" -- env RAFTER_CONFIG_DIR="$tmp/configs" \
  "$rafter" analyze "$tmp/h100.json" --machine h100_sxm5 -o "$tmp/configs/hardware/h100_sxm5.json"
grep_in "$tmp/err" "is also an input" "an output over a named datasheet is refused"
cmp -s "$tmp/configs/hardware/h100_sxm5.json" "$tmp/h100_sxm5.before" ||
  { echo "FAIL: the datasheet was overwritten"; failures=$((failures + 1)); }
ln -s loop "$tmp/loop"  # points at itself
expect 2 "a --machine that is a loop of links" -- "$rafter" analyze "$tmp/h100.json" --machine "$tmp/loop"
one_line_stderr "--machine loop"
grep_in "$tmp/err" "machine $tmp/loop" "the looping --machine is named"

# Option values: one line naming the option.
expect 2 "--top -5" -- "$rafter" analyze "$tmp/h100.json" --top -5
grep_in "$tmp/err" 'expected a whole number from 1 to 100000, got "-5"' "--top range is said"
expect 2 "an empty --html" -- "$rafter" analyze "$tmp/h100.json" --html ""
grep_in "$tmp/err" '\-\-html: an empty value' "an empty value is named"
one_line_stderr "empty --html"
expect 2 "an unknown command" -- "$rafter" analyse "$tmp/h100.json"
grep_in "$tmp/err" 'unknown command "analyse"; the commands are' "an unknown command is named"
one_line_stderr "unknown command"

# A real trace's analysis (ranges, copies, classes, timeline) re-rendered from its JSON is the page
# analyze wrote, when the shared fixtures are present.
fixture="$src/../shared/fixtures/kineto/h100_qwen1.5-0.5b_inference.json.gz"
if [ -f "$fixture" ]; then
  expect 0 "analyze a real trace" -- "$rafter" analyze "$fixture" -o "$tmp/q.json" --html "$tmp/q.html"
  expect 0 "report of the real trace's analysis" -- "$rafter" report "$tmp/q.json" --html "$tmp/q2.html"
  cmp -s "$tmp/q.html" "$tmp/q2.html" || { echo "FAIL: report of a real analysis differs from analyze --html"; failures=$((failures + 1)); }
else
  echo "SKIP (part): ../shared/fixtures/kineto is absent, the real-trace report round trip was not run"
fi

echo "analyze_cli_test: $failures failure(s)"
[ "$failures" -eq 0 ]

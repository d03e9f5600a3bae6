#!/usr/bin/env bash
# `rafter trace`: runs a program under the CUPTI collector, passes its exit code on, and always
# leaves a valid rafter.trace/1 (empty, with one warning, when the program never used CUDA).
# Usage: trace_cli_test.sh RAFTER_BINARY SOURCE_DIR
set -u
rafter=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

"$rafter" trace -o "$tmp/probe.json" -- /bin/true >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 3 ] && grep -q "needs librafter_inject.so" "$tmp/err"; then
  echo "SKIP: this rafter was built without the CUPTI collector (CUDA not found)"
  exit 77
fi

# check_trace FILE KERNELS WARNINGS: FILE is a rafter.trace/1 with that many kernels and warnings.
check_trace() {
  python3 - "$@" <<'PY' || fail "trace $1 is not what was expected"
import json, sys
path, kernels, warnings = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t = json.load(open(path))
assert t["schema"] == "rafter.trace/1", t["schema"]
assert t["source"]["tool"] == "rafter"
for key in ("devices", "kernels", "copies", "ranges", "ops"):
    assert isinstance(t[key], list), key
assert len(t["kernels"]) == kernels, t["kernels"]
assert len(t["source"]["warnings"]) == warnings, t["source"]["warnings"]
PY
}

# A program that never initializes CUDA: the collector is never loaded, rafter writes the empty trace.
"$rafter" trace -o "$tmp/true.json" -- /bin/true >"$tmp/out" 2>"$tmp/err"
code=$?
[ "$code" -eq 0 ] || fail "trace -- /bin/true exited $code"
[ -f "$tmp/true.json" ] || fail "trace -- /bin/true wrote no trace"
check_trace "$tmp/true.json" 0 1
grep -q "no CUDA context was created" "$tmp/true.json" || fail "the empty trace does not say why"
n=$(grep -c "^rafter: warning:" "$tmp/err")
[ "$n" -eq 1 ] || { fail "trace -- /bin/true printed $n warnings, expected 1"; cat "$tmp/err"; }
# The last line says where the trace went and what it holds (from its source: kernels, copies,
# drops, warnings).
grep -qx "rafter trace: wrote $tmp/true.json (1 warning)" "$tmp/err" || { fail "no summary line"; cat "$tmp/err"; }
ls -a "$tmp" | grep -q "^\.rafter-trace-" && fail "a temporary trace was left behind"

# A user's own injection library is replaced while tracing, and rafter says so.
CUDA_INJECTION64_PATH=/opt/their/inject.so "$rafter" trace -o "$tmp/own.json" -- /bin/true >/dev/null 2>"$tmp/err"
grep -q "CUDA_INJECTION64_PATH=/opt/their/inject.so is replaced while tracing" "$tmp/err" ||
  { fail "no warning that the user's CUDA_INJECTION64_PATH is replaced"; cat "$tmp/err"; }

# The program's exit code is rafter trace's exit code; arguments reach it unchanged.
"$rafter" trace -o "$tmp/three.json" -- sh -c 'exit 3' >/dev/null 2>&1
code=$?
[ "$code" -eq 3 ] || fail "a program exiting 3 made rafter trace exit $code"
check_trace "$tmp/three.json" 0 1
"$rafter" trace -o "$tmp/args.json" -- sh -c 'test "$1" = "--x y" && exit 0 || exit 1' sh "--x y" >/dev/null 2>&1
[ $? -eq 0 ] || fail "arguments did not reach the program unchanged"

# A program that loads the collector the way the CUDA driver does (CUDA_INJECTION64_PATH, then
# InitializeInjection) and exits 4: the collector's own trace arrives, with its one warning when
# CUPTI cannot trace here (no GPU or driver), and rafter trace exits 4.
cat >"$tmp/fake_driver.py" <<'PY'
import ctypes, os, sys
lib = ctypes.CDLL(os.environ["CUDA_INJECTION64_PATH"])
assert lib.InitializeInjection() == 1
sys.exit(4)
PY
"$rafter" trace -o "$tmp/injected.json" -- python3 "$tmp/fake_driver.py" >/dev/null 2>"$tmp/err"
code=$?
[ "$code" -eq 4 ] || { fail "the injected program exited 4 but rafter trace exited $code"; cat "$tmp/err"; }
[ -f "$tmp/injected.json" ] || fail "the collector's trace was not moved into place"
grep -q "no CUDA context was created" "$tmp/injected.json" && fail "rafter overwrote the collector's trace"
if ! command -v nvidia-smi >/dev/null 2>&1; then
  check_trace "$tmp/injected.json" 0 1
  grep -q "CUPTI cannot trace this process" "$tmp/injected.json" || fail "the collector's trace does not say why it is empty"
  n=$(grep -c "^rafter: warning:" "$tmp/err")
  [ "$n" -eq 1 ] || { fail "the injected program printed $n warnings, expected 1"; cat "$tmp/err"; }
fi

# The environment the collector is configured by.
RAFTER_TRACE_KERNELS=stale NVTX_INJECTION64_PATH=/stale.so "$rafter" trace -o "$tmp/env.json" -- sh -c '
  test -f "$CUDA_INJECTION64_PATH" && test -z "${NVTX_INJECTION64_PATH:-}" && test -z "${RAFTER_TRACE_KERNELS:-}" &&
  test "$RAFTER_TRACE_METRICS" = none && test "$RAFTER_TRACE_ROOT_PID" = $$' >/dev/null 2>&1 ||
  fail "the program did not get CUDA_INJECTION64_PATH, RAFTER_TRACE_METRICS=none and its own pid as root"
"$rafter" trace -o "$tmp/env.json" --nvtx --metrics roofline --kernels 'gemm|attn' --skip 2 --max-kernels 5 -- \
  sh -c 'test "$NVTX_INJECTION64_PATH" = "$CUDA_INJECTION64_PATH" && test "$RAFTER_TRACE_NVTX" = 1 &&
  test "$RAFTER_TRACE_METRICS" = roofline && test -f "$RAFTER_TRACE_METRICS_FILE" &&
  test "$RAFTER_TRACE_KERNELS" = "gemm|attn" && test "$RAFTER_TRACE_SKIP" = 2 && test "$RAFTER_TRACE_MAX_KERNELS" = 5' \
  >/dev/null 2>&1 || fail "--nvtx/--metrics/--kernels/--skip/--max-kernels did not reach the collector's environment"

# Compressed output.
"$rafter" trace -o "$tmp/true.json.gz" -- /bin/true >/dev/null 2>&1
gzip -t "$tmp/true.json.gz" 2>/dev/null || fail ".json.gz output is not gzip"

# A program killed by a signal: 128 + signal, and the trace says so.
"$rafter" trace -o "$tmp/killed.json" -- sh -c 'kill -9 $$' >/dev/null 2>"$tmp/err"
code=$?
[ "$code" -eq 137 ] || fail "a program killed by SIGKILL made rafter trace exit $code, expected 137"
grep -q "killed by SIGKILL" "$tmp/killed.json" || fail "the trace of a killed program does not say so"

# SIGTERM sent to rafter alone reaches the program; rafter waits for it and exits 128 + 15.
"$rafter" trace -o "$tmp/term.json" -- sleep 30 >/dev/null 2>&1 &
trace_pid=$!
if command -v pgrep >/dev/null; then
  for _ in $(seq 100); do pgrep -P "$trace_pid" sleep >/dev/null && break; sleep 0.1; done
else
  sleep 2
fi
kill -TERM "$trace_pid"
start=$SECONDS
wait "$trace_pid"
code=$?
[ "$code" -eq 143 ] || fail "SIGTERM to rafter trace made it exit $code, expected 143 (the program's SIGTERM)"
[ $((SECONDS - start)) -lt 10 ] || fail "SIGTERM to rafter trace did not end the program"
grep -q "killed by SIGTERM" "$tmp/term.json" || fail "the trace of a program ended by SIGTERM does not say so"

# Usage errors: exit 2, one error line, nothing written.
expect_usage() {
  local what=$1
  shift
  rm -f "$tmp/bad.json"
  "$rafter" trace -o "$tmp/bad.json" "$@" >"$tmp/out" 2>"$tmp/err"
  local code=$?
  [ "$code" -eq 2 ] || fail "$what: exit $code, expected 2"
  [ "$(grep -c "error" "$tmp/err")" -eq 1 ] || { fail "$what: not exactly one error line"; cat "$tmp/err"; }
  [ -e "$tmp/bad.json" ] && fail "$what: a trace was written"
  return 0
}
expect_usage "a command that does not exist" -- "$tmp/no-such-program"
grep -q "cannot run '$tmp/no-such-program'" "$tmp/err" || fail "the missing command is not named"
expect_usage "--kernels without --metrics roofline" --kernels gemm -- /bin/true
expect_usage "--max-kernels without --metrics roofline" --max-kernels 3 -- /bin/true
expect_usage "a bad --kernels regex" --metrics roofline --kernels 'gemm(' -- /bin/true
expect_usage "an unknown --metrics" --metrics everything -- /bin/true
expect_usage "no command" --
export RAFTER_TRACE_DEVICE_BUFFER_BYTES=4096
expect_usage "a device buffer size below 1 MiB" -- /bin/true
grep -q "RAFTER_TRACE_DEVICE_BUFFER_BYTES" "$tmp/err" || fail "the bad device buffer size is not named"
unset RAFTER_TRACE_DEVICE_BUFFER_BYTES
rm -f "$tmp/bad.json"
"$rafter" trace -o "$tmp/no/such/dir/t.json" -- /bin/true >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "an output in a missing directory is not a usage error"
grep -q "$tmp/no/such/dir/t.json" "$tmp/err" || fail "the unwritable output is not named"

echo "trace_cli_test: $failures failure(s)"
[ "$failures" -eq 0 ]

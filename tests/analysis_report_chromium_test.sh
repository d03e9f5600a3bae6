#!/usr/bin/env bash
# Loads the HTML of `rafter analyze TRACE --html OUT` in headless Chromium: no console message or
# uncaught exception, and a kernel named `<script>alert(1)</script>&"'` reaches the page as text
# (no injected script runs, the name shows literally in the table and the chart tooltip).
# Usage: bash tests/analysis_report_chromium_test.sh RAFTER_BINARY SOURCE_DIR
# Exit: 0 pass, 1 fail, 77 skip (chromium not installed).
set -u
rafter=${1:?usage: analysis_report_chromium_test.sh RAFTER_BINARY SOURCE_DIR}
source_dir=${2:?usage: analysis_report_chromium_test.sh RAFTER_BINARY SOURCE_DIR}

browser=""
for candidate in chromium chromium-browser; do
  if command -v "$candidate" >/dev/null 2>&1; then
    browser=$(command -v "$candidate")
    break
  fi
done
if [ -z "$browser" ]; then
  echo "SKIP: chromium is not installed, so the analysis report was not loaded in a browser."
  exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/rafter-analysis-chromium.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# The malicious name, as a JSON string: <script>alert(1)</script>&"'
evil='"<script>alert(1)<\/script>&\"'"'"'"'
cat >"$work/trace.json" <<JSON
{"schema": "rafter.trace/1", "source": {"tool": "rafter"},
 "devices": [{"id": 0, "name": "NVIDIA H100 80GB HBM3"}],
 "kernels": [
  {"id": 1, "name": $evil, "device": 0, "start_ns": 0, "end_ns": 400000, "grid": [1, 1, 1], "block": [32, 1, 1],
   "metrics": {"flop": {"fp32.cuda_core": 1e9}, "bytes": {"dram": 1e8}}},
  {"id": 2, "name": "sm90_xmma_gemm_bf16", "device": 0, "start_ns": 402000, "end_ns": 1402000, "grid": [132, 1, 1], "block": [384, 1, 1],
   "metrics": {"flop": {"bf16.tensor": 5e11}, "bytes": {"dram": 1e9}}},
  {"id": 3, "name": "ncclKernel_AllReduce", "device": 0, "start_ns": 1500000, "end_ns": 1700000}],
 "ranges": [{"id": 1, "name": $evil, "domain": "", "thread": -1, "device": 0, "start_ns": 0, "end_ns": 1000000, "depth": 0}]}
JSON

if ! RAFTER_CONFIG_DIR="$source_dir/configs" "$rafter" analyze "$work/trace.json" --html "$work/a.html" >"$work/out" 2>&1; then
  fail "rafter analyze --html failed:"
  sed 's/^/  /' "$work/out"
  exit 1
fi
if ! timeout 120 "$browser" --headless --disable-gpu --no-sandbox --no-first-run --disable-extensions \
    --user-data-dir="$work/browser-profile" --enable-logging=stderr --v=0 \
    --dump-dom "file://$work/a.html" >"$work/a.dom" 2>"$work/a.log"; then
  fail "chromium could not load the report"
  tail -n 20 "$work/a.log" | sed 's/^/  /'
  exit 1
fi
grep -q '</html>' "$work/a.dom" || fail "chromium dumped no document"
if grep -E 'CONSOLE|Uncaught' "$work/a.log" >"$work/console"; then
  fail "console output or uncaught exception while loading the report:"
  sed 's/^/  /' "$work/console"
fi
grep -q 'id="roofline-chart"' "$work/a.dom" || fail "no roofline chart in the rendered page"
grep -qF '<script>alert(1)' "$work/a.dom" && fail "the kernel name became a <script> element"
scripts=$(grep -o '<script' "$work/a.dom" | wc -l)
[ "$scripts" -eq 1 ] || fail "expected exactly the report's own <script> element, found $scripts"
# The name shows literally: escaped in the DOM (text nodes and the tooltip's <title>).
shown=$(grep -oF '&lt;script&gt;alert(1)&lt;/script&gt;&amp;"'"'" "$work/a.dom" | wc -l)
[ "$shown" -ge 3 ] || fail "the escaped kernel name appears $shown times in the page, expected it in the chart tooltip, the tables and the ranges"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "PASS: the analysis report loads in Chromium without console errors; a kernel named <script>alert(1)</script>&\"' stays text"

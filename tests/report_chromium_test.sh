#!/usr/bin/env bash
# Loads HTML reports from `rafter report PROFILE --html OUT` in headless Chromium and fails on any
# console message or uncaught JavaScript exception. Also checks that a device name made of markup
# reaches the page as text: no injected <script> element, the escaped text present instead.
# Usage: bash tests/report_chromium_test.sh RAFTER_BINARY SOURCE_DIR
# Exit: 0 pass, 1 fail, 77 skip (chromium not installed).
set -u

rafter=${1:?usage: report_chromium_test.sh RAFTER_BINARY SOURCE_DIR}
source_dir=${2:?usage: report_chromium_test.sh RAFTER_BINARY SOURCE_DIR}

browser=""
for candidate in chromium chromium-browser; do
  if command -v "$candidate" >/dev/null 2>&1; then
    browser=$(command -v "$candidate")
    break
  fi
done
if [ -z "$browser" ]; then
  echo "SKIP: chromium is not installed, so the HTML report was not loaded in a browser."
  exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/rafter-chromium-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# A small measured profile that exercises every section: roofline, both curve charts, tables.
write_tiny_profile() {
  local name=$1 path=$2
  cat >"$path" <<JSON
{
  "schema": "rafter.machine/1",
  "generator": {"tool": "rafter", "version": "test", "command": "report_chromium_test.sh", "created_utc": "2024-01-01T00:00:00Z"},
  "device": {
    "name": $name,
    "kind": "cpu",
    "vendor": "Test",
    "compute_units": 2,
    "compute_unit_name": "cores",
    "caches": [{"level": "l1", "capacity_bytes": 49152, "instances": 2},
               {"level": "l2", "capacity_bytes": 1048576, "instances": 2}],
    "obtained": "Written by the chromium report test.",
    "environment": {"governor": "performance"}
  },
  "compute": [
    {"id": "fp64.vector.fma", "precision": "fp64", "unit": "vector", "flop_per_s": 2e11, "source": "measured",
     "samples": {"median": 2e11, "min": 1.9e11, "max": 2.05e11, "n": 5, "settled": false}}
  ],
  "memory": [
    {"level": "l1", "read_bytes_per_s": 4e11, "latency_s": 1e-9, "source": "measured"},
    {"level": "dram", "read_bytes_per_s": 8e10, "latency_s": 9e-8, "source": "datasheet",
     "source_url": "https://example.com/datasheet"}
  ],
  "links": [{"id": "pcie", "bytes_per_s": 2.6e10, "source": "measured"}],
  "curves": [
    {"id": "bandwidth.read", "kind": "bandwidth", "access": "read", "y_unit": "B/s",
     "points": [{"x": 4096, "median": 4e11, "min": 3.9e11, "max": 4.1e11, "n": 3},
                {"x": 65536, "median": 3.9e11, "min": 3.8e11, "max": 4e11, "n": 3},
                {"x": 1048576, "median": 2e11, "min": 1.9e11, "max": 2.1e11, "n": 3},
                {"x": 268435456, "median": 8e10, "min": 7.8e10, "max": 8.2e10, "n": 3}],
     "plateaus": [{"level": "l1", "x_min": 4096, "x_max": 65536, "value": 3.95e11, "points": 2}]},
    {"id": "latency.chase", "kind": "latency", "access": "chase", "y_unit": "s",
     "points": [{"x": 4096, "median": 1e-9, "min": 1e-9, "max": 1.1e-9, "n": 3},
                {"x": 268435456, "median": 9e-8, "min": 8.8e-8, "max": 9.5e-8, "n": 3}],
     "plateaus": []}
  ],
  "warnings": ["fp64.vector.fma did not settle."]
}
JSON
}

# Renders $1 to $2.html and loads it; the dumped DOM lands in $2.dom.
check_report() {
  local profile=$1 stem=$2
  local before=$failures
  if ! "$rafter" report "$profile" --html "$stem.html" >"$stem.out" 2>&1; then
    fail "rafter report $profile --html failed:"
    sed 's/^/  /' "$stem.out"
    return 1
  fi
  if ! timeout 120 "$browser" --headless --disable-gpu --no-sandbox --no-first-run --disable-extensions \
      --user-data-dir="$work/browser-profile" --enable-logging=stderr --v=0 \
      --dump-dom "file://$stem.html" >"$stem.dom" 2>"$stem.log"; then
    fail "chromium could not load $stem.html"
    tail -n 20 "$stem.log" | sed 's/^/  /'
    return 1
  fi
  if ! grep -q '</html>' "$stem.dom"; then
    fail "chromium dumped no document for $stem.html"
    return 1
  fi
  if grep -E 'CONSOLE|Uncaught' "$stem.log" >"$stem.console"; then
    fail "console output or uncaught exception while loading $(basename "$profile"):"
    sed 's/^/  /' "$stem.console"
  fi
  if ! grep -q 'id="roofline"' "$stem.dom"; then
    fail "no roofline section in the rendered page of $(basename "$profile")"
  fi
  [ "$failures" -eq "$before" ] || return 1
  echo "ok: $(basename "$profile") -> $(wc -c <"$stem.html") bytes of HTML, loaded without console messages"
}

# 1. A datasheet profile from the repository when there is one.
for datasheet in "$source_dir"/configs/hardware/*.json; do
  if [ -f "$datasheet" ] && grep -q '"rafter.machine/1"' "$datasheet"; then
    check_report "$datasheet" "$work/datasheet"
    break
  fi
done

# 2. A measured profile with curves: every chart and the sorting script run.
write_tiny_profile '"Chromium test CPU"' "$work/tiny.json"
if check_report "$work/tiny.json" "$work/tiny"; then
  for chart in roofline-chart bandwidth-chart latency-chart; do
    grep -q "id=\"$chart\"" "$work/tiny.dom" || fail "the page of tiny.json has no $chart"
  done
fi

# 3. Markup in the device name must stay text.
write_tiny_profile '"<script>alert(1)<\/script>&\"'"'"'"' "$work/malicious.json"
if check_report "$work/malicious.json" "$work/malicious"; then
  if grep -qF '<script>alert(1)' "$work/malicious.dom"; then
    fail "the device name became a <script> element"
  fi
  if ! grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;&amp;' "$work/malicious.dom"; then
    fail "the escaped device name is missing from the page"
  fi
  scripts=$(grep -o '<script' "$work/malicious.dom" | wc -l)
  if [ "$scripts" -ne 1 ]; then
    fail "expected exactly the report's own <script> element, found $scripts"
  fi
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "PASS: reports load in Chromium without console errors; markup in names stays text"

#!/usr/bin/env bash
# Sets up, builds, then characterizes the hardware present and writes a report: every usable GPU's
# ceilings (device 0: reports/out/gpu.json and gpu.html; needs the CUDA toolkit to build and a
# driver to run) and the host CPU's (reports/out/host.json and host.html), on any Linux machine.
# Exit status: the first failed sweep's (1: a kernel computed a wrong result, that ceiling dropped;
# 3: a CUDA error stopped the GPU sweep; what was measured is still written), else 0.
# Usage: scripts/demo.sh [--preset quick|full]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=quick
if [ "${1:-}" = "--preset" ]; then preset=${2:?--preset needs quick or full}; fi
scripts/setup.sh
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$(nproc)" --target rafter
rafter=build/dev/cli/rafter
mkdir -p reports/out
"$rafter" devices
echo
status=0
reports=()
# A report is listed only when this run wrote it (exit 0, or 1/3 with what was measured), never a
# stale one from an earlier run; Ctrl-C (rafter exits 130, writing nothing) stops the demo.
sweep() {  # NAME ARGS...: runs one sweep into reports/out/NAME.{json,html}
  local name=$1 rc=0
  shift
  rm -f "reports/out/$name.json" "reports/out/$name.html"
  "$rafter" sweep "$@" --preset "$preset" -o "reports/out/$name.json" --html "reports/out/$name.html" || rc=$?
  if [ "$rc" -eq 130 ]; then exit 130; fi
  if [ "$rc" -ne 0 ] && [ "$status" -eq 0 ]; then status=$rc; fi
  if [ -f "reports/out/$name.html" ]; then reports+=("reports/out/$name.html"); fi
  echo
}
if why=$("$rafter" devices --backend cuda 2>&1 >/dev/null); then
  sweep gpu --backend cuda
else
  echo "GPU sweep skipped: ${why##*: error: }"
  echo
fi
sweep host --backend host
for r in "${reports[@]}"; do
  url=$(python3 -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).resolve().as_uri())' "$r" 2>/dev/null) || url="file://$(pwd)/$r"
  echo "Open the report: $url"
done
exit "$status"

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
if why=$("$rafter" devices --backend cuda 2>&1 >/dev/null); then
  "$rafter" sweep --backend cuda --preset "$preset" -o reports/out/gpu.json --html reports/out/gpu.html || status=$?
  [ -f reports/out/gpu.html ] && reports+=(reports/out/gpu.html)
  echo
else
  echo "GPU sweep skipped: ${why##*: error: }"
  echo
fi
"$rafter" sweep --backend host --preset "$preset" -o reports/out/host.json --html reports/out/host.html ||
  { rc=$?; [ "$status" -ne 0 ] || status=$rc; }
[ -f reports/out/host.html ] && reports+=(reports/out/host.html)
echo
for r in "${reports[@]}"; do echo "Open the report: file://$(pwd)/$r"; done
exit "$status"

#!/usr/bin/env bash
# Sets up, builds, then characterizes the hardware present and writes a report.
# Today: the host CPU sweep -> reports/out/host.json and reports/out/host.html.
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
"$rafter" sweep --backend host --preset "$preset" -o reports/out/host.json --html reports/out/host.html
echo
echo "Open the report: file://$(pwd)/reports/out/host.html"

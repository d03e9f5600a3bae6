#!/usr/bin/env bash
# Sets the machine up, configures, builds and runs the whole test suite (ctest).
# Usage: scripts/test.sh [PRESET]   (ci by default; dev, asan)
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-ci}
scripts/setup.sh
cmake --preset "$preset"
cmake --build --preset "$preset" -j "$(nproc)"
ctest --preset "$preset" -j "$(nproc)"

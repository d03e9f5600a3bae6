#!/usr/bin/env bash
# Sets the machine up, configures, builds and runs the whole test suite (ctest).
# Usage: scripts/test.sh [PRESET]   (ci by default; dev, asan). ci adds a brief fuzz stage.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-ci}
scripts/setup.sh
cmake --preset "$preset"
cmake --build --preset "$preset" -j "$(nproc)"
ctest --preset "$preset" -j "$(nproc)"

# CI only: brief libFuzzer runs of the importers (preset fuzz: clang, ASan + UBSan; builds only
# the fuzzers and what they link; RAFTER_FUZZ_SECONDS each, 15 by default). Longer runs:
# scripts/fuzz.sh SECONDS. RAFTER_SKIP_FUZZ=1 skips this stage.
if [ "$preset" = ci ] && [ "${RAFTER_SKIP_FUZZ:-0}" != 1 ]; then
  cmake --preset fuzz -DRAFTER_FUZZ_SECONDS="${RAFTER_FUZZ_SECONDS:-15}"
  cmake --build --preset fuzz -j "$(nproc)"
  ctest --preset fuzz -j "$(nproc)"
fi

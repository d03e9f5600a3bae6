#!/usr/bin/env bash
# rafter analyze against Holistic Trace Analysis on the real Kineto traces in ../shared/fixtures
# (or the traces given): kernel counts, kernel time, busy time and wall time, as a Markdown table
# for docs/accuracy.md. Makes a Python venv with HTA (pip holistictraceanalysis) in
# build/hta-venv on first use.
# Usage: bench/hta/hta_cross_check.sh [RAFTER_BINARY] [hta_cross_check.py arguments...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rafter=$root/build/dev/cli/rafter
if [ $# -gt 0 ] && [[ $1 != -* ]]; then rafter=$1; shift; fi
[ -x "$rafter" ] || { echo "no rafter binary at $rafter (build first: cmake --build --preset dev)" >&2; exit 2; }
venv=${RAFTER_HTA_VENV:-$root/build/hta-venv}
if ! "$venv/bin/python" -c "import hta" 2>/dev/null; then
  echo "hta_cross_check: installing holistictraceanalysis into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet holistictraceanalysis
fi
exec "$venv/bin/python" "$here/hta_cross_check.py" --rafter "$rafter" --source "$root" "$@"

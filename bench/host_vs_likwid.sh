#!/usr/bin/env bash
# rafter's host ceilings over likwid-bench's, measured in one run on the same machine.
# Bar: every ratio >= 0.95; goal >= 1.0. Prints a Markdown table for docs/accuracy.md.
# A (virtual) machine's speed drifts by 10-30% from one minute (even second) to the next, so the
# two tools take turns: $repeat rafter sweeps between $repeat + 1 likwid-bench rounds. The ratio
# is the median of rafter's figures (each itself a median of samples) over the median of
# likwid's runs; the table also gives the best over the best.
# Usage: bench/host_vs_likwid.sh [RAFTER_BINARY] [--preset quick|full] [--repeat N]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rafter=${1:-$here/../build/dev/cli/rafter}
shift || true
preset=quick
repeat=3
while [ $# -gt 0 ]; do
  case $1 in
    --preset) preset=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v likwid-bench >/dev/null || "$here/../scripts/setup.sh" --with-bench
[ -x "$rafter" ] || { echo "no rafter binary at $rafter (build first: cmake --build --preset dev)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
threads=$("$rafter" devices --backend host --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["cores"])')
if grep -q avx512f /proc/cpuinfo; then load=load_avx512; fma=peakflops_avx512_fma; else load=load_avx; fma=peakflops_avx_fma; fi

# likwid_once KERNEL WORKGROUP FIELD: one likwid-bench measurement (0 when it printed none).
likwid_once() {
  local v
  v=$(likwid-bench -t "$1" -w "$2" 2>/dev/null | awk -F'\t+' -v f="$3:" '$1 == f {print $2}')
  echo "${v:-0}"
}

# The two tools take turns, so that both sample the machine's drifting state alike: a likwid
# round (DRAM, L1, FMA), then a rafter sweep, ..., ending with a likwid round: $repeat rafter
# sweeps between $repeat + 1 likwid rounds.
l1_ws=$((threads * 16))kB
lw_dram=""; lw_l1=""; lw_fma=""
likwid_round() {
  lw_dram="$lw_dram${lw_dram:+,}$(likwid_once "$load" "N:1GB:$threads" MByte/s)"
  lw_l1="$lw_l1${lw_l1:+,}$(likwid_once "$load" "N:$l1_ws:$threads" MByte/s)"
  lw_fma="$lw_fma${lw_fma:+,}$(likwid_once "$fma" "N:$l1_ws:$threads" MFlops/s)"
}
echo "likwid-bench rounds: $load on N:1GB:$threads, $load on N:$l1_ws:$threads, $fma on N:$l1_ws:$threads;" \
  "rafter: sweep --backend host --preset $preset --suite memory,compute; $repeat rafter runs between $((repeat + 1)) likwid rounds" >&2
profiles=()
for i in $(seq 1 "$repeat"); do
  likwid_round
  echo "rafter run $i of $repeat" >&2
  "$rafter" sweep --backend host --preset "$preset" --suite memory,compute --progress quiet -o "$tmp/host$i.json" >/dev/null
  profiles+=("$tmp/host$i.json")
done
likwid_round

python3 - "$(IFS=,; echo "${profiles[*]}")" "$lw_dram" "$lw_l1" "$lw_fma" "$threads" "$preset" "$load" "$fma" <<'PY'
import datetime, json, statistics, sys
runs = [json.load(open(f)) for f in sys.argv[1].split(",")]
p = runs[-1]
# likwid-bench's MByte/s and MFlops/s are 1e6 units.
lw_dram, lw_l1, lw_fma = ([float(v) * 1e6 for v in arg.split(",")] for arg in sys.argv[2:5])
threads, preset, load, fma = sys.argv[5:9]
def level(run, name, field):
    return next((m.get(field) or 0.0 for m in run["memory"] if m["level"] == name), 0.0)
def fp64_fma(run):
    return next((c["flop_per_s"] for c in run["compute"] if c["id"] == "fp64.vector.fma"), 0.0)
ours_dram = [level(r, "dram", "read_bytes_per_s") for r in runs]
ours_l1 = [level(r, "l1", "read_bytes_per_s") for r in runs]
ours_fma = [fp64_fma(r) for r in runs]
rows = [
    ("DRAM read", ours_dram, lw_dram, f"{load}, 1 GB, {threads} threads", "GB/s"),
    ("L1 read", ours_l1, lw_l1, f"{load}, 16 kB per thread, {threads} threads", "GB/s"),
    ("FP64 FMA peak", ours_fma, lw_fma, f"{fma}, 16 kB per thread, {threads} threads", "GFLOP/s"),
]
d = p["device"]
print(f"Machine: {d['name']} ({d.get('compute_units')} cores, {d['environment'].get('simd')}, "
      f"clock {d.get('clocks_hz', {}).get('measured', 0)/1e9:.2f} GHz measured); "
      f"{datetime.date.today().isoformat()}; rafter preset {preset}, {len(runs)} runs; rafter's core-scaling probe "
      f"(1 = independent cores, docs/metrics.md), per run: "
      f"{'; '.join(r['device']['environment'].get('core_scaling', 'not recorded') for r in runs)}.\n")
print("| ceiling | rafter median (min-max of n) | likwid-bench median (min-max of n) | likwid kernel | ratio of medians | rafter best / likwid best | bar 0.95 |")
print("|---|---|---|---|---|---|---|")
worst = 9.9
def spread(values, unit):
    return f"{statistics.median(values)/1e9:.1f} {unit} ({min(values)/1e9:.1f}-{max(values)/1e9:.1f}, n={len(values)})"
for name, ours, theirs, how, unit in rows:
    ratio = statistics.median(ours) / statistics.median(theirs) if statistics.median(theirs) > 0 else 0.0
    best = max(ours) / max(theirs) if max(theirs) > 0 else 0.0
    worst = min(worst, ratio)
    print(f"| {name} | {spread(ours, unit)} | {spread(theirs, unit)} | {how} | {ratio:.3f} | {best:.3f} | "
          f"{'pass' if ratio >= 0.95 else 'FAIL'} |")
for r in runs:
    for w in r.get("warnings", []):
        if w.startswith("cores not independent"):
            print(f"\nrafter warned: {w}")
sys.exit(0 if worst >= 0.95 else 1)
PY

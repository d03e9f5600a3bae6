#!/usr/bin/env bash
# rafter's host ceilings over likwid-bench's, measured in one run on the same machine.
# Bar: every ratio >= 0.95; goal >= 1.0. Prints a Markdown table for docs/accuracy.md.
# A (virtual) machine's speed drifts by 10-20% over minutes, so likwid-bench runs $repeat times
# before rafter's sweep and $repeat times after it; the ratio is rafter's figure (itself a median)
# over the median of those 2 x $repeat runs, and the table also shows it over their best.
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

# likwid_runs KERNEL WORKGROUP FIELD: $repeat runs of one likwid-bench measurement, comma-separated.
likwid_runs() {
  local runs="" v
  for _ in $(seq 1 "$repeat"); do
    v=$(likwid-bench -t "$1" -w "$2" 2>/dev/null | awk -F'\t+' -v f="$3:" '$1 == f {print $2}')
    runs="$runs${runs:+,}${v:-0}"
  done
  echo "$runs"
}

l1_ws=$((threads * 16))kB
echo "likwid-bench: $load on N:1GB:$threads, $load on N:$l1_ws:$threads, $fma on N:$l1_ws:$threads ($repeat runs each)" >&2
lw_dram=$(likwid_runs "$load" "N:1GB:$threads" MByte/s)
lw_l1=$(likwid_runs "$load" "N:$l1_ws:$threads" MByte/s)
lw_fma=$(likwid_runs "$fma" "N:$l1_ws:$threads" MFlops/s)

echo "rafter: sweep --backend host --preset $preset --suite memory,compute" >&2
"$rafter" sweep --backend host --preset "$preset" --suite memory,compute --progress quiet -o "$tmp/host.json" >/dev/null

echo "likwid-bench: the same again ($repeat runs each)" >&2
lw_dram="$lw_dram,$(likwid_runs "$load" "N:1GB:$threads" MByte/s)"
lw_l1="$lw_l1,$(likwid_runs "$load" "N:$l1_ws:$threads" MByte/s)"
lw_fma="$lw_fma,$(likwid_runs "$fma" "N:$l1_ws:$threads" MFlops/s)"

python3 - "$tmp/host.json" "$lw_dram" "$lw_l1" "$lw_fma" "$threads" "$preset" "$load" "$fma" <<'PY'
import datetime, json, statistics, sys
p = json.load(open(sys.argv[1]))
# likwid-bench's MByte/s and MFlops/s are 1e6 units.
lw_dram, lw_l1, lw_fma = ([float(v) * 1e6 for v in arg.split(",")] for arg in sys.argv[2:5])
threads, preset, load, fma = sys.argv[5:9]
mem = {m["level"]: m for m in p["memory"]}
fp64 = {c["id"]: c["flop_per_s"] for c in p["compute"] if c["precision"] == "fp64"}
rows = [
    ("DRAM read", mem.get("dram", {}).get("read_bytes_per_s", 0.0), lw_dram, f"{load}, 1 GB, {threads} threads", "GB/s"),
    ("L1 read", mem.get("l1", {}).get("read_bytes_per_s", 0.0), lw_l1, f"{load}, 16 kB per thread, {threads} threads", "GB/s"),
    ("FP64 FMA peak", fp64.get("fp64.vector.fma", 0.0), lw_fma, f"{fma}, 16 kB per thread, {threads} threads", "GFLOP/s"),
]
d = p["device"]
print(f"Machine: {d['name']} ({d.get('compute_units')} cores, {d['environment'].get('simd')}, "
      f"clock {d.get('clocks_hz', {}).get('measured', 0)/1e9:.2f} GHz measured); "
      f"{datetime.date.today().isoformat()}; rafter preset {preset}; rafter's core-scaling probe "
      f"(1 = independent cores, docs/metrics.md): {d['environment'].get('core_scaling', 'not recorded')}.\n")
print("| ceiling | rafter | likwid-bench median (min-max of n) | likwid kernel | ratio to median | ratio to best | bar 0.95 |")
print("|---|---|---|---|---|---|---|")
worst = 9.9
for name, ours, runs, how, unit in rows:
    theirs, best = statistics.median(runs), max(runs)
    ratio = ours / theirs if theirs > 0 else 0.0
    worst = min(worst, ratio)
    print(f"| {name} | {ours/1e9:.1f} {unit} | {theirs/1e9:.1f} {unit} ({min(runs)/1e9:.1f}-{best/1e9:.1f}, n={len(runs)}) | {how} | "
          f"{ratio:.3f} | {ours/best if best > 0 else 0.0:.3f} | {'pass' if ratio >= 0.95 else 'FAIL'} |")
for w in p.get("warnings", []):
    if w.startswith("cores not independent"):
        print(f"\nrafter warned: {w}")
sys.exit(0 if worst >= 0.95 else 1)
PY

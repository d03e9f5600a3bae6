#!/usr/bin/env bash
# Validates rafter on a GPU machine in one command: the GPU tests, the SASS checks (where
# cuobjdump is there), a quick CUDA sweep, compute-sanitizer over the microbenchmark kernels, and
# a report directory reports/validation/<gpu>/ with the profile (JSON, HTML), the log, and a table
# of every measured ceiling against the datasheet (configs/hardware/<gpu>.json) and the issue's bars.
#
# Usage: scripts/gpu-validate.sh [--bundle DIR] [--out DIR] [--device N] [--datasheet FILE]
#                                [--preset quick|full] [--no-sanitizer]
#   --bundle  a bundle made by scripts/bundle-gpu.sh (default: the directory above this script
#             when it lives in a bundle, else build/gpu-bundle; built here when missing and the
#             build dependencies are present)
#   --out     output directory (default reports/validation/<gpu-name>)
# On a lent GPU machine without our libraries: build the bundle here (scripts/bundle-gpu.sh, which
# writes build/gpu-bundle, about 26 MB), carry build/gpu-bundle along, and run
#   scripts/gpu-validate.sh --bundle build/gpu-bundle --out "$OUT/validation"
# Exit status: 0 when every step passed, 1 when a step failed or a test skipped, 3 when no GPU can
# be used.
# Never changes a setting of the GPU (clocks, power, persistence, MIG).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bundle=""
out=""
device=0
datasheet=""
preset=quick
sanitizer=1
while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) bundle=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --device) device=$2; shift 2 ;;
    --datasheet) datasheet=$2; shift 2 ;;
    --preset) preset=$2; shift 2 ;;
    --no-sanitizer) sanitizer=0; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "gpu-validate: unknown option $1" >&2; exit 2 ;;
  esac
done

if [ -z "$bundle" ]; then
  if [ -f "$root/BUNDLE_INFO" ]; then bundle=$root; else bundle="$root/build/gpu-bundle"; fi
fi
if [ ! -x "$bundle/bin/rafter" ]; then
  echo "gpu-validate: no bundle at $bundle; building one (scripts/bundle-gpu.sh)"
  "$root/scripts/bundle-gpu.sh" --out "$bundle" || { echo "gpu-validate: could not build the bundle" >&2; exit 1; }
fi
bundle=$(cd "$bundle" && pwd)
export RAFTER_CONFIG_DIR="$bundle/configs"

# Run the bundle's binaries with the system glibc when it is new enough, else with the bundled one.
need=$(sed -n 's/^glibc_needed: //p' "$bundle/BUNDLE_INFO" 2>/dev/null)
have=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
loader=()
if [ -n "$need" ] && [ -n "$have" ] && [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -1)" != "$need" ]; then
  loader=("$bundle/lib/glibc/ld-linux-x86-64.so.2" --library-path "$bundle/lib/glibc:$bundle/lib")
fi
run() { "${loader[@]}" "$@"; }

if ! run "$bundle/bin/rafter" devices --backend cuda >/dev/null 2>&1; then
  echo "gpu-validate: no GPU can be used here:"
  run "$bundle/bin/rafter" devices --backend cuda
  exit 3
fi
gpu_name=$(nvidia-smi --query-gpu=name --format=csv,noheader -i "$device" 2>/dev/null | head -1)
[ -n "$gpu_name" ] || gpu_name=$(run "$bundle/bin/rafter" devices --backend cuda --json | python3 -c 'import json,sys; print(json.load(sys.stdin)['"$device"']["name"])')
slug=$(echo "$gpu_name" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9]\{1,\}/-/g; s/^-//; s/-$//')
[ -n "$out" ] || out="$root/reports/validation/$slug"
mkdir -p "$out"
out=$(cd "$out" && pwd)
log="$out/log.txt"
: >"$log"
steps=()
status=0
note() { echo "$*" | tee -a "$log"; }
step() {  # step NAME TIMEOUT_S COMMAND...: runs, logs, records ok/FAILED
  local name=$1 limit=$2; shift 2
  note "== $name ($(date -u +%H:%M:%S)): $*"
  local t0=$SECONDS rc skipped
  timeout "$limit" "$@" >"$out/.step.txt" 2>&1
  rc=$?
  cat "$out/.step.txt" >>"$log"
  skipped=$(grep -c '^\[  SKIPPED \]' "$out/.step.txt")
  rm -f "$out/.step.txt"
  if [ "$rc" -eq 0 ] && [ "$skipped" -gt 0 ]; then steps+=("SKIPPED $name: tests skipped, see the log ($((SECONDS - t0)) s)"); status=1;
  elif [ "$rc" -eq 0 ]; then steps+=("ok      $name ($((SECONDS - t0)) s)");
  elif [ "$rc" -eq 77 ]; then steps+=("skipped $name ($((SECONDS - t0)) s)");
  else steps+=("FAILED  $name (exit $rc after $((SECONDS - t0)) s)"); status=1; fi
  note "   exit $rc after $((SECONDS - t0)) s"
}

note "gpu-validate: $gpu_name (device $device), bundle $bundle, output $out"
note "$(cat "$bundle/BUNDLE_INFO")"
[ ${#loader[@]} -gt 0 ] && note "system glibc $have is older than the $need the bundle needs: using the bundled glibc"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,power.draw,temperature.gpu,clocks_event_reasons.active \
  --format=csv -i "$device" >>"$log" 2>&1 || true
step "rafter devices" 60 "${loader[@]}" "$bundle/bin/rafter" devices --backend cuda

# 1. GPU tests.
for t in "$bundle"/tests/*_test; do
  step "test $(basename "$t")" 300 "${loader[@]}" "$t" --gtest_color=no
done
# 2. SASS checks, where the machine has cuobjdump.
step "sass checks" 120 bash "$bundle/tests/sass_test.sh" "$bundle/bin/rafter" "$bundle"
# 3. The sweep, its report.
# All four suites; the quick preset keeps interconnect short (host links, peer pairs with this
# device only, four NCCL message sizes) so that the whole script stays within 9 minutes on an H100.
datasheet_arg=()
[ -n "$datasheet" ] && datasheet_arg=(--datasheet "$datasheet")
step "sweep --preset $preset" 420 "${loader[@]}" "$bundle/bin/rafter" sweep --backend cuda --device "$device" --preset "$preset" \
  --suite compute,memory,latency,interconnect "${datasheet_arg[@]}" \
  -o "$out/profile.json" --html "$out/profile.html" --progress plain
if [ -f "$out/profile.json" ]; then
  step "report" 60 "${loader[@]}" "$bundle/bin/rafter" report "$out/profile.json" --html "$out/report.html"
fi
# 4. compute-sanitizer over the kernels (the tests run each kernel at small sizes; the sweep test is
#    left out: it is the timed sweep again, far too slow under the sanitizer).
if [ "$sanitizer" -eq 1 ]; then
  sanitizer_bin=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null || true)
  if [ -n "$sanitizer_bin" ]; then
    # memcheck and initcheck over every kernel; racecheck and synccheck where shared memory and
    # barriers are used (the shared-memory and wgmma kernels).
    all="core_bench_test mma_bench_test wgmma_bench_test stream_bench_test smem_bench_test chase_bench_test host_link_bench_test"
    for tool in memcheck initcheck racecheck synccheck; do
      case "$tool" in racecheck|synccheck) tests="smem_bench_test wgmma_bench_test" ;; *) tests=$all ;; esac
      for t in $tests; do
        [ -x "$bundle/tests/$t" ] || continue
        step "compute-sanitizer $tool $t" 300 "$sanitizer_bin" --tool "$tool" --error-exitcode 99 "${loader[@]}" \
          "$bundle/tests/$t" --gtest_color=no
      done
    done
  else
    steps+=("skipped compute-sanitizer (not found)")
  fi
fi

# 5. Ceilings against the datasheet and the bars of the GPU characterization issue.
if [ -f "$out/profile.json" ]; then
  python3 - "$out/profile.json" "$bundle/configs/hardware" "$datasheet" >"$out/ceilings.md" 2>>"$log" <<'PY' || { steps+=("FAILED  ceiling table"); status=1; }
import json, os, re, sys

profile_path, hardware_dir, forced = sys.argv[1], sys.argv[2], sys.argv[3]
p = json.load(open(profile_path))
dev = p["device"]
name = dev["name"]

def pick(name):
    n = name.lower()
    table = [("h200", "h200_sxm"), ("h100 pcie", "h100_pcie"), ("h100", "h100_sxm5"), ("a100", "a100_sxm4_80gb"),
             ("b200", "b200"), ("v100", "v100_sxm2"), ("mi300x", "mi300x")]
    for key, stem in table:
        if key in n:
            return os.path.join(hardware_dir, stem + ".json")
    return None

ds_path = forced or pick(name)
ds = json.load(open(ds_path)) if ds_path and os.path.exists(ds_path) else None
clock = dev.get("clocks_hz", {}).get("measured") or dev.get("measured_clock_hz")
sms = dev.get("compute_units")

def si(v, unit):
    for f, pfx in ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M")):
        if abs(v) >= f:
            return f"{v / f:.3g} {pfx}{unit}"
    return f"{v:.3g} {unit}"

print(f"# Validation of {name}\n")
print(f"Profile: `{os.path.basename(profile_path)}`; datasheet: `{os.path.basename(ds_path) if ds else 'none matched'}`; "
      f"SMs: {sms}; SM clock measured during the compute ceilings: {si(clock, 'Hz') if clock else 'unknown'}.\n")
print("Every figure below was measured by this run; percentages compare it with the datasheet figure at the "
      "datasheet's clock, and (for compute) with the datasheet figure scaled to the measured clock.\n")
print("| ceiling | measured | settled | SM clock | datasheet | % of datasheet | % at measured clock |")
print("|---|---|---|---|---|---|---|")
ds_compute = {}
if ds:
    for c in ds.get("compute", []):
        ds_compute[".".join(c["id"].split(".")[:2])] = c
for c in p.get("compute", []):
    key = ".".join(c["id"].split(".")[:2]).replace(".matrix_library", ".tensor")
    ref = ds_compute.get(key)
    s = c.get("samples", {})
    cl = c.get("clock_hz")
    row = [c["id"], si(c["flop_per_s"], "FLOP/s"), "yes" if s.get("settled", True) else "NO", si(cl, "Hz") if cl else "-"]
    if ref:
        row += [si(ref["flop_per_s"], "FLOP/s"), f"{100 * c['flop_per_s'] / ref['flop_per_s']:.1f}%"]
        rc = ref.get("clock_hz")
        row.append(f"{100 * c['flop_per_s'] / (ref['flop_per_s'] * cl / rc):.1f}%" if rc and cl else "-")
    else:
        row += ["-", "-", "-"]
    print("| " + " | ".join(row) + " |")
ds_mem = {m["level"]: m for m in (ds or {}).get("memory", [])}
for m in p.get("memory", []):
    for q in ("read", "write", "copy", "triad"):
        v = m.get(f"{q}_bytes_per_s")
        if v is None:
            continue
        ref = ds_mem.get(m["level"], {}).get("read_bytes_per_s")
        settled = m.get("samples", {}).get(q, {}).get("settled", True)
        row = [f"{m['level']}.{q}", si(v, "B/s"), "yes" if settled else "NO", "-",
               si(ref, "B/s") if ref else "-", f"{100 * v / ref:.1f}%" if ref else "-", "-"]
        print("| " + " | ".join(row) + " |")
    if m.get("latency_s") is not None:
        cyc = m.get("latency_cycles")
        print(f"| {m['level']}.latency | {m['latency_s'] * 1e9:.1f} ns{f' ({cyc:.0f} cycles)' if cyc else ''} | - | - | - | - | - |")

# The bars of the GPU characterization issue (written for an H100 SXM; computed here for any GPU).
comp = {c["id"]: c for c in p.get("compute", [])}
mem = {m["level"]: m for m in p.get("memory", [])}
print("\n## Bars\n")
print("| bar | measured | reference | ratio | bar | met |")
print("|---|---|---|---|---|---|")
def bar(label, value, reference, threshold, ref_text):
    if value is None or not reference:
        print(f"| {label} | - | {ref_text} | - | {threshold:.0%} | not measured |")
        return
    r = value / reference
    print(f"| {label} | {value:.4g} | {ref_text} | {r:.1%} | {threshold:.0%} | {'yes' if r >= threshold else 'NO'} |")
hbm_ds = ds_mem.get("hbm", {}).get("read_bytes_per_s")
bar("HBM read vs datasheet", mem.get("hbm", {}).get("read_bytes_per_s"), hbm_ds, 0.93, si(hbm_ds, "B/s") if hbm_ds else "no datasheet")
if sms and clock:
    smem_peak = 128 * sms * clock
    bar("shared memory vs 128 B/clk/SM x SMs x clock", mem.get("smem", {}).get("read_bytes_per_s"), smem_peak, 0.97, si(smem_peak, "B/s"))
    f = comp.get("fp32.vector.fma")
    fp32_peak = sms * 128 * 2 * (f.get("clock_hz") or clock) if f else None
    bar("FP32 FMA vs SMs x 128 x 2 x clock", f["flop_per_s"] if f else None, fp32_peak, 0.95, si(fp32_peak, "FLOP/s") if fp32_peak else "-")
w = comp.get("bf16.tensor.wgmma")
ref = ds_compute.get("bf16.tensor")
if ref and w and w.get("clock_hz") and ref.get("clock_hz"):
    dense = ref["flop_per_s"] * w["clock_hz"] / ref["clock_hz"]
    bar("wgmma BF16 vs dense peak at the measured clock", w["flop_per_s"], dense, 0.90, si(dense, "FLOP/s"))
else:
    bar("wgmma BF16 vs dense peak at the measured clock", None, None, 0.90, "needs wgmma and a datasheet")
g = comp.get("bf16.matrix_library.cublaslt")
bar("BF16 cuBLASLt GEMM vs 780 TFLOP/s (H100 SXM bar)", g["flop_per_s"] if g else None, 780e12, 1.0, "780 TFLOP/s")
ds_links = {l["id"]: l for l in (ds or {}).get("links", [])}
pcie = ds_links.get("pcie")
pcie_dir = (pcie["bytes_per_s"] / 2 if "bidirectional" in pcie.get("note", "") else pcie["bytes_per_s"]) if pcie else None
h2d = next((l for l in p.get("links", []) if l["id"] == "h2d_pinned"), None)
bar("pinned H2D vs one direction of the PCIe link", h2d["bytes_per_s"] if h2d else None, pcie_dir, 0.80,
    si(pcie_dir, "B/s") if pcie_dir else "no datasheet")
if p.get("links"):
    print("\n## Links\n")
    print("| link | bandwidth | settled | small-copy latency | note |")
    print("|---|---|---|---|---|")
    for l in p["links"]:
        lat = l.get("latency_s")
        settled = l.get("samples", {}).get("settled", True)
        print(f"| {l['id']} | {si(l['bytes_per_s'], 'B/s')} | {'yes' if settled else 'NO'} | "
              f"{f'{lat * 1e6:.2f} us' if lat else '-'} | {l.get('note', '')} |")
if p.get("warnings"):
    print("\n## Warnings from the profile\n")
    for x in p["warnings"]:
        print(f"- {x}")
PY
fi

{
  echo "# gpu-validate summary: $gpu_name"
  echo
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  printf '%s\n' "${steps[@]}" | sed 's/^/    /'
} >"$out/summary.md"
cat "$out/summary.md"
[ -f "$out/ceilings.md" ] && cat "$out/ceilings.md"
exit "$status"

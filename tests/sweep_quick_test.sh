#!/usr/bin/env bash
# Integration: the quick host sweep writes a valid profile (it loads back through `rafter report`)
# in which L1 read bandwidth > DRAM read bandwidth > 0 and the FP64 peak > 0, plus an HTML report.
set -u
rafter=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$rafter" sweep --backend host --preset quick --progress plain -o "$tmp/host.json" --html "$tmp/host.html" \
  >"$tmp/out" 2>"$tmp/err" || { echo "FAIL: sweep exited $?"; tail -20 "$tmp/err"; exit 1; }
cat "$tmp/out"
"$rafter" report "$tmp/host.json" --html "$tmp/again.html" || { echo "FAIL: the profile does not load back"; exit 1; }
python3 - "$tmp/host.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
assert p["schema"] == "rafter.machine/1", p["schema"]
mem = {m["level"]: m for m in p["memory"]}
assert "l1" in mem and "dram" in mem, f"levels found: {sorted(mem)}; warnings: {p['warnings']}"
l1, dram = mem["l1"]["read_bytes_per_s"], mem["dram"]["read_bytes_per_s"]
assert l1 > dram > 0, (l1, dram)
fp64 = [c for c in p["compute"] if c["precision"] == "fp64"]
assert fp64 and all(c["flop_per_s"] > 0 for c in fp64), fp64
assert mem["dram"].get("latency_s", 0) > mem["l1"].get("latency_s", 1), "DRAM latency should exceed L1 latency"
env = p["device"].get("environment", {})
if int(env.get("threads", "1")) > 1:  # the core-scaling probe runs before the memory and compute suites
    import re
    cs = env.get("core_scaling", "")
    fig = r"\d+\.\d\d( \(after waiting \d+ s\))?"
    assert re.fullmatch(f"memory {fig}, after read {fig}, compute {fig}, after compute {fig}", cs), cs
    print(f"core scaling: {cs}")
kinds = {c["id"] for c in p["curves"]}
assert {"bandwidth.read", "bandwidth.write", "bandwidth.copy", "bandwidth.triad", "latency.chase"} <= kinds, kinds
print(f"ok: L1 read {l1/1e9:.1f} GB/s > DRAM read {dram/1e9:.1f} GB/s > 0; FP64 {max(c['flop_per_s'] for c in fp64)/1e9:.1f} GFLOP/s")
PY
[ $? -eq 0 ] || exit 1
grep -q "<svg" "$tmp/host.html" || { echo "FAIL: the HTML report has no chart"; exit 1; }
echo "host_sweep_test: ok"

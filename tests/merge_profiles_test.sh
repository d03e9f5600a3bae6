#!/usr/bin/env bash
# scripts/merge_profiles.py: a profile split suite by suite (compute with the measured clock,
# memory bandwidth, latency of the same levels, links) merges back into one profile that rafter
# reads (rafter report) with every figure once, methods joined, the clock filled in, readings after
# the sweep from the last suite and each warning once; a figure
# measured twice, another device or another schema is one line naming the file and the field, exit
# 2, and no output file.
# Usage: merge_profiles_test.sh RAFTER_BINARY SOURCE_DIR
set -u
rafter=${1:?usage: merge_profiles_test.sh RAFTER_BINARY SOURCE_DIR}
src=${2:?usage: merge_profiles_test.sh RAFTER_BINARY SOURCE_DIR}
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
merge="$src/scripts/merge_profiles.py"
fail=0

# Suite profiles cut from a shipped datasheet profile, as the per-suite sweeps would write them.
python3 - "$src/configs/hardware/h100_sxm5.json" "$tmp" <<'PY'
import copy, json, sys
full, tmp = json.load(open(sys.argv[1])), sys.argv[2]
def part(name, **fields):
    p = {"schema": full["schema"], "generator": dict(full["generator"], command=f"rafter sweep --suite {name}"),
         "device": copy.deepcopy(full["device"]), "compute": [], "memory": [], "links": [], "curves": [],
         "warnings": [f"{name}: a warning"]}
    p["device"]["clocks_hz"].pop("measured", None)
    p["device"]["environment"] = {"nvml_power_w_before": f"{name} before", "nvml_power_w_after": f"{name} after"}
    if name != "compute":  # The last suite's set lacks a reading the others took: no mix of two sets.
        p["device"]["environment"]["nvml_temperature_c_after"] = f"{name} after"
    p["warnings"].append("NVML unavailable (test): no power, temperature or throttle reasons recorded")
    p.update(fields)
    json.dump(p, open(f"{tmp}/{name}.json", "w"))
hbm = full["memory"][0]
compute = part("compute", compute=full["compute"])
c = json.load(open(f"{tmp}/compute.json"))
c["device"]["clocks_hz"]["measured"] = 1.755e9
json.dump(c, open(f"{tmp}/compute.json", "w"))
part("memory", memory=[dict(hbm, method="stream read", samples={"read": {"median": 3.0e12, "min": 2.9e12, "max": 3.1e12, "n": 5}})])
part("latency", memory=[{"level": "hbm", "latency_s": 6.0e-7, "latency_cycles": 1050.0, "source": "measured",
                         "method": "pointer chase", "note": "first plateau beyond L2",
                         "samples": {"latency": {"median": 6.0e-7, "min": 5.9e-7, "max": 6.1e-7, "n": 5}}},
                        {"level": "l2", "latency_s": 2.0e-7, "source": "measured", "method": "pointer chase"}])
part("interconnect", links=full["links"])
PY

python3 "$merge" -o "$tmp/merged.json" "$tmp"/memory.json "$tmp"/latency.json "$tmp"/interconnect.json "$tmp"/compute.json \
  >"$tmp/out" 2>"$tmp/err" || { echo "FAIL: merge exited $?"; cat "$tmp/err"; fail=1; }
python3 - "$tmp/merged.json" "$src/configs/hardware/h100_sxm5.json" <<'PY' || fail=1
import json, sys
m, full = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
problems = []
def expect(cond, what):
    if not cond:
        problems.append(what)
expect(m["schema"] == "rafter.machine/1", "schema")
expect([c["id"] for c in m["compute"]] == [c["id"] for c in full["compute"]], "compute ids in order")
expect([l["id"] for l in m["links"]] == [l["id"] for l in full["links"]], "links")
expect(m["device"]["clocks_hz"].get("measured") == 1.755e9, "measured clock from the compute suite")
levels = {x["level"]: x for x in m["memory"]}
expect(sorted(levels) == ["hbm", "l2"], f"one entry per level, got {[x['level'] for x in m['memory']]}")
h = levels.get("hbm", {})
expect(h.get("read_bytes_per_s") == full["memory"][0]["read_bytes_per_s"], "hbm read from the memory suite")
expect(h.get("latency_s") == 6.0e-7 and h.get("latency_cycles") == 1050.0, "hbm latency from the latency suite")
expect(h.get("method") == "stream read; pointer chase", f"methods joined, got {h.get('method')!r}")
expect(sorted(h.get("samples", {})) == ["latency", "read"], "samples united")
expect(h.get("note") == "first plateau beyond L2", "note kept")
nvml = "NVML unavailable (test): no power, temperature or throttle reasons recorded"
expect(m["warnings"] == ["memory: a warning", nvml, "latency: a warning", "interconnect: a warning", "compute: a warning"],
       f"warnings in input order, each text once, got {m['warnings']}")
env = m["device"].get("environment", {})
expect(env.get("nvml_power_w_before") == "memory before", f"readings before the sweep from the first suite, got {env}")
expect(env.get("nvml_power_w_after") == "compute after" and "nvml_temperature_c_after" not in env,
       f"the readings after the sweep are the last suite's set, got {env}")
expect(m["generator"]["command"].count("rafter sweep --suite") == 4, "every command listed")
for p in problems:
    print("FAIL:", p)
sys.exit(1 if problems else 0)
PY
# rafter reads the merged profile back with its schema checks.
"$rafter" report "$tmp/merged.json" --html "$tmp/merged.html" >"$tmp/out" 2>"$tmp/err" ||
  { echo "FAIL: rafter report rejected the merged profile:"; cat "$tmp/err"; fail=1; }

bad() {  # bad WHAT EXPECTED_TEXT FILES...: exit 2, one line naming file and field, no output
  local what=$1 expected=$2; shift 2
  rm -f "$tmp/bad.json"
  python3 "$merge" -o "$tmp/bad.json" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  [ "$rc" -eq 2 ] || { echo "FAIL: $what: exit $rc, expected 2"; fail=1; }
  [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF -- "$expected" "$tmp/err" ||
    { echo "FAIL: $what: expected one line with '$expected', got:"; cat "$tmp/err"; fail=1; }
  [ ! -e "$tmp/bad.json" ] || { echo "FAIL: $what: wrote an output file"; fail=1; }
}
bad "a figure twice" "latency.json: memory[level=hbm].latency_s: also measured in" "$tmp/latency.json" "$tmp/memory.json" "$tmp/latency.json"
bad "a compute id twice" "compute[id=" "$tmp/compute.json" "$tmp/compute.json"
sed 's/NVIDIA H100 SXM5 80GB/Another GPU/; s/"name": "[^"]*"/"name": "Another GPU"/' "$tmp/memory.json" >"$tmp/other.json"
bad "another device" "other.json: device.name" "$tmp/compute.json" "$tmp/other.json"
sed 's|rafter.machine/1|rafter.trace/1|' "$tmp/memory.json" >"$tmp/trace.json"
bad "another schema" "trace.json: schema" "$tmp/trace.json"
echo "{" >"$tmp/broken.json"
bad "broken JSON" "broken.json: not readable JSON" "$tmp/broken.json"

[ "$fail" -eq 0 ] && echo "ok"
exit "$fail"

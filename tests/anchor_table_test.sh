#!/usr/bin/env bash
# scripts/anchor_table.py: a GPU profile's figures against configs/gpu_anchors.json. Checks the
# shipped anchors file, the rows and ratios for a hand-built H100 PCIe profile, a device no anchor
# matches, and one clear line (exit 2, nothing on stdout) for bad input.
# Usage: anchor_table_test.sh RAFTER_BINARY SOURCE_DIR
set -u
src=${2:?usage: anchor_table_test.sh RAFTER_BINARY SOURCE_DIR}
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
script="$src/scripts/anchor_table.py"
fail=0
check() { if ! grep -qF -- "$2" "$1"; then echo "FAIL: $3 (expected: $2)"; sed 's/^/  /' "$1"; fail=1; fi; }

cat >"$tmp/h100.json" <<'JSON'
{"schema": "rafter.machine/1", "device": {"name": "NVIDIA H100 PCIe", "kind": "gpu"},
 "compute": [{"id": "fp32.vector.fma", "flop_per_s": 5.0e13}],
 "memory": [{"level": "hbm", "read_bytes_per_s": 1.95e12, "latency_cycles": 700.0},
            {"level": "l2", "latency_cycles": 260.0}, {"level": "l2.far", "latency_cycles": 451.0}],
 "links": []}
JSON
python3 "$script" "$tmp/h100.json" >"$tmp/out" 2>"$tmp/err" || { echo "FAIL: exit $? on a good profile"; cat "$tmp/err"; fail=1; }
check "$tmp/out" "| memory.hbm.read | 1.95 TB/s | 1.99 TB/s | 0.980 |" "HBM read row and ratio"
check "$tmp/out" "| memory.l2.far.latency_cycles | 451 cycles | 440 cycles | 1.025 |" "far-L2 latency row"
check "$tmp/out" "| memory.hbm.write | - | 2.018 TB/s | not measured |" "a figure the profile lacks"
if grep -q "H200\|797.8" "$tmp/out"; then echo "FAIL: anchors of another GPU listed"; fail=1; fi

# Every shipped anchor is valid (the script validates the whole file before printing any row).
sed 's/NVIDIA H100 PCIe/Some Accelerator 9000/' "$tmp/h100.json" >"$tmp/other.json"
python3 "$script" "$tmp/other.json" >"$tmp/out" 2>"$tmp/err" || { echo "FAIL: exit $? for an unmatched device"; fail=1; }
check "$tmp/out" 'No anchor matches "Some Accelerator 9000".' "unmatched device"

# Bad input: one line naming the file and the field, exit 2, nothing on stdout.
bad() {  # bad NAME EXPECTED_SUBSTRING ARGS...
  local name=$1 want=$2
  shift 2
  python3 "$script" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -ne 2 ] || [ -s "$tmp/out" ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -qF -- "$want" "$tmp/err"; then
    echo "FAIL: $name: rc=$rc, stdout $(wc -c <"$tmp/out") bytes, stderr:"; sed 's/^/  /' "$tmp/err"; fail=1
  fi
}
bad "missing profile" "$tmp/none.json: cannot read the profile" "$tmp/none.json"
echo '{"schema": "rafter.trace/1"}' >"$tmp/trace.json"
bad "wrong schema" "$tmp/trace.json: schema" "$tmp/trace.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["anchors"][3]["value"]=-1; json.dump(d,open(sys.argv[2],"w"))' \
  "$src/configs/gpu_anchors.json" "$tmp/neg.json"
bad "negative anchor" "$tmp/neg.json: anchors[3].value" "$tmp/h100.json" --anchors "$tmp/neg.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["anchors"][0]["figure"]="memory.hbm"; json.dump(d,open(sys.argv[2],"w"))' \
  "$src/configs/gpu_anchors.json" "$tmp/fig.json"
bad "bad selector" "$tmp/fig.json: anchors[0].figure" "$tmp/h100.json" --anchors "$tmp/fig.json"
[ "$fail" -eq 0 ] && echo "anchor_table_test: ok"
exit "$fail"

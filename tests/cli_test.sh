#!/usr/bin/env bash
# CLI contract: exit codes, one-line errors naming the file and field, no partial output.
# Usage: cli_test.sh RAFTER_BINARY SOURCE_DIR
set -u
rafter=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

# expect CODE DESCRIPTION -- COMMAND...: runs COMMAND, checks its exit code; stdout/stderr kept in $tmp/out, $tmp/err.
expect() {
  local want=$1 what=$2
  shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $what: exit $got, expected $want"; sed 's/^/  stderr: /' "$tmp/err" | head -5
    failures=$((failures + 1))
  else
    echo "ok: $what"
  fi
}
# grep_in FILE PATTERN DESCRIPTION
grep_in() {
  if ! grep -q -- "$2" "$1"; then
    echo "FAIL: $3: '$2' not found in $(basename "$1")"; head -5 "$1" | sed 's/^/  /'
    failures=$((failures + 1))
  fi
}
one_line_stderr() {
  local n
  n=$(wc -l <"$tmp/err")
  if [ "$n" -ne 1 ]; then echo "FAIL: $1: stderr has $n lines, expected 1"; cat "$tmp/err"; failures=$((failures + 1)); fi
}

expect 0 "--version" -- "$rafter" --version
grep_in "$tmp/out" "^rafter [0-9]" "--version prints the version"
expect 0 "--help" -- "$rafter" --help
grep_in "$tmp/out" "Exit codes" "--help documents exit codes"
for cmd in sweep report devices trace import analyze compare project; do
  expect 0 "$cmd --help" -- "$rafter" "$cmd" --help
done
expect 2 "no subcommand" -- "$rafter"
expect 2 "unknown subcommand" -- "$rafter" frobnicate
expect 2 "sweep without -o" -- "$rafter" sweep
grep_in "$tmp/err" "output" "sweep without -o names the option"
expect 2 "unknown preset" -- "$rafter" sweep --preset bogus -o "$tmp/p.json"
expect 2 "unknown suite" -- "$rafter" sweep --suite memory,bogus -o "$tmp/p.json"
one_line_stderr "unknown suite"
expect 2 "output directory missing" -- "$rafter" sweep --suite compute -o "$tmp/no/such/dir/p.json"
grep_in "$tmp/err" "$tmp/no/such/dir/p.json" "missing output directory is named"
one_line_stderr "output directory missing"

expect 2 "report of a missing file" -- "$rafter" report "$tmp/missing.json" --html "$tmp/r.html"
grep_in "$tmp/err" "$tmp/missing.json" "missing file is named"
one_line_stderr "report of a missing file"
printf '{"schema": "rafter.machine/1", "device": {"name": "x", "kind": "cpu", "obtained": "t"}, "compute": [], "memory": [{"level": "dram", "read_bytes_per_s": -5, "source": "measured"}]}' >"$tmp/neg.json"
expect 2 "report of a profile with a negative bandwidth" -- "$rafter" report "$tmp/neg.json" --html "$tmp/neg.html"
grep_in "$tmp/err" "neg.json: field 'memory\[0\].read_bytes_per_s': must not be negative" "negative bandwidth names file and field"
one_line_stderr "negative bandwidth"
[ -e "$tmp/neg.html" ] && { echo "FAIL: a report was written for bad input"; failures=$((failures + 1)); }
printf '{"schema": "rafter.machine/7"}' >"$tmp/major.json"
expect 2 "unknown schema major" -- "$rafter" report "$tmp/major.json" --html "$tmp/major.html"
grep_in "$tmp/err" "unsupported major version 7" "unknown major is named"
printf 'not json' >"$tmp/garbage.json"
expect 2 "not JSON" -- "$rafter" report "$tmp/garbage.json" --html "$tmp/g.html"
grep_in "$tmp/err" "garbage.json: not valid JSON" "malformed file is named"

expect 0 "devices" -- "$rafter" devices
grep_in "$tmp/out" "^host 0:" "devices lists the host CPU"
expect 0 "devices --json" -- "$rafter" devices --json
if ! command -v nvidia-smi >/dev/null 2>&1; then
  expect 3 "devices --backend cuda without a GPU" -- "$rafter" devices --backend cuda
  one_line_stderr "devices --backend cuda without a GPU"
  expect 3 "sweep --backend cuda without a GPU" -- "$rafter" sweep --backend cuda -o "$tmp/gpu.json"
  [ -e "$tmp/gpu.json" ] && { echo "FAIL: a GPU profile was written without a GPU"; failures=$((failures + 1)); }
fi
expect 0 "devices --datasheets" -- env RAFTER_CONFIG_DIR="$src/configs" "$rafter" devices --datasheets
n=$(grep -c "\.json$" "$tmp/out")
if [ "$n" -lt 8 ]; then echo "FAIL: devices --datasheets lists $n datasheets, expected at least 8"; failures=$((failures + 1)); fi
# The memory column is main memory (the slowest roof): MI300X's 5.3 TB/s HBM, not its 17 TB/s Infinity Cache.
grep -Eq '^mi300x .* 5\.30 TB/s ' "$tmp/out" || { echo "FAIL: devices --datasheets shows no 5.30 TB/s HBM for mi300x"; failures=$((failures + 1)); }
# Columns line up under their headings, however long a datasheet's stem or device name.
awk 'NR == 1 { d = index($0, "device"); m = index($0, "memory") + 5; next }
     substr($0, d - 1, 1) != " " || substr($0, d, 1) == " " || substr($0, m, 1) == " " || substr($0, m + 1, 1) != " " { bad = bad " " $1 }
     END { if (bad != "") { print "FAIL: devices --datasheets: columns out of line for" bad; exit 1 } }' "$tmp/out" ||
  failures=$((failures + 1))
# A datasheet with only an integer ceiling has no floating-point roof: "-" and null, not 0 FLOP/s.
mkdir -p "$tmp/cfg"
cp -r "$src/configs/." "$tmp/cfg/"
python3 - "$src/configs/hardware/l4.json" "$tmp/cfg/hardware/zz_int_only.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["compute"] = [dict(d["compute"][0], id="int8.tensor", precision="int8", unit="tensor")]
json.dump(d, open(sys.argv[2], "w"))
PY
expect 0 "devices --datasheets with an integer-only datasheet" -- env RAFTER_CONFIG_DIR="$tmp/cfg" "$rafter" devices --datasheets
grep -Eq '^zz_int_only +NVIDIA L4 +- +300 GB/s ' "$tmp/out" ||
  { echo "FAIL: no '-' top compute for an integer-only datasheet"; grep zz_int "$tmp/out"; failures=$((failures + 1)); }
expect 0 "devices --datasheets --json" -- env RAFTER_CONFIG_DIR="$tmp/cfg" "$rafter" devices --datasheets --json
python3 - "$tmp/out" <<'PY' || { echo "FAIL: devices --datasheets --json: integer-only top compute is not null"; failures=$((failures + 1)); }
import json, sys
rows = {r["id"]: r for r in json.load(open(sys.argv[1]))}
assert rows["zz_int_only"]["top_compute_flop_per_s"] is None and rows["zz_int_only"]["top_compute_id"] is None
assert rows["l4"]["top_compute_flop_per_s"] > 0
PY

for f in "$src"/configs/hardware/*.json; do
  expect 0 "report of datasheet $(basename "$f")" -- "$rafter" report "$f" --html "$tmp/ds.html"
done

echo "cli_test: $failures failure(s)"
[ "$failures" -eq 0 ]

#!/usr/bin/env bash
# bench/hta/hta_cross_check.py without HTA (--without-hta): `rafter analyze` on every real Kineto
# trace in ../shared/fixtures/kineto must give the kernel count, the summed kernel time and the busy
# time (kernel union; kernels, copies and memsets) that the script computes from the raw events.
# A stub rafter that reports one kernel too many must make it exit 1.
# Usage: hta_cross_check_test.sh RAFTER_BINARY SOURCE_DIR
set -u
rafter=${1:?usage: hta_cross_check_test.sh RAFTER_BINARY SOURCE_DIR}
src=${2:?usage: hta_cross_check_test.sh RAFTER_BINARY SOURCE_DIR}
fixtures="$src/../shared/fixtures/kineto"
[ -d "$fixtures" ] || { echo "SKIP: $fixtures is absent (the real traces are not part of a clone)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
script="$src/bench/hta/hta_cross_check.py"
fail=0

python3 "$script" --rafter "$rafter" --source "$src" --fixtures "$fixtures" --repeat 1 --without-hta >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] || ! grep -q '^rafter equals the exact reading on all [1-9][0-9]* traces' "$tmp/out"; then
  echo "FAIL: exit $rc; rafter's totals differ from the raw events:"; sed 's/^/  /' "$tmp/out"; fail=1
fi
grep -q '^| h100_qwen1.5-0.5b_inference | 1465 / 1465 ' "$tmp/out" || { echo "FAIL: the qwen trace's 1465 kernels are not in the table"; fail=1; }

# The check can fail: a rafter whose analysis counts one kernel more.
cat >"$tmp/rafter" <<STUB
#!/usr/bin/env bash
"$rafter" "\$@" || exit
out=""
while [ \$# -gt 0 ]; do [ "\$1" = -o ] && out=\$2; shift; done
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); d["totals"]["kernels"] += 1; json.dump(d, open(sys.argv[1], "w"))' "\$out"
STUB
chmod +x "$tmp/rafter"
python3 "$script" --rafter "$tmp/rafter" --source "$src" --repeat 1 --without-hta "$fixtures/h100_bert-small_inference.json.gz" \
  >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -ne 1 ] || ! grep -q 'rafter counts 61 kernels, the trace holds 60' "$tmp/out"; then
  echo "FAIL: a wrong kernel count: exit $rc (expected 1):"; sed 's/^/  /' "$tmp/out"; fail=1
fi
[ "$fail" -eq 0 ] && echo "ok: rafter's totals equal the raw events' on every fixture; a wrong count is caught"
exit "$fail"

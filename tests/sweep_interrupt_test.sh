#!/usr/bin/env bash
# Ctrl-C during a sweep stops it with exit code 130 and leaves no output file, partial or temporary.
set -u
rafter=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$rafter" sweep --backend host --preset quick --progress plain -o "$tmp/p.json" --html "$tmp/p.html" \
  >"$tmp/out" 2>"$tmp/err" &
pid=$!
# Wait until the sweep is measuring, then interrupt it.
for _ in $(seq 1 100); do
  grep -q "\[bandwidth\]" "$tmp/err" 2>/dev/null && break
  sleep 0.1
done
sleep 0.5
kill -INT "$pid"
wait "$pid"
code=$?
left=$(ls -A "$tmp" | grep -v -e '^out$' -e '^err$')
echo "exit code $code; files left: ${left:-none}"
tail -2 "$tmp/err"
[ "$code" -eq 130 ] || { echo "FAIL: expected exit code 130"; exit 1; }
[ -z "$left" ] || { echo "FAIL: files left behind: $left"; exit 1; }
grep -q "interrupted" "$tmp/err" || { echo "FAIL: no 'interrupted' message"; exit 1; }
echo "sweep_interrupt_test: ok"

#!/usr/bin/env bash
# examples/pytorch_decode.py: bad arguments exit 2; without torch, transformers or a CUDA GPU the
# script exits 3 with one line saying which; with all three it prefills, decodes and exits 0.
# Usage: pytorch_decode_example_test.sh PYTHON SOURCE_DIR
set -u
py="$1"
script="$2/examples/pytorch_decode.py"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$py" "$script" --batch 0 >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] || fail "--batch 0 should exit 2"

"$py" "$script" --layers 1 --prompt-len 16 --decode-steps 4 --hidden 256 --heads 4 --kv-heads 2 \
  --intermediate 512 --vocab 1000 >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 3 ]; then
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || { cat "$tmp/err"; fail "expected one line on stderr"; }
  grep -q "^pytorch_decode.py: " "$tmp/err" || { cat "$tmp/err"; fail "unexpected message"; }
  echo "verified the exit-3 message: $(cat "$tmp/err")"
  echo "ok"
  exit 0
fi
[ "$rc" -eq 0 ] || { cat "$tmp/out" "$tmp/err"; fail "run exited $rc"; }
for want in "prefill:" "decode:" "generated 5 tokens"; do
  grep -q "$want" "$tmp/out" || { cat "$tmp/out"; fail "output lacks '$want'"; }
done
cat "$tmp/out"
echo "ok"

#!/usr/bin/env bash
# examples/pytorch_decode.py: its argument checks and missing-dependency line always; with PyTorch and
# transformers importable (python3, or $RAFTER_PYTHON), a tiny model's prefill and decode on the CPU,
# which also checks that the decode steps extended the KV cache (the transformers API moved it from
# `past_key_values` to `cache`). Without them that part skips with the reason.
# Usage: pytorch_decode_test.sh RAFTER_BINARY SOURCE_DIR
set -u
src=${2:?usage: pytorch_decode_test.sh RAFTER_BINARY SOURCE_DIR}
python=${RAFTER_PYTHON:-python3}
command -v "$python" >/dev/null || { echo "SKIP: no $python"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
script="$src/examples/pytorch_decode.py"
fail=0
tiny=(--device cpu --layers 2 --hidden 64 --heads 4 --kv-heads 2 --intermediate 128 --vocab 100 --prompt-len 8)

expect_rc() {  # expect_rc NAME RC ERR_SUBSTRING ARGS...
  local name=$1 want_rc=$2 want=$3
  shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -ne "$want_rc" ] || ! grep -qF -- "$want" "$tmp/err"; then
    echo "FAIL: $name: rc=$rc (expected $want_rc), stderr:"; sed 's/^/  /' "$tmp/err"; fail=1
  fi
}
expect_rc "heads not dividing hidden" 2 "--hidden must divide by --heads" "$python" "$script" --hidden 100 --heads 16
expect_rc "negative decode steps" 2 "--decode-steps must not be negative" "$python" "$script" --decode-steps -1
expect_rc "unknown device" 2 "invalid choice" "$python" "$script" --device tpu
# -S hides site-packages, so PyTorch cannot be imported: one line, exit 3.
expect_rc "PyTorch missing" 3 "PyTorch is not installed" "$python" -S "$script" "${tiny[@]}"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || { echo "FAIL: more than one line when PyTorch is missing"; fail=1; }
[ "$fail" -eq 0 ] || exit 1

if ! "$python" -c "import torch, transformers" 2>/dev/null; then
  echo "SKIP: $python cannot import torch and transformers (set RAFTER_PYTHON to a Python that can)"
  exit 77
fi
"$python" "$script" "${tiny[@]}" --decode-steps 3 >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ]; then echo "FAIL: the CPU run exited $rc"; sed 's/^/  /' "$tmp/err"; exit 1; fi
for want in "device: cpu" "decode: " "3 steps" "generated 4 tokens per sequence"; do
  grep -qF -- "$want" "$tmp/out" || { echo "FAIL: output lacks \"$want\""; sed 's/^/  /' "$tmp/out"; fail=1; }
done
exit "$fail"

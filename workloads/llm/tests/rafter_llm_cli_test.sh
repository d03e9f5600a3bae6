#!/usr/bin/env bash
# rafter-llm's command line. Mode `cli` (any machine): bad input exits 2 with one line naming the
# file and field, before any GPU is touched; a valid run either exits 3 with one line on stderr and
# nothing on stdout (no usable GPU) or runs. Mode `gpu` (label gpu): a tiny run with --check must
# print its phases and match the CPU reference; exits 77 (skipped) without a GPU.
# Usage: rafter_llm_cli_test.sh RAFTER_LLM_BINARY SOURCE_DIR cli|gpu
set -u
bin="$1"
src="$2"
mode="${3:-cli}"
tiny="$src/configs/models/tiny-test.json"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

expect_exit() {  # expected_code description command...
  local want="$1" what="$2"
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  [ "$got" -eq "$want" ] || { cat "$tmp/out" "$tmp/err"; fail "$what: exit $got, expected $want"; }
}

expect_exit 0 "--help" "$bin" --help
grep -q -- "--decode-steps" "$tmp/out" || fail "--help does not list --decode-steps"

expect_exit 2 "missing --model" "$bin"
expect_exit 2 "nonexistent model file" "$bin" --model "$tmp/none.json"

printf '{"schema": "rafter.model/1", "name": "x", "source": "y", "model": {"hidden_size": 64}}' >"$tmp/bad.json"
expect_exit 2 "incomplete model" "$bin" --model "$tmp/bad.json"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || { cat "$tmp/err"; fail "incomplete model: expected one line on stderr"; }
grep -q "bad.json: field 'model.num_hidden_layers'" "$tmp/err" || { cat "$tmp/err"; fail "error does not name the field"; }

expect_exit 2 "--layers 0" "$bin" --model "$tiny" --layers 0
grep -q -- "--layers" "$tmp/err" || fail "--layers error does not name the option"
expect_exit 2 "sequence longer than the model" "$bin" --model "$tiny" --prompt-len 200 --decode-steps 100
expect_exit 2 "--check of a deep model" "$bin" --model "$src/configs/models/llama3-8b.json" --check
grep -q -- "--layers 8" "$tmp/err" || { cat "$tmp/err"; fail "--check of 32 layers does not say --layers 8"; }

if [ "$mode" = cli ]; then
  "$bin" --model "$tiny" --batch 1 --prompt-len 8 --decode-steps 2 >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ "$rc" -eq 3 ]; then
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || { cat "$tmp/err"; fail "no GPU: expected exactly one line on stderr"; }
    grep -q "^rafter-llm: error: " "$tmp/err" || { cat "$tmp/err"; fail "no GPU: unexpected message"; }
    [ ! -s "$tmp/out" ] || { cat "$tmp/out"; fail "no GPU: nothing expected on stdout"; }
    echo "no usable GPU: verified the one-line exit 3 ($(cat "$tmp/err"))"
  else
    [ "$rc" -eq 0 ] || { cat "$tmp/out" "$tmp/err"; fail "tiny run: exit $rc"; }
    echo "a GPU is present: the tiny run exited 0"
  fi
  echo "ok"
  exit 0
fi

"$bin" --model "$tiny" --batch 2 --prompt-len 40 --decode-steps 4 --check --counts >"$tmp/out" 2>"$tmp/err"
rc=$?
# Exit 3 before any output: no usable GPU. After the model/run/gpu lines, exit 3 is a CUDA or
# cuBLASLt failure on a real GPU, and fails the test.
if [ "$rc" -eq 3 ] && [ ! -s "$tmp/out" ]; then
  echo "SKIPPED: no usable GPU ($(cat "$tmp/err"))"
  exit 77
fi
[ "$rc" -eq 0 ] || { cat "$tmp/out" "$tmp/err"; fail "tiny run with --check: exit $rc"; }
for want in "prefill:" "decode:" "check: GPU matches the CPU reference" "qkv_proj"; do
  grep -q "$want" "$tmp/out" || { cat "$tmp/out"; fail "output lacks '$want'"; }
done
cat "$tmp/out"
echo "ok"

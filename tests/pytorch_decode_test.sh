#!/usr/bin/env bash
# examples/pytorch_decode.py: its argument checks and missing-dependency line always; with PyTorch
# importable (see below for which Python), a tiny model's prefill and decode on the CPU with the
# plain-PyTorch Llama (also chosen by --impl auto without transformers; --impl transformers then
# exits 3), each run checking that the decode steps extended the KV cache; with transformers too,
# the same with LlamaForCausalLM (whose API moved the cache from `past_key_values` to `cache`) and the
# two implementations' logits against each other. Without PyTorch that part skips with the reason.
# Usage: pytorch_decode_test.sh RAFTER_BINARY SOURCE_DIR
set -u
src=${2:?usage: pytorch_decode_test.sh RAFTER_BINARY SOURCE_DIR}
# The Python: $RAFTER_PYTHON, else the venv `scripts/setup.sh --with-torch` makes, else python3.
python=${RAFTER_PYTHON:-python3}
[ -z "${RAFTER_PYTHON:-}" ] && [ -x "$src/build/torch-venv/bin/python" ] && python="$src/build/torch-venv/bin/python"
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
# -S hides site-packages and -E PYTHONPATH, so PyTorch cannot be imported: one line, exit 3.
expect_rc "PyTorch missing" 3 "PyTorch is not installed" "$python" -S -E "$script" "${tiny[@]}"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || { echo "FAIL: more than one line when PyTorch is missing"; fail=1; }
[ "$fail" -eq 0 ] || exit 1

if ! "$python" -c "import torch" 2>/dev/null; then
  echo "SKIP: $python cannot import torch (scripts/setup.sh --with-torch makes a venv with it; or set RAFTER_PYTHON)"
  exit 77
fi
# run_example HIDE ARGS...: the example with ARGS, transformers made unimportable when HIDE is 1;
# stdout and stderr to $tmp/out and $tmp/err.
run_example() {
  "$python" -c 'import runpy, sys
if sys.argv[1] == "1":
    sys.modules["transformers"] = None  # import transformers now raises ImportError
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")' "$1" "$script" "${@:2}" >"$tmp/out" 2>"$tmp/err"
}
# run_cpu NAME EXPECTED_IMPL [--hide-transformers] ARGS...: a tiny prefill and 3 decode steps on the CPU.
run_cpu() {
  local name=$1 impl=$2
  shift 2
  local hide=0
  [ "${1:-}" = --hide-transformers ] && { hide=1; shift; }
  run_example "$hide" "${tiny[@]}" --decode-steps 3 "$@"
  local rc=$?
  if [ "$rc" -ne 0 ]; then echo "FAIL: $name: exit $rc"; sed 's/^/  /' "$tmp/err"; fail=1; return; fi
  for want in "model: Llama ($impl" "device: cpu" "3 steps" "generated 4 tokens per sequence"; do
    grep -qF -- "$want" "$tmp/out" || { echo "FAIL: $name: output lacks \"$want\""; sed 's/^/  /' "$tmp/out"; fail=1; }
  done
}
if ! "$python" -c "import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
  expect_rc "no CUDA GPU" 3 "no CUDA GPU is available to PyTorch" "$python" "$script" --impl torch
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || { echo "FAIL: more than one line when no GPU is available"; fail=1; }
fi
run_cpu "--impl torch" "plain PyTorch Llama" --impl torch
run_cpu "auto without transformers" "plain PyTorch Llama" --hide-transformers
run_example 1 "${tiny[@]}" --impl transformers
rc=$?
{ [ "$rc" -eq 3 ] && grep -q "transformers is not installed" "$tmp/err"; } ||
  { echo "FAIL: --impl transformers without transformers: exit $rc, expected 3 and the reason"; fail=1; }

# A model whose decode ignores the cache (as a cache argument under a name the model does not take
# would): exit 1, naming the count.
"$python" - "$script" "${tiny[@]}" --impl torch --decode-steps 2 >"$tmp/out" 2>"$tmp/err" <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("pytorch_decode", sys.argv[1])
example = importlib.util.module_from_spec(spec)
spec.loader.exec_module(example)
build = example.plain_llama
def forgetful(args, torch):
    model = build(args, torch)
    model.decode = lambda ids, cache: model(ids, None)
    return model
example.plain_llama = forgetful
sys.exit(example.main(sys.argv[2:]))
PY
rc=$?
{ [ "$rc" -eq 1 ] && grep -q "the KV cache holds 1 tokens after decoding, expected 10" "$tmp/err"; } ||
  { echo "FAIL: a decode that ignores the cache: exit $rc, expected 1 and the counts"; sed 's/^/  /' "$tmp/err"; fail=1; }

if ! "$python" -c "import transformers" 2>/dev/null; then
  echo "note: $python cannot import transformers: its LlamaForCausalLM and the equivalence were not checked"
  exit "$fail"
fi
run_cpu "auto (transformers)" "transformers"
# The plain-PyTorch Llama computes what LlamaForCausalLM computes: its state_dict loads, and the
# logits agree in FP32 over a prefill (batch 2, causal) and 3 decode steps (the KV cache, RoPE
# positions past the prompt, grouped-query heads).
"$python" - "$script" <<'PY' || fail=1
import importlib.util, sys
spec = importlib.util.spec_from_file_location("pytorch_decode", sys.argv[1])
example = importlib.util.module_from_spec(spec)
spec.loader.exec_module(example)
import torch
args = example.parse_args(["--device", "cpu", "--layers", "2", "--hidden", "64", "--heads", "4", "--kv-heads", "2",
                           "--intermediate", "96", "--vocab", "100", "--prompt-len", "9", "--decode-steps", "3"])
torch.manual_seed(3)
reference = example.TransformersLlama(args, torch)
reference.module.float().eval()
plain = example.plain_llama(args, torch).float().eval()
plain.load_state_dict(reference.module.state_dict(), strict=True)
prompt = torch.randint(0, args.vocab, (2, args.prompt_len))
worst = 0.0
with torch.inference_mode():
    a, cache_a = reference.prefill(prompt)
    b, cache_b = plain.prefill(prompt)
    pairs = [(a, b)]
    for _ in range(args.decode_steps):
        token = a.argmax(-1, keepdim=True)
        a, cache_a = reference.decode(token, cache_a)
        b, cache_b = plain.decode(token, cache_b)
        pairs.append((a, b))
worst = max(((x - y).abs().max() / x.abs().max()).item() for x, y in pairs)
cached = (reference.cached_tokens(cache_a), plain.cached_tokens(cache_b))
if worst > 1e-4 or cached != (12, 12):
    print(f"FAIL: plain PyTorch Llama against LlamaForCausalLM: largest relative logit difference {worst:.2e} "
          f"(bar 1e-4), cached tokens {cached} (expected 12 each)")
    sys.exit(1)
print(f"plain PyTorch Llama = LlamaForCausalLM: largest relative logit difference {worst:.1e}")
PY
exit "$fail"

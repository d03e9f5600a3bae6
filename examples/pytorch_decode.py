#!/usr/bin/env python3
"""A small Llama model from Hugging Face transformers, random weights, prefill then greedy decode on CUDA.

Meant to be traced: `rafter trace -- python3 examples/pytorch_decode.py`. Nothing is downloaded: the
model is built from a LlamaConfig and initialized with a fixed seed. Each phase is bracketed by an
NVTX range ("prefill", "decode", "decode_step"), like rafter-llm.

Exit codes: 0 ok; 1 the decode did not extend the KV cache; 2 bad arguments; 3 torch, transformers or a
CUDA GPU is missing.
"""

import argparse
import inspect
import sys
import time


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch", type=int, default=1, help="sequences decoded together (default 1)")
    p.add_argument("--prompt-len", type=int, default=128, help="prompt tokens per sequence (default 128)")
    p.add_argument("--decode-steps", type=int, default=32, help="decode steps after the prefill (default 32)")
    p.add_argument("--layers", type=int, default=4, help="decoder layers (default 4)")
    p.add_argument("--hidden", type=int, default=1024, help="hidden size (default 1024)")
    p.add_argument("--heads", type=int, default=16, help="query heads (default 16)")
    p.add_argument("--kv-heads", type=int, default=4, help="key/value heads (default 4)")
    p.add_argument("--intermediate", type=int, default=2816, help="MLP width (default 2816)")
    p.add_argument("--vocab", type=int, default=32000, help="vocabulary size (default 32000)")
    p.add_argument("--seed", type=int, default=1, help="seed of the weights and the prompt (default 1)")
    p.add_argument("--device", choices=("cuda", "cpu"), default="cuda",
                   help="where the model runs (default cuda; cpu checks the script without a GPU)")
    args = p.parse_args(argv)
    for name in ("batch", "prompt_len", "layers", "hidden", "heads", "kv_heads", "intermediate", "vocab"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.decode_steps < 0:
        p.error("--decode-steps must not be negative")
    if args.hidden % args.heads or args.heads % args.kv_heads:
        p.error("--hidden must divide by --heads, and --heads by --kv-heads")
    return args


def unavailable(message):
    print(f"pytorch_decode.py: {message}", file=sys.stderr)
    return 3


def main(argv):
    args = parse_args(argv)
    try:
        import torch
    except ImportError:
        return unavailable("PyTorch is not installed (pip install torch)")
    try:
        import transformers
        from transformers import LlamaConfig, LlamaForCausalLM
    except ImportError:
        return unavailable("Hugging Face transformers is not installed (pip install transformers)")
    if args.device == "cuda" and not torch.cuda.is_available():
        return unavailable("no CUDA GPU is available to PyTorch (torch.cuda.is_available() is False)")

    torch.manual_seed(args.seed)
    config = LlamaConfig(
        vocab_size=args.vocab,
        hidden_size=args.hidden,
        intermediate_size=args.intermediate,
        num_hidden_layers=args.layers,
        num_attention_heads=args.heads,
        num_key_value_heads=args.kv_heads,
        max_position_embeddings=args.prompt_len + args.decode_steps,
        rms_norm_eps=1e-5,
        rope_theta=500000.0,
        tie_word_embeddings=False,
    )
    device = torch.device(args.device)
    model = LlamaForCausalLM(config).to(device=device, dtype=torch.bfloat16).eval()
    prompt = torch.randint(0, args.vocab, (args.batch, args.prompt_len), device=device)
    nvtx = torch.cuda.nvtx
    on_gpu = device.type == "cuda"

    def synchronize():
        if on_gpu:
            torch.cuda.synchronize()

    # transformers 5.x passes the KV cache as `cache`, 4.x as `past_key_values`.
    cache_arg = "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"

    def cache_of(out):
        return out["cache"] if "cache" in out else out.past_key_values

    with torch.inference_mode():
        synchronize()
        start = time.perf_counter()
        nvtx.range_push("prefill")
        out = model(input_ids=prompt, use_cache=True)
        past = cache_of(out)
        token = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
        nvtx.range_pop()
        synchronize()
        prefill_s = time.perf_counter() - start

        generated = [token]
        start = time.perf_counter()
        nvtx.range_push("decode")
        for _ in range(args.decode_steps):
            nvtx.range_push("decode_step")
            out = model(input_ids=token, use_cache=True, **{cache_arg: past})
            past = cache_of(out)
            token = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            generated.append(token)
            nvtx.range_pop()
        nvtx.range_pop()
        synchronize()
        decode_s = time.perf_counter() - start

    # The decode steps extended the prefill's cache: a cache argument the model ignored would leave a
    # fresh one-token cache per step and time a different computation.
    # A Cache object, or (transformers < 4.47) the legacy per-layer (key, value) tuples.
    cached = past.get_seq_length() if hasattr(past, "get_seq_length") else past[0][0].shape[-2]
    if cached != args.prompt_len + args.decode_steps:
        print(f"pytorch_decode.py: the KV cache holds {cached} tokens after decoding, expected "
              f"{args.prompt_len + args.decode_steps}: transformers {transformers.__version__} did not take "
              f"the cache as `{cache_arg}`", file=sys.stderr)
        return 1
    tokens = torch.cat(generated, dim=1)
    params = sum(p.numel() for p in model.parameters())
    print(f"model: Llama, {args.layers} layers, hidden {args.hidden}, {params / 1e6:.1f} M parameters, BF16, "
          f"random weights (seed {args.seed})")
    print(f"device: {torch.cuda.get_device_name(device) if on_gpu else 'cpu'}")
    print(f"prefill: {prefill_s * 1e3:.2f} ms for {args.batch} x {args.prompt_len} tokens")
    if args.decode_steps:
        print(f"decode: {decode_s / args.decode_steps * 1e3:.2f} ms per step, {args.decode_steps} steps, "
              f"{args.batch * args.decode_steps / decode_s:.1f} tokens/s")
    print(f"generated {tokens.shape[1]} tokens per sequence; first sequence starts {tokens[0, :8].tolist()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

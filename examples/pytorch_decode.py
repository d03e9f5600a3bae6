#!/usr/bin/env python3
"""A small Llama model in PyTorch, random weights, prefill then greedy decode on CUDA.

Meant to be traced: `rafter trace -- python3 examples/pytorch_decode.py`. Nothing is downloaded: the
model is built from its shape and initialized with a fixed seed. Two implementations of the same
model (--impl): Hugging Face transformers' LlamaForCausalLM, and a plain-PyTorch Llama of the same
parameters (RMSNorm, RoPE, grouped-query SDPA attention with a KV cache, SwiGLU MLP) for a machine
without transformers; auto (the default) takes transformers when it can be imported and builds the
model, else the plain-PyTorch one (saying why on stderr). Each phase is bracketed by an NVTX range
("prefill", "decode", "decode_step"), like rafter-llm.

Exit codes: 0 ok; 1 the decode did not extend the KV cache; 2 bad arguments; 3 torch (or, with
--impl transformers, transformers) or a CUDA GPU is missing.
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
    p.add_argument("--impl", choices=("auto", "transformers", "torch"), default="auto",
                   help="transformers' LlamaForCausalLM, or the plain-PyTorch Llama (default auto: "
                        "transformers when it can be imported and builds the model)")
    args = p.parse_args(argv)
    for name in ("batch", "prompt_len", "layers", "hidden", "heads", "kv_heads", "intermediate", "vocab"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.decode_steps < 0:
        p.error("--decode-steps must not be negative")
    if args.hidden % args.heads or args.heads % args.kv_heads:
        p.error("--hidden must divide by --heads, and --heads by --kv-heads")
    if (args.hidden // args.heads) % 2:
        p.error("the head size (--hidden / --heads) must be even (RoPE rotates pairs)")
    return args


ROPE_THETA = 500000.0
RMS_EPS = 1e-5


def unavailable(message):
    print(f"pytorch_decode.py: {message}", file=sys.stderr)
    return 3


class TransformersLlama:
    """LlamaForCausalLM behind the runner's interface: prefill(ids), decode(ids, cache) -> (logits of
    the last position, cache); cached_tokens(cache)."""

    def __init__(self, args, torch):
        import transformers
        from transformers import LlamaConfig, LlamaForCausalLM
        self.torch = torch
        self.name = f"transformers {transformers.__version__} LlamaForCausalLM"
        config = LlamaConfig(
            vocab_size=args.vocab, hidden_size=args.hidden, intermediate_size=args.intermediate,
            num_hidden_layers=args.layers, num_attention_heads=args.heads, num_key_value_heads=args.kv_heads,
            max_position_embeddings=args.prompt_len + args.decode_steps, rms_norm_eps=RMS_EPS,
            rope_theta=ROPE_THETA, tie_word_embeddings=False)
        self.module = LlamaForCausalLM(config)
        # transformers 5.x passes the KV cache as `cache`, 4.x as `past_key_values`.
        self.cache_arg = "cache" if "cache" in inspect.signature(self.module.forward).parameters else "past_key_values"

    @staticmethod
    def _cache_of(out):
        return out["cache"] if "cache" in out else out.past_key_values

    def prefill(self, ids):
        out = self.module(input_ids=ids, use_cache=True)
        return out.logits[:, -1, :], self._cache_of(out)

    def decode(self, ids, cache):
        out = self.module(input_ids=ids, use_cache=True, **{self.cache_arg: cache})
        return out.logits[:, -1, :], self._cache_of(out)

    @staticmethod
    def cached_tokens(cache):
        # A Cache object, or (transformers < 4.47) the legacy per-layer (key, value) tuples.
        return cache.get_seq_length() if hasattr(cache, "get_seq_length") else cache[0][0].shape[-2]


def plain_llama(args, torch):
    """The plain-PyTorch Llama: LlamaForCausalLM's computation and parameter names (so that one's
    state_dict loads into the other), with a list of per-layer (key, value) tensors as its cache,
    [batch, kv_heads, tokens, head_size] each."""
    nn, F = torch.nn, torch.nn.functional
    heads, kv_heads, head_size = args.heads, args.kv_heads, args.hidden // args.heads

    class RMSNorm(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.ones(args.hidden))

        def forward(self, x):
            h = x.float()
            h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + RMS_EPS)
            return self.weight * h.to(x.dtype)

    def linear(n_in, n_out):
        return nn.Linear(n_in, n_out, bias=False)

    def rotate(x, cos, sin):  # RoPE on [b, h, t, d]: the halves of d are the pairs
        x1, x2 = x[..., : head_size // 2], x[..., head_size // 2:]
        return x * cos + torch.cat((-x2, x1), dim=-1) * sin

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.q_proj = linear(args.hidden, heads * head_size)
            self.k_proj = linear(args.hidden, kv_heads * head_size)
            self.v_proj = linear(args.hidden, kv_heads * head_size)
            self.o_proj = linear(heads * head_size, args.hidden)

        def forward(self, x, cos, sin, past):
            b, t, _ = x.shape
            q = self.q_proj(x).view(b, t, heads, head_size).transpose(1, 2)
            k = self.k_proj(x).view(b, t, kv_heads, head_size).transpose(1, 2)
            v = self.v_proj(x).view(b, t, kv_heads, head_size).transpose(1, 2)
            q, k = rotate(q, cos, sin), rotate(k, cos, sin)
            if past is not None:
                assert t == 1, "a call on a cache decodes one token: no causal mask among new tokens"
                k, v = torch.cat((past[0], k), dim=2), torch.cat((past[1], v), dim=2)
            group = heads // kv_heads
            # Causal within a prefill that starts the cache; a decode step's one query sees it all.
            o = F.scaled_dot_product_attention(q, k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1),
                                               is_causal=past is None and t > 1)
            return self.o_proj(o.transpose(1, 2).reshape(b, t, heads * head_size)), (k, v)

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.gate_proj = linear(args.hidden, args.intermediate)
            self.up_proj = linear(args.hidden, args.intermediate)
            self.down_proj = linear(args.intermediate, args.hidden)

        def forward(self, x):
            return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.input_layernorm, self.self_attn = RMSNorm(), Attention()
            self.post_attention_layernorm, self.mlp = RMSNorm(), MLP()

        def forward(self, x, cos, sin, past):
            a, kv = self.self_attn(self.input_layernorm(x), cos, sin, past)
            x = x + a
            return x + self.mlp(self.post_attention_layernorm(x)), kv

    class Body(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed_tokens = nn.Embedding(args.vocab, args.hidden)
            self.layers = nn.ModuleList(Layer() for _ in range(args.layers))
            self.norm = RMSNorm()

    class PlainLlama(nn.Module):
        name = "plain PyTorch Llama"

        def __init__(self):
            super().__init__()
            self.model, self.lm_head = Body(), linear(args.hidden, args.vocab)
            for m in self.modules():  # LlamaForCausalLM's initialization
                if isinstance(m, (nn.Linear, nn.Embedding)):
                    nn.init.normal_(m.weight, std=0.02)
            inv_freq = 1.0 / (ROPE_THETA ** (torch.arange(0, head_size, 2, dtype=torch.float32) / head_size))
            self.register_buffer("inv_freq", inv_freq, persistent=False)

        @property
        def module(self):
            return self

        def forward(self, ids, cache):
            start = 0 if cache is None else cache[0][0].shape[2]
            positions = torch.arange(start, start + ids.shape[1], device=ids.device, dtype=torch.float32)
            angles = torch.outer(positions, self.inv_freq.float())
            angles = torch.cat((angles, angles), dim=-1)
            x = self.model.embed_tokens(ids)
            cos, sin = angles.cos().to(x.dtype)[None, None], angles.sin().to(x.dtype)[None, None]
            new_cache = []
            for i, layer in enumerate(self.model.layers):
                x, kv = layer(x, cos, sin, None if cache is None else cache[i])
                new_cache.append(kv)
            return self.lm_head(self.model.norm(x[:, -1:, :]))[:, -1, :], new_cache

        def prefill(self, ids):
            return self(ids, None)

        def decode(self, ids, cache):
            return self(ids, cache)

        @staticmethod
        def cached_tokens(cache):
            return cache[0][0].shape[2]

    return PlainLlama()


def main(argv):
    args = parse_args(argv)
    try:
        import torch
    except ImportError:
        return unavailable("PyTorch is not installed (pip install torch)")
    impl = args.impl
    if impl == "auto":
        try:
            import transformers  # noqa: F401
            impl = "transformers"
        except ImportError:
            impl = "torch"
    if impl == "transformers":
        try:
            import transformers  # noqa: F401, F811
        except ImportError:
            return unavailable("Hugging Face transformers is not installed (pip install transformers; "
                               "--impl torch runs the plain-PyTorch Llama)")
    if args.device == "cuda" and not torch.cuda.is_available():
        return unavailable("no CUDA GPU is available to PyTorch (torch.cuda.is_available() is False)")

    torch.manual_seed(args.seed)
    model = None
    if impl == "transformers":
        try:
            model = TransformersLlama(args, torch)
        except Exception as e:  # a transformers without LlamaForCausalLM, or one that cannot build it
            if args.impl != "auto":
                raise
            reason = (str(e).strip().splitlines() or [""])[0]
            print(f"pytorch_decode.py: transformers cannot build LlamaForCausalLM ({type(e).__name__}: {reason}); "
                  "using the plain-PyTorch Llama (--impl torch)", file=sys.stderr)
            torch.manual_seed(args.seed)  # the same weights as --impl torch
    if model is None:
        model = plain_llama(args, torch)
    device = torch.device(args.device)
    model.module.to(device=device, dtype=torch.bfloat16).eval()
    prompt = torch.randint(0, args.vocab, (args.batch, args.prompt_len), device=device)
    on_gpu = device.type == "cuda"
    if torch.backends.cuda.is_built():
        range_push, range_pop = torch.cuda.nvtx.range_push, torch.cuda.nvtx.range_pop
    else:  # a CPU-only PyTorch has no NVTX
        range_push, range_pop = (lambda name: None), (lambda: None)

    def synchronize():
        if on_gpu:
            torch.cuda.synchronize()

    with torch.inference_mode():
        synchronize()
        start = time.perf_counter()
        range_push("prefill")
        logits, cache = model.prefill(prompt)
        token = logits.argmax(dim=-1, keepdim=True)
        range_pop()
        synchronize()
        prefill_s = time.perf_counter() - start

        generated = [token]
        start = time.perf_counter()
        range_push("decode")
        for _ in range(args.decode_steps):
            range_push("decode_step")
            logits, cache = model.decode(token, cache)
            token = logits.argmax(dim=-1, keepdim=True)
            generated.append(token)
            range_pop()
        range_pop()
        synchronize()
        decode_s = time.perf_counter() - start

    # The decode steps extended the prefill's cache: a cache argument the model ignored would leave a
    # fresh one-token cache per step and time a different computation.
    cached = model.cached_tokens(cache)
    if cached != args.prompt_len + args.decode_steps:
        how = f" as `{model.cache_arg}`" if hasattr(model, "cache_arg") else ""
        print(f"pytorch_decode.py: the KV cache holds {cached} tokens after decoding, expected "
              f"{args.prompt_len + args.decode_steps}: {model.name} did not take the cache{how}", file=sys.stderr)
        return 1
    tokens = torch.cat(generated, dim=1)
    params = sum(p.numel() for p in model.module.parameters())
    print(f"model: Llama ({model.name}), {args.layers} layers, hidden {args.hidden}, {params / 1e6:.1f} M "
          f"parameters, BF16, random weights (seed {args.seed})")
    print(f"device: {torch.cuda.get_device_name(device) if on_gpu else 'cpu'}")
    print(f"prefill: {prefill_s * 1e3:.2f} ms for {args.batch} x {args.prompt_len} tokens")
    if args.decode_steps:
        print(f"decode: {decode_s / args.decode_steps * 1e3:.2f} ms per step, {args.decode_steps} steps, "
              f"{args.batch * args.decode_steps / decode_s:.1f} tokens/s")
    print(f"generated {tokens.shape[1]} tokens per sequence; first sequence starts {tokens[0, :8].tolist()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

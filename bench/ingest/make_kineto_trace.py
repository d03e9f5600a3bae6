#!/usr/bin/env python3
"""Writes a large Kineto (PyTorch profiler) trace by replicating the events of a seed trace.

Replica r of every event has its timestamp shifted by r x (seed span + 1 ms), whole microseconds,
so the fractional nanoseconds of each `ts` are kept exactly (timestamps are handled as decimal
text, never as binary floats), and its ids shifted by r x (largest id + 1) per id family
(`External id`, `correlation` with the `ac2g` flow `id`, `Python id`/`Python parent id`), so ids
stay unique and operator-kernel links stay intact. Metadata events (`ph` "M") and the whole-trace
"Trace" span are written once. Top-level keys (deviceProperties, baseTimeNanoseconds, ...) are
copied from the seed in their order. Layout "line" (the default): one event per line, `", "`/`": "`
separators (denser than PyTorch's own indented output: fewer whitespace bytes per event); layout
"indented": as PyTorch writes it (`json.dump(indent=2)`: one value per line, events indented by
4 spaces), the same events in about 1.6x the bytes (H100 seed). The file is streamed to disk;
memory use is that of the seed.

Seed: a Kineto JSON (plain or .gz), or none for a synthetic seed (a transformer-like step).

Usage: make_kineto_trace.py [--layout line|indented] OUT.json SIZE [SEED]
       (SIZE in bytes; K, M, G suffixes are 10^3..)
"""
import argparse
import decimal
import gzip
import json
import os
import re
import sys

D = decimal.Decimal
ID_FAMILIES = {"External id": "ext", "correlation": "corr", "Python id": "py", "Python parent id": "py"}
SLOT = re.compile(r'"@@(\w+)@@"')
LAYOUTS = ("line", "indented")


def parse_size(text):
    m = re.fullmatch(r"\s*([0-9.]+)\s*([kKmMgG]?)[bB]?\s*", str(text))
    if not m:
        raise ValueError(f"not a size: {text!r} (bytes, or with a K, M or G suffix)")
    return int(float(m.group(1)) * {"": 1, "k": 10**3, "m": 10**6, "g": 10**9}[m.group(2).lower()])


def load_seed(path):
    if path is None:
        return synthetic_seed()
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        return json.load(f, parse_float=D)


def synthetic_seed():
    """One inference step of a small transformer: ops with shapes, launches, kernels, flows."""
    base_us = D("1428625731456.483")
    events = [{"ph": "M", "name": "process_name", "pid": 100, "tid": 0, "args": {"name": "python3"}},
              {"ph": "M", "name": "process_name", "pid": 0, "tid": 0, "args": {"name": "GPU 0"}}]
    t = base_us
    ext = corr = 1
    events.append({"ph": "X", "cat": "user_annotation", "name": "ProfilerStep#1", "pid": 100, "tid": 100,
                   "ts": t, "dur": D("40000.125"), "args": {"External id": ext, "Record function id": 0}})
    gpu_t = t + 500
    for layer in range(24):
        for name, dims, kernel in [
                ("aten::linear", [[16, 512, 1024], [3072, 1024], [3072]],
                 "sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x128x64_warpgroupsize1x1x1_execute_segment_k_off"
                 "_kernel__5x_cublas"),
                ("aten::scaled_dot_product_attention", [[16, 16, 512, 64]] * 3 + [[]] * 3,
                 "void pytorch_flash::flash_fwd_kernel<Flash_fwd_kernel_traits<64, 128, 128, 4, false, false, "
                 "cutlass::bfloat16_t, Flash_kernel_traits<64, 128, 128, 4, cutlass::bfloat16_t> >, true, false>"
                 "(pytorch_flash::Flash_fwd_params)"),
                ("aten::add", [[16, 512, 1024], [16, 512, 1024], []],
                 "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<c10::BFloat16>, "
                 "at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<c10::BFloat16>, "
                 "at::detail::Array<char*, 3>)")]:
            ext += 1
            corr += 1
            events.append({"ph": "X", "cat": "cpu_op", "name": name, "pid": 100, "tid": 100, "ts": t,
                           "dur": D("35.211"), "args": {"External id": ext, "Record function id": 0,
                                                         "Concrete Inputs": [""] * len(dims),
                                                         "Input type": ["c10::BFloat16"] * len(dims),
                                                         "Input Strides": [[] for _ in dims], "Input Dims": dims,
                                                         "Ev Idx": len(events)}})
            events.append({"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 100, "tid": 100,
                           "ts": t + D("20.5"), "dur": D("4.977"),
                           "args": {"External id": ext, "cbid": 211, "correlation": corr}})
            events.append({"ph": "s", "id": corr, "pid": 100, "tid": 100, "ts": t + D("20.5"), "cat": "ac2g",
                           "name": "ac2g"})
            events.append({"ph": "X", "cat": "kernel", "name": kernel, "pid": 0, "tid": 7, "ts": gpu_t,
                           "dur": D("61.44"), "args": {"External id": ext, "queued": 0, "device": 0, "context": 1,
                                                       "stream": 7, "correlation": corr, "registers per thread": 168,
                                                       "shared memory": 213248, "blocks per SM": D("0.969697"),
                                                       "warps per SM": D("3.878788"), "grid": [128, 1, 1],
                                                       "block": [384, 1, 1], "est. achieved occupancy %": 6}})
            events.append({"ph": "f", "id": corr, "pid": 0, "tid": 7, "ts": gpu_t, "cat": "ac2g", "name": "ac2g",
                           "bp": "e"})
            t += D("40.017")
            gpu_t += D("70.003")
    return {"schemaVersion": 1,
            "deviceProperties": [{"id": 0, "name": "NVIDIA H100 80GB HBM3", "totalGlobalMem": 85029158912,
                                  "computeMajor": 9, "computeMinor": 0, "numSms": 132,
                                  "sharedMemPerMultiprocessor": 233472}],
            "traceEvents": events, "traceName": "synthetic", "baseTimeNanoseconds": 1751410836000000000}


def dump(value, layout, depth):
    """`value` as JSON text for `layout`; "indented" nests it `depth` levels deep (2 spaces each)."""
    if layout == "line":
        return json.dumps(plain(value), ensure_ascii=False)
    return json.dumps(plain(value), ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * depth)


def plain(value):
    """The value with Decimals as floats (exact for the seed's short decimals), for json.dumps."""
    if isinstance(value, D):
        return float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class event_template:
    """An event as JSON text with slots for its timestamp and ids."""

    def __init__(self, event, layout):
        e = dict(event)
        self.ts = e.get("ts")
        self.ids = {}
        if self.ts is not None:
            e["ts"] = "@@ts@@"
        args = e.get("args")
        if isinstance(args, dict):
            args = dict(args)
            for key, family in ID_FAMILIES.items():
                if isinstance(args.get(key), int) and not isinstance(args.get(key), bool):
                    slot = f"a{len(self.ids)}"
                    self.ids[slot] = (family, args[key])
                    args[key] = f"@@{slot}@@"
            e["args"] = args
        if e.get("cat") == "ac2g" and isinstance(e.get("id"), int):
            self.ids["fid"] = ("corr", e["id"])
            e["id"] = "@@fid@@"
        parts = SLOT.split(dump(e, layout, 2))
        self.text = parts[0::2]
        self.slots = parts[1::2]

    def render(self, ts_shift_us, id_shift):
        out = [self.text[0]]
        for slot, text in zip(self.slots, self.text[1:]):
            if slot == "ts":
                out.append(str(self.ts + ts_shift_us))
            else:
                family, value = self.ids[slot]
                out.append(str(value + id_shift[family]))
            out.append(text)
        return "".join(out)


def write_trace(out_path, size, seed_path=None, log=sys.stderr, layout="line"):
    """Writes `out_path` (at least `size` bytes, ending at an event boundary); returns a summary."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout {layout!r}: expected one of {', '.join(LAYOUTS)}")
    event_sep = ",\n" if layout == "line" else ",\n    "
    doc = load_seed(seed_path)
    events = doc.get("traceEvents")
    if not isinstance(events, list) or not events:
        raise SystemExit(f"{seed_path}: no traceEvents to replicate")
    def written_once(e):
        return e.get("ph") == "M" or e.get("cat") == "Trace"

    events = [e for e in events if isinstance(e, dict)]
    once = [e for e in events if written_once(e)]
    repeated = [event_template(e, layout) for e in events if not written_once(e)]
    times = [(e["ts"], e.get("dur", 0)) for e in events if not written_once(e)
             and isinstance(e.get("ts"), (D, int)) and not isinstance(e.get("ts"), bool)]
    start = min(t for t, _ in times)
    end = max(t + (d if isinstance(d, (D, int)) else 0) for t, d in times)
    # int when every timestamp is a whole number of microseconds (the A100/V100 seeds), else Decimal.
    span_us = int(D(end - start).to_integral_value(rounding=decimal.ROUND_CEILING)) + 1000
    max_id = {"ext": 0, "corr": 0, "py": 0}
    for t in repeated:
        for family, value in t.ids.values():
            max_id[family] = max(max_id[family], value)

    tmp = out_path + ".partial"
    written = 0
    replicas = 0
    count = 0
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        def put(text):
            nonlocal written
            f.write(text)
            written += len(text.encode("utf-8")) if not text.isascii() else len(text)

        put("{")
        first_key = True
        for key, value in doc.items():
            put(("" if first_key else ",") + "\n  " + json.dumps(key) + ": ")
            first_key = False
            if key != "traceEvents":
                put(dump(value, layout, 1))
                continue
            put("[")
            sep = "\n" if layout == "line" else "\n    "
            for e in once:
                put(sep + dump(e, layout, 2))
                sep = event_sep
                count += 1
            while written < size:
                shift = replicas * span_us
                id_shift = {family: replicas * (m + 1) for family, m in max_id.items()}
                for t in repeated:
                    put(sep + t.render(shift, id_shift))
                    sep = event_sep
                    count += 1
                    if written >= size:
                        break
                replicas += 1
                if replicas % 50 == 0:
                    print(f"  {written / 1e9:.2f} GB written", file=log, flush=True)
            put("\n  ]")
        put("\n}\n")
    os.replace(tmp, out_path)
    return {"bytes": written, "events": count, "replicas": replicas, "seed_events": len(events),
            "seed": seed_path or "synthetic", "layout": layout}


def main():
    ap = argparse.ArgumentParser(usage=__doc__.rsplit("Usage: ", 1)[1].strip())
    ap.add_argument("--layout", choices=LAYOUTS, default="line")
    ap.add_argument("out")
    ap.add_argument("size")
    ap.add_argument("seed", nargs="?", default=None)
    args = ap.parse_args()
    summary = write_trace(args.out, parse_size(args.size), args.seed, layout=args.layout)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()

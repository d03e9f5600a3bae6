#!/usr/bin/env python3
"""rafter analyze against Holistic Trace Analysis (HTA) on the same PyTorch profiler traces.

For each Kineto trace (default: the real traces in ../shared/fixtures/kineto), three readings of the
same kernels:
  exact   computed here from the raw events (cat "kernel", complete events): count, the sum of
          `dur`, the union of the kernel intervals per device and the union of kernels, copies and
          memsets per device (busy time), summed over devices;
  rafter  `rafter analyze`: totals.kernels, totals.kernel_time_s, devices[].kernel_busy_s and
          devices[].busy_s;
  HTA     TraceAnalysis as a user gets it (default options), and again with its nanosecond rounding
          off (HTA_DISABLE_NS_ROUNDING=1) and the last profiler step kept: the kernels of its parsed
          trace (stream != -1), their summed `dur`, and its temporal breakdown's busy time
          (kernel_time - idle_time).
rafter must equal the exact reading (count exactly, times within 1 ns per kernel; a trace whose kernels
are cuda_profiler_range counter events has placeholder times, so only its count); the script exits 1
when it does not. HTA's figures are printed beside, with what differs explained in docs/accuracy.md.
Wall time: `rafter analyze` (the whole command: parse, roofline, analysis JSON) against HTA's parse
plus its kernel and temporal breakdowns, each in its own process, the median of --repeat runs; HTA's
Python import (pandas and friends) is left out of the ratio and printed apart.

Usage: hta_cross_check.py --rafter BIN [--source DIR] [--fixtures DIR] [--repeat N] [TRACE...]
Run it with a Python that imports hta (bench/hta/hta_cross_check.sh makes one).
"""

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

# One HTA reading of one trace, in a fresh process (HTA's options are read from the environment,
# and its import and parse are part of its time). Prints one JSON object.
HTA_ONE = r"""
import json, logging, os, sys, tempfile, time
logging.disable(logging.WARNING)
path, keep_last = sys.argv[1], sys.argv[2] == "1"
start = time.perf_counter()
from hta.trace_analysis import TraceAnalysis
imported = time.perf_counter()
d = tempfile.mkdtemp()
os.symlink(os.path.abspath(path), os.path.join(d, os.path.basename(path)))
out = {}
try:
    a = TraceAnalysis(trace_dir=d, include_last_profiler_step=keep_last)
    rank = sorted(a.t.traces.keys())[0]
    df = a.t.get_trace(rank)
    names = a.t.symbol_table.sym_table
    k = df[(df["stream"] != -1) & (df["cat"].map(lambda i: names[i]) == "kernel")]
    out["kernels"] = int(len(k))
    out["kernel_time_s"] = float(k["dur"].sum()) * 1e-6
    a.get_gpu_kernel_breakdown(visualize=False)
    try:
        tb = a.get_temporal_breakdown(visualize=False)
        row = tb.iloc[0]
        out["busy_s"] = float(row["kernel_time(us)"] - row["idle_time(us)"]) * 1e-6
    except Exception as e:  # HTA's own failure: reported, not fatal
        out["busy_error"] = f"{type(e).__name__} {e}".strip()
except Exception as e:
    out["error"] = f"{type(e).__name__}: {e}"
out["import_s"] = imported - start
out["wall_s"] = time.perf_counter() - imported
print(json.dumps(out))
"""


def union_s(spans):
    """Length (s) of the union of (start_us, end_us) intervals."""
    total, cur_start, cur_end = 0.0, None, None
    for s, t in sorted(spans):
        if cur_end is None or s > cur_end:
            if cur_end is not None:
                total += cur_end - cur_start
            cur_start, cur_end = s, t
        else:
            cur_end = max(cur_end, t)
    if cur_end is not None:
        total += cur_end - cur_start
    return total * 1e-6


def exact_reading(path):
    """From the raw events: kernel count, their summed duration (s), and per device the union of the
    kernels (kernel_busy_s) and of kernels, copies and memsets (busy_s), summed over devices. A trace
    whose kernels are only cuda_profiler_range counter events has placeholder times: None."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        events = json.load(f)["traceEvents"]
    complete = [e for e in events if e.get("ph") == "X"]
    kernels = [e for e in complete if e.get("cat") == "kernel"]
    if not kernels:
        ranges = [e for e in complete if e.get("cat") == "cuda_profiler_range"]
        return {"kernels": len(ranges), "kernel_time_s": None, "kernel_busy_s": None, "busy_s": None}
    copies = [e for e in complete if e.get("cat") in ("gpu_memcpy", "gpu_memset")]

    def per_device(items):
        spans = {}
        for e in items:
            device = (e.get("args") or {}).get("device", e.get("pid"))
            spans.setdefault(device, []).append((float(e["ts"]), float(e["ts"]) + float(e["dur"])))
        return spans

    kernel_spans, all_spans = per_device(kernels), per_device(kernels + copies)
    return {"kernels": len(kernels), "kernel_time_s": sum(float(e["dur"]) for e in kernels) * 1e-6,
            "kernel_busy_s": sum(union_s(v) for v in kernel_spans.values()),
            "busy_s": sum(union_s(v) for v in all_spans.values())}


def rafter_reading(rafter, path, repeat):
    walls, doc = [], None
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "analysis.json")
        cmd = [rafter, "analyze", path, "-o", out]  # the datasheet rafter picks for the trace's device
        for _ in range(repeat):
            start = time.perf_counter()
            run = subprocess.run(cmd, capture_output=True, text=True)
            walls.append(time.perf_counter() - start)
            if run.returncode != 0:
                return {"error": run.stderr.strip().splitlines()[-1] if run.stderr.strip() else f"exit {run.returncode}"}
        with open(out) as f:
            doc = json.load(f)
    return {"kernels": doc["totals"]["kernels"], "kernel_time_s": doc["totals"]["kernel_time_s"],
            "kernel_busy_s": sum(d["kernel_busy_s"] for d in doc["devices"]),
            "busy_s": sum(d["busy_s"] for d in doc["devices"]), "wall_s": statistics.median(walls)}


def hta_reading(path, exact_mode, repeat):
    env = dict(os.environ)
    if exact_mode:
        env["HTA_DISABLE_NS_ROUNDING"] = "1"
    runs = []
    for _ in range(repeat):
        run = subprocess.run([sys.executable, "-c", HTA_ONE, path, "1" if exact_mode else "0"],
                             capture_output=True, text=True, env=env)
        lines = run.stdout.strip().splitlines()
        if run.returncode != 0 or not lines:
            return {"error": (run.stderr.strip().splitlines() or [f"exit {run.returncode}"])[-1]}
        runs.append(json.loads(lines[-1]))
    reading = runs[-1]
    reading["wall_s"] = statistics.median(r["wall_s"] for r in runs)
    reading["import_s"] = statistics.median(r["import_s"] for r in runs)
    return reading


def ms(x):
    return "-" if x is None else f"{x * 1e3:.3f}"


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rafter", required=True, help="the rafter binary")
    p.add_argument("--source", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."),
                   help="rafter's source tree (its ../shared/fixtures/kineto is the default folder of traces)")
    p.add_argument("--fixtures", default=None, help="folder of Kineto traces (default ../shared/fixtures/kineto)")
    p.add_argument("--repeat", type=int, default=3, help="runs of each tool per trace for the wall time (default 3)")
    p.add_argument("--without-hta", action="store_true",
                   help="only rafter against the exact reading (the ctest; no HTA needed)")
    p.add_argument("traces", nargs="*")
    args = p.parse_args(argv)
    if not args.without_hta:
        try:
            import hta
        except ImportError:
            print("hta_cross_check: this Python cannot import hta (pip install holistictraceanalysis; "
                  "bench/hta/hta_cross_check.sh makes a venv)", file=sys.stderr)
            return 2
    traces = args.traces
    if not traces:
        folder = args.fixtures or os.path.join(args.source, "..", "shared", "fixtures", "kineto")
        if not os.path.isdir(folder):
            print(f"hta_cross_check: {folder}: no such folder (pass --fixtures or trace files)", file=sys.stderr)
            return 2
        traces = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith((".json", ".json.gz")))

    hta_version = "not run (--without-hta)" if args.without_hta else getattr(hta, "__version__", "(version unknown)")
    print(f"HTA {hta_version}; times in ms; wall time median of {args.repeat}\n")
    print("| trace | kernels: exact / rafter / HTA / HTA exact mode | kernel time: exact / rafter / HTA / HTA exact "
          "mode | busy (kernels, copies, memsets): exact / rafter / HTA / HTA exact mode | wall s: rafter / HTA "
          "(ratio) | HTA import s |")
    print("|---|---|---|---|---|---|")
    failures, notes = [], []
    for path in traces:
        name = os.path.basename(path).split(".json")[0]
        ref = exact_reading(path)
        ours = rafter_reading(args.rafter, path, args.repeat)
        skipped = {"skipped": True}
        theirs = skipped if args.without_hta else hta_reading(path, False, args.repeat)
        theirs_exact = skipped if args.without_hta else hta_reading(path, True, 1)
        for who, r in (("rafter", ours), ("HTA", theirs), ("HTA exact mode", theirs_exact)):
            if "error" in r:
                notes.append(f"{name}: {who}: {r['error']}")
            elif "busy_error" in r:
                notes.append(f"{name}: {who} temporal breakdown: {r['busy_error']}")
        if "error" in ours:
            failures.append(f"{name}: rafter analyze failed: {ours['error']}")
        else:
            tolerance = 1e-9 * max(1, ref["kernels"])
            if ours["kernels"] != ref["kernels"]:
                failures.append(f"{name}: rafter counts {ours['kernels']} kernels, the trace holds {ref['kernels']}")
            for key in ("kernel_time_s", "kernel_busy_s", "busy_s"):
                if ref[key] is not None and abs(ours[key] - ref[key]) > tolerance:
                    failures.append(f"{name}: rafter {key} {ours[key]:.9f}, exact {ref[key]:.9f}")

        def field(r, key, fmt):
            if "skipped" in r:
                return "-"
            return "err" if "error" in r or key not in r else fmt(r[key])

        def cells(key, fmt, tools=(ours, theirs, theirs_exact)):
            if key != "kernels" and ref[key] is None:
                return "not measured (counter ranges)"
            return " / ".join([fmt(ref[key])] + [field(r, key, fmt) for r in tools])

        count = cells("kernels", str)
        ktime = cells("kernel_time_s", ms)
        busy = cells("busy_s", ms)
        if "wall_s" in ours and "wall_s" in theirs:
            wall = f"{ours['wall_s']:.3f} / {theirs['wall_s']:.3f} ({theirs['wall_s'] / ours['wall_s']:.1f}x)"
            imported = f"{theirs['import_s']:.2f}"
        else:
            wall, imported = "-", "-"
        print(f"| {name} | {count} | {ktime} | {busy} | {wall} | {imported} |")
    if notes:
        print("\nNotes:")
        for n in notes:
            print(f"- {n}")
    if failures:
        print("\nrafter disagrees with the exact reading:")
        for f in failures:
            print(f"- {f}")
        return 1
    print(f"\nrafter equals the exact reading on all {len(traces)} traces.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""rafter's Kineto ingestion next to Python's json.load, on the same generated trace, in one run.

1. Generates a Kineto trace of --size bytes (make_kineto_trace.py: the seed's events replicated
   with shifted timestamps and ids; seed ../shared/fixtures/kineto/h100_qwen1.5-0.5b_inference.json.gz
   when present, else a synthetic one), streamed to disk, and a gzip copy of it; --layout line (one
   event per line, the default) or indented (as PyTorch writes it). Both files are kept in
   --work-dir and reused while size, seed and layout stay the same (--fresh regenerates, --remove
   deletes them at the end).
2. Runs, each in its own child process: rafter's importer (rafter_ingest_bench: import_kineto, one
   thread) and `json.load` in python3, and with --hta-python PYTHON (a Python that imports hta, pip
   holistictraceanalysis) Holistic Trace Analysis's TraceAnalysis load, on the plain file, then on
   the gzip file.
3. Prints for each: MB/s of uncompressed content (10^6 bytes per second) over the wall time of the
   parse itself and over its CPU time (user + system, both timed inside the child around the
   parse), and over the whole child's CPU time (wait4, start to exit), and the child's peak RSS
   (wait4's ru_maxrss) as MB and as a fraction of the uncompressed size; then rafter's targets
   (>= 400 MB/s on one core, peak RSS <= 0.5x the file) as met or not.

The files are read warm (just written, in the page cache when memory allows): this measures
parsing, not the disk. Python's child gets an address-space limit (--python-limit-gb, default 80%
of MemAvailable); when json.load needs more it fails and the table says so instead of a number.

Usage: ingest_bench.py --bench-binary PATH [--size 2G] [--seed FILE|none] [--layout line|indented]
                       [--work-dir DIR] [--fresh] [--remove] [--no-python] [--python-limit-gb N]
                       [--hta-python PYTHON]
"""
import argparse
import datetime
import gzip
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_kineto_trace  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SEED = os.path.normpath(os.path.join(HERE, "../../../shared/fixtures/kineto/h100_qwen1.5-0.5b_inference.json.gz"))

PYTHON_LOAD = r"""
import gzip, json, sys, time
path = sys.argv[1]
cpu_start = time.process_time()
start = time.perf_counter()
with (gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")) as f:
    doc = json.load(f)
seconds = time.perf_counter() - start
cpu_seconds = time.process_time() - cpu_start
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "events": len(doc["traceEvents"])}))
"""

# Holistic Trace Analysis's load of the same file (TraceAnalysis, as its users call it: parse into
# a pandas DataFrame, align, filter), run by --hta-python. HTA reads a folder of traces.
HTA_LOAD = r"""
import json, logging, os, sys, tempfile, time
logging.disable(logging.WARNING)
from hta.trace_analysis import TraceAnalysis
path = sys.argv[1]
folder = tempfile.mkdtemp()
os.symlink(os.path.abspath(path), os.path.join(folder, os.path.basename(path)))
cpu_start = time.process_time()
start = time.perf_counter()
analysis = TraceAnalysis(trace_dir=folder, include_last_profiler_step=True)
seconds = time.perf_counter() - start
cpu_seconds = time.process_time() - cpu_start
rank = sorted(analysis.t.traces.keys())[0]
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "events": len(analysis.t.get_trace(rank))}))
"""


def mem_available_bytes():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def measure(argv, limit_bytes=None):
    """Runs argv as a child; returns dict(status, stdout, stderr, wall_s, cpu_s, peak_rss) via wait4."""
    def limit():
        if limit_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    out_path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"rafter_ingest_bench_{os.getpid()}.out")
    err_path = out_path + ".err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, preexec_fn=limit)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    with open(out_path, errors="replace") as f:
        stdout = f.read()
    with open(err_path, errors="replace") as f:
        stderr = f.read()
    os.remove(out_path)
    os.remove(err_path)
    return {"status": proc.returncode, "stdout": stdout, "stderr": stderr, "wall_s": wall,
            "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss": usage.ru_maxrss * 1024}


def ensure_trace(work_dir, size, seed, layout, fresh):
    os.makedirs(work_dir, exist_ok=True)
    plain = os.path.join(work_dir, "kineto_bench.json" if layout == "line" else f"kineto_bench_{layout}.json")
    gz = plain + ".gz"
    meta_path = plain + ".meta"
    want = {"size": size, "seed": seed or "synthetic", "layout": layout,
            "generator_mtime": os.path.getmtime(make_kineto_trace.__file__)}
    meta = None
    if not fresh and os.path.exists(meta_path) and os.path.exists(plain) and os.path.exists(gz):
        with open(meta_path) as f:
            meta = json.load(f)
        if {k: meta.get(k) for k in want} != want:
            meta = None
    if meta is None:
        free = shutil.disk_usage(work_dir).free
        if free < size * 1.5:
            sys.exit(f"ingest_bench: {work_dir} has {free / 1e9:.1f} GB free; the trace and its gzip copy need "
                     f"about {size * 1.3 / 1e9:.1f} GB")
        print(f"generating {size / 1e9:.2f} GB ({layout} layout) from {seed or 'a synthetic seed'} -> {plain}",
              flush=True)
        t0 = time.perf_counter()
        summary = make_kineto_trace.write_trace(plain, size, seed, layout=layout)
        print(f"  {summary['events']:,} events ({summary['replicas']} replicas of {summary['seed_events']:,}) in "
              f"{time.perf_counter() - t0:.0f} s; compressing (gzip -6) ...", flush=True)
        t0 = time.perf_counter()
        with open(plain, "rb") as src, gzip.open(gz + ".partial", "wb", compresslevel=6) as dst:
            shutil.copyfileobj(src, dst, 16 << 20)
        os.replace(gz + ".partial", gz)
        print(f"  {os.path.getsize(gz) / 1e6:.0f} MB gzip in {time.perf_counter() - t0:.0f} s", flush=True)
        meta = dict(want, events=summary["events"])
        with open(meta_path, "w") as f:
            json.dump(meta, f)
    return plain, gz, meta


def row(name, result, content_bytes, fail_note=None):
    if fail_note:
        return f"  {name:<28} {fail_note}"
    mb = content_bytes / 1e6
    return (f"  {name:<28} {mb / result['parse_s']:9.1f} {mb / result['cpu_seconds']:11.1f} "
            f"{mb / result['cpu_s']:10.1f} {result['peak_rss'] / 1e6:11.1f} {result['peak_rss'] / content_bytes:9.2f}x")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench-binary", required=True, help="rafter_ingest_bench (built with the bench)")
    ap.add_argument("--size", default="2G", help="trace size in bytes; K, M, G suffixes (powers of 10)")
    ap.add_argument("--seed", default=None, help="Kineto trace to replicate, or 'none' (default: the H100 fixture "
                                                  "when ../shared is present)")
    ap.add_argument("--layout", choices=make_kineto_trace.LAYOUTS, default="line",
                    help="line: one event per line (default); indented: as PyTorch writes it (json.dump(indent=2))")
    ap.add_argument("--work-dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "rafter_bench_ingest"))
    ap.add_argument("--fresh", action="store_true", help="regenerate the trace even when a matching one exists")
    ap.add_argument("--remove", action="store_true", help="delete the generated files at the end")
    ap.add_argument("--no-python", action="store_true", help="measure rafter only (no json.load, no HTA)")
    ap.add_argument("--python-limit-gb", type=float, default=None)
    ap.add_argument("--hta-python", default=None,
                    help="also time Holistic Trace Analysis's load with this Python (it must import hta)")
    args = ap.parse_args()

    size = make_kineto_trace.parse_size(args.size)
    seed = args.seed
    if seed is None:
        seed = DEFAULT_SEED if os.path.exists(DEFAULT_SEED) else None
        if seed is None:
            print(f"note: {DEFAULT_SEED} not found; replicating a synthetic seed", flush=True)
    elif seed == "none":
        seed = None
    plain, gz, meta = ensure_trace(os.path.abspath(args.work_dir), size, seed, args.layout, args.fresh)
    content = os.path.getsize(plain)
    available = mem_available_bytes()
    limit = int(args.python_limit_gb * 1e9) if args.python_limit_gb else (int(available * 0.8) if available else None)

    load = os.getloadavg()
    print()
    print(f"date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(f"machine: {cpu_model()}, {os.cpu_count()} logical CPUs, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 1e9:.1f} GB RAM, "
          f"{platform.system()} {platform.release()}, Python {platform.python_version()}")
    print(f"load average before the runs: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
          + ("  (> 1: the machine was shared with other work; numbers are pessimistic)" if load[0] > 1 else ""))
    print(f"trace: {plain}: {content / 1e6:.1f} MB uncompressed ({meta['layout']} layout), {meta['events']:,} events, "
          f"seed {meta['seed']}; gzip copy {os.path.getsize(gz) / 1e6:.1f} MB")
    print()
    print(f"  {'':<28} {'MB/s':>9} {'MB/s':>11} {'MB/s':>10} {'peak RSS':>11} {'RSS /':>10}")
    print(f"  {'(uncompressed content)':<28} {'(parse)':>9} {'(parse CPU)':>11} {'(process)':>10} {'(MB)':>11} "
          f"{'file':>10}")

    results = {}
    ok = True
    for label, path in [("plain", plain), ("gzip", gz)]:
        r = measure([args.bench_binary, path])
        name = f"rafter, {label}"
        if r["status"] != 0:
            print(row(name, None, content, f"FAILED (exit {r['status']}): {r['stderr'].strip()[:200]}"), flush=True)
            ok = False
        else:
            r.update(json.loads(r["stdout"].strip().splitlines()[-1]))
            r["parse_s"] = r["seconds"]
            results[name] = r
            print(row(name, r, content), flush=True)
        references = [] if args.no_python else [(f"python json.load, {label}", sys.executable, PYTHON_LOAD)]
        if args.hta_python and not args.no_python:
            references.append((f"HTA TraceAnalysis, {label}", args.hta_python, HTA_LOAD))
        for name, python, code in references:
            r = measure([python, "-c", code, path], limit)
            if r["status"] != 0:
                why = "MemoryError" if "MemoryError" in r["stderr"] else (r["stderr"].strip().splitlines()[-1:] or ["?"])[0]
                print(row(name, None, content, f"failed (exit {r['status']}): {why}"
                          + (f" under an address-space limit of {limit / 1e9:.1f} GB" if limit else "")), flush=True)
            else:
                r.update(json.loads(r["stdout"].strip().splitlines()[-1]))
                r["parse_s"] = r["seconds"]
                results[name] = r
                print(row(name, r, content), flush=True)

    print()
    after = os.getloadavg()
    print(f"load average after the runs: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}"
          + ("  (> 1: other work ran meanwhile; wall-time numbers are pessimistic)" if after[0] > 1 else ""))
    rp = results.get("rafter, plain")
    if rp:
        k = rp
        print(f"rafter imported {k['kernels']:,} kernels, {k['copies']:,} copies, {k['ranges']:,} ranges, "
              f"{k['ops']:,} ops ({k['skipped']:,} events skipped as oddities)")
        speed = content / 1e6 / rp["parse_s"]
        rss = rp["peak_rss"] / content
        print(f"target >= 400 MB/s on one core (plain): {speed:.0f} MB/s wall, "
              f"{content / 1e6 / rp['cpu_seconds']:.0f} MB/s per CPU-second of the import -> "
              f"{'met' if speed >= 400 else 'NOT met'} (by wall time)")
        print(f"target peak RSS <= 0.5x the file: {rss:.2f}x -> {'met' if rss <= 0.5 else 'NOT met'}")
        one_core = rp["cpu_s"] <= rp["wall_s"] * 1.05 + 0.05
        print(f"one core: child CPU time {rp['cpu_s']:.2f} s over {rp['wall_s']:.2f} s wall"
              f" -> {'single-threaded' if one_core else 'MORE than one core busy'}")
    for peer in ("python json.load", "HTA TraceAnalysis"):
        pp = results.get(f"{peer}, plain")
        if rp and pp:
            print(f"rafter vs {peer} (plain): {pp['parse_s'] / rp['parse_s']:.1f}x faster, "
                  f"{pp['peak_rss'] / rp['peak_rss']:.1f}x less memory")
    if args.remove:
        for p in (plain, gz, plain + ".meta"):
            os.remove(p)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

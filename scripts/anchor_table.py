#!/usr/bin/env python3
"""A GPU profile's ceilings against the best public measurements of peer tools (configs/gpu_anchors.json).

Usage: anchor_table.py PROFILE [--anchors FILE]

Prints a Markdown table, one row per anchor whose `gpu` pattern matches the profile's device name:
the anchor, rafter's figure, and rafter / anchor (bandwidth, compute: >= 1 beats the anchor;
latency: <= 1 is as fast or faster). A figure the profile lacks is "not measured". Exit status 0;
2 with one line on stderr when a file cannot be read or a field is wrong (nothing on stdout then).
"""
import argparse
import json
import os
import re
import sys


def fail(msg):
    print(f"anchor_table: {msg}", file=sys.stderr)
    sys.exit(2)


def load(path, what):
    try:
        with open(path) as f:
            return json.load(f)
    except OSError as e:
        fail(f"{path}: cannot read the {what}: {e.strerror}")
    except json.JSONDecodeError as e:
        fail(f"{path}: not JSON ({e.msg} at line {e.lineno})")


def check_anchors(doc, path):
    if doc.get("schema") != "rafter.gpu_anchors/1":
        fail(f"{path}: schema: expected \"rafter.gpu_anchors/1\", got {json.dumps(doc.get('schema'))}")
    anchors = doc.get("anchors")
    if not isinstance(anchors, list):
        fail(f"{path}: anchors: expected an array")
    for i, a in enumerate(anchors):
        for key in ("gpu", "figure", "tool", "source"):
            if not isinstance(a.get(key), str) or not a[key]:
                fail(f"{path}: anchors[{i}].{key}: expected a non-empty string")
        if not isinstance(a.get("value"), (int, float)) or isinstance(a.get("value"), bool) or a["value"] <= 0:
            fail(f"{path}: anchors[{i}].value: expected a positive number")
        if not re.fullmatch(r"(memory\.[a-z0-9_.+-]+\.(read|write|copy|triad|latency_cycles)|compute\.[a-z0-9_.]+|link\.[a-z0-9_.]+)",
                            a["figure"]):
            fail(f"{path}: anchors[{i}].figure: \"{a['figure']}\" is not memory.<level>.<read|write|copy|triad|latency_cycles>, "
                 "compute.<id> or link.<id>")
        try:
            re.compile(a["gpu"])
        except re.error as e:
            fail(f"{path}: anchors[{i}].gpu: not a regular expression ({e})")
    return anchors


def figure(profile, selector):
    """(value, unit) of the profile's figure `selector`, or (None, unit)."""
    kind, rest = selector.split(".", 1)
    if kind == "compute":
        c = next((c for c in profile.get("compute", []) if c.get("id") == rest), None)
        return (c.get("flop_per_s") if c else None), "FLOP/s"
    if kind == "link":
        l = next((l for l in profile.get("links", []) if l.get("id") == rest), None)
        return (l.get("bytes_per_s") if l else None), "B/s"
    level, quantity = rest.rsplit(".", 1)
    m = next((m for m in profile.get("memory", []) if m.get("level") == level), None)
    if quantity == "latency_cycles":
        return (m.get("latency_cycles") if m else None), "cycles"
    return (m.get(f"{quantity}_bytes_per_s") if m else None), "B/s"


def si(v, unit):
    if unit == "cycles":
        return f"{v:.0f} cycles"
    for f, pfx in ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M")):
        if abs(v) >= f:
            return f"{v / f:.4g} {pfx}{unit}"
    return f"{v:.4g} {unit}"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("profile")
    ap.add_argument("--anchors", default=os.path.join(here, "..", "configs", "gpu_anchors.json"))
    args = ap.parse_args()
    profile = load(args.profile, "profile")
    if not str(profile.get("schema", "")).startswith("rafter.machine/"):
        fail(f"{args.profile}: schema: expected \"rafter.machine/1\", got {json.dumps(profile.get('schema'))}")
    name = profile.get("device", {}).get("name")
    if not isinstance(name, str):
        fail(f"{args.profile}: device.name: expected a string")
    anchors = check_anchors(load(args.anchors, "anchors"), args.anchors)
    rows = [a for a in anchors if re.search(a["gpu"], name, re.IGNORECASE)]
    out = [f"## Against published anchors ({os.path.basename(args.anchors)})", ""]
    if not rows:
        out.append(f"No anchor matches \"{name}\".")
        print("\n".join(out))
        return
    out.append("rafter / anchor: bandwidth and compute >= 1 beat the anchor; latency <= 1 is as fast or faster. "
               "Latency anchors are in SM cycles at the clock their source ran.")
    out.append("")
    out.append("| figure | rafter | anchor | rafter / anchor | anchor from | note |")
    out.append("|---|---|---|---|---|---|")
    for a in rows:
        value, unit = figure(profile, a["figure"])
        ratio = f"{value / a['value']:.3f}" if value else "not measured"
        note = a.get("note", "") + (" (secondary source)" if a.get("secondary") else "")
        out.append(f"| {a['figure']} | {si(value, unit) if value else '-'} | {si(a['value'], unit)} | {ratio} | "
                   f"{a['tool']}: {a['source']} | {note.strip()} |")
    print("\n".join(out))


if __name__ == "__main__":
    main()

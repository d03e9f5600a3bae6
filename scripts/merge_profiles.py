#!/usr/bin/env python3
"""Merges rafter.machine/1 profiles of one device, measured suite by suite, into one profile.

Usage: merge_profiles.py -o OUT PROFILE [PROFILE ...]

scripts/gpu-validate.sh runs each sweep suite in its own process (a hang or a crash costs only
that suite) and merges their profiles here. Every figure comes from exactly one input; nothing is
computed. Rules:
- device and generator: the first profile's; a device field the first lacks (the compute suite's
  measured clock) comes from the first profile that has it, except the environment's readings
  taken after the sweep (keys ending in "_after": NVML clocks, power, temperature, throttle
  reasons), which come as one set from the last profile that has any; generator.command lists every command.
- compute, links, curves: concatenated; an id measured twice is an error.
- memory: one entry per level; a figure two profiles both give is an error; method and note are
  joined with "; ", the samples maps are united.
- warnings: concatenated, in input order, each exact text once (every suite warns that NVML is
  unavailable).
Bad input (unreadable JSON, another schema, another device, a figure twice) prints one line naming
the file and the field and exits 2 with nothing written. OUT is written atomically.
"""
import argparse
import json
import os
import sys
import tempfile

SCHEMA = "rafter.machine/1"
MEMORY_FIGURES = ("read_bytes_per_s", "write_bytes_per_s", "copy_bytes_per_s", "triad_bytes_per_s", "latency_s",
                  "latency_cycles")


class BadInput(Exception):
    pass


def load(path):
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise BadInput(f"{path}: not readable JSON ({e})")
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise BadInput(f"{path}: schema: expected \"{SCHEMA}\", got {json.dumps(doc.get('schema') if isinstance(doc, dict) else None)}")
    if not isinstance(doc.get("device"), dict) or "name" not in doc["device"]:
        raise BadInput(f"{path}: device.name: missing")
    for key in ("compute", "memory", "links", "curves", "warnings"):
        if not isinstance(doc.get(key, []), list):
            raise BadInput(f"{path}: {key}: expected an array")
    return doc


def fill_missing(into, other):
    """Adds to `into` the keys of `other` it lacks, recursively into objects present in both."""
    for key, value in other.items():
        if key not in into:
            into[key] = value
        elif isinstance(into[key], dict) and isinstance(value, dict):
            fill_missing(into[key], value)


def after_readings(doc):
    """The environment's readings taken after the sweep (keys ending in "_after")."""
    environment = doc["device"].get("environment")
    return {k: v for k, v in environment.items() if k.endswith("_after")} if isinstance(environment, dict) else {}


def join(a, b):
    return "; ".join(x for x in (a, b) if x)


def merge(paths):
    docs = [(p, load(p)) for p in paths]
    first_path, first = docs[0]
    out = {"schema": SCHEMA, "generator": dict(first.get("generator", {})), "device": json.loads(json.dumps(first["device"]))}
    commands = []
    for path, doc in docs:
        if doc["device"]["name"] != first["device"]["name"]:
            raise BadInput(f"{path}: device.name: \"{doc['device']['name']}\", but {first_path} measured "
                           f"\"{first['device']['name']}\"")
        fill_missing(out["device"], doc["device"])
        command = doc.get("generator", {}).get("command")
        if command:
            commands.append(command)
    if commands:
        out["generator"]["command"] = " && ".join(commands)
    # Readings after the sweep: the whole set of the last suite that took any (never a mix of two).
    after = next((r for r in map(after_readings, reversed([doc for _, doc in docs])) if r), {})
    if after:
        kept = {k: v for k, v in out["device"].get("environment", {}).items() if not k.endswith("_after")}
        out["device"]["environment"] = kept | after

    for key in ("compute", "links", "curves"):
        merged, seen = [], {}
        for path, doc in docs:
            for entry in doc.get(key, []):
                ident = entry.get("id")
                if ident in seen:
                    raise BadInput(f"{path}: {key}[id={ident}]: also measured in {seen[ident]}")
                seen[ident] = path
                merged.append(entry)
        out[key] = merged

    levels, order, origin = {}, [], {}
    for path, doc in docs:
        for entry in doc.get("memory", []):
            level = entry.get("level")
            if level not in levels:
                levels[level] = dict(entry)
                order.append(level)
                origin[level] = {f: path for f in MEMORY_FIGURES if f in entry}
                continue
            m = levels[level]
            for field in MEMORY_FIGURES:
                if field in entry:
                    if field in m:
                        raise BadInput(f"{path}: memory[level={level}].{field}: also measured in {origin[level][field]}")
                    m[field] = entry[field]
                    origin[level][field] = path
            m["method"] = join(m.get("method", ""), entry.get("method", ""))
            m["note"] = join(m.get("note", ""), entry.get("note", ""))
            if not m["note"]:
                del m["note"]
            samples = dict(m.get("samples", {}))
            samples.update(entry.get("samples", {}))
            if samples:
                m["samples"] = samples
            for field, value in entry.items():
                m.setdefault(field, value)
    out["memory"] = [levels[level] for level in order]
    out["warnings"] = list(dict.fromkeys(w for _, doc in docs for w in doc.get("warnings", [])))
    return out


def main():
    parser = argparse.ArgumentParser(description="Merge rafter.machine/1 profiles of one device, suite by suite.")
    parser.add_argument("-o", "--output", required=True, help="the merged profile (written atomically)")
    parser.add_argument("profiles", nargs="+")
    args = parser.parse_args()
    try:
        merged = merge(args.profiles)
    except BadInput as e:
        print(f"merge_profiles: {e}", file=sys.stderr)
        return 2
    directory = os.path.dirname(os.path.abspath(args.output))
    fd, tmp = tempfile.mkstemp(prefix=".merge-", dir=directory)
    with os.fdopen(fd, "w") as f:
        json.dump(merged, f, indent=1)
        f.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, args.output)
    print(f"merge_profiles: {len(args.profiles)} profiles -> {args.output} ({len(merged['compute'])} compute, "
          f"{len(merged['memory'])} memory levels, {len(merged['links'])} links, {len(merged['curves'])} curves)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

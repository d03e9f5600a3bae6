#!/usr/bin/env python3
"""Checks the SASS of rafter's GPU ceiling kernels (the output of `cuobjdump -sass`).

Usage: sass_check.py SASS_TEXT_FILE
Prints one line per check ("ok: ..." or "FAIL: ...") and exits 1 when any check failed.
"""
import re
import sys
from collections import defaultdict

INSTR = re.compile(r"^\s*/\*([0-9a-f]{4,})\*/\s+(@!?U?P[T0-9]+\s+)?([A-Z][A-Za-z0-9_.]*)(.*?);")
BRANCH_TARGET = re.compile(r"\b0x([0-9a-f]+)\b")

CORE = {  # kernel: regex of the instruction it must be bound by
    "rafter_fp64_fma_kernel": r"^DFMA\b",
    "rafter_fp32_fma_kernel": r"^FFMA\b",
    "rafter_fp16x2_fma_kernel": r"^HFMA2(\.MMA)?$",
    "rafter_bf16x2_fma_kernel": r"^HFMA2(\.MMA)?\.BF16",
    "rafter_int32_imad_kernel": r"^IMAD$",
}
MMA = {
    "rafter_mma_fp16_kernel": r"^HMMA\.16816\.F32$",
    "rafter_mma_bf16_kernel": r"^HMMA\.16816\.F32\.BF16$",
    "rafter_mma_tf32_kernel": r"^HMMA\.1688\.F32\.TF32$",
    "rafter_mma_int8_kernel": r"^IMMA\.16832\.S8\.S8$",
}
WGMMA = {
    "rafter_wgmma_bf16_kernel": r"^HGMMA\.64x256x16\.F32\.BF16$",
    "rafter_wgmma_fp16_kernel": r"^HGMMA\.64x256x16\.F32$",
    "rafter_wgmma_fp8_kernel": r"^QGMMA\.64x256x32\.F32\.E4M3\.E4M3$",
}
TCGEN05 = {  # single-thread tcgen05.mma with D in tensor memory: UTCHMMA (kind::f16, kind::tf32), UTCQMMA (f8f6f4),
    # UTCOMMA.4X (mxf4nvf4 with one scale per 16 values)
    "rafter_tcgen05_bf16_kernel": r"^UTCHMMA$",
    "rafter_tcgen05_fp16_kernel": r"^UTCHMMA$",
    "rafter_tcgen05_tf32_kernel": r"^UTCHMMA$",
    "rafter_tcgen05_fp8_kernel": r"^UTCQMMA$",
    "rafter_tcgen05_fp4_kernel": r"^UTCOMMA\.4X$",
    "rafter_tcgen05_int8_kernel": r"^UTCIMMA$",  # kind::i8, built for sm_100a and sm_110a only
}
TCGEN05_ARCH_SPECIFIC = {"rafter_tcgen05_int8_kernel"}
MMA_FP4 = {  # block-scaled mma.sync (NVFP4, kind::mxf4nvf4), built for sm_120f only
    "rafter_mma_fp4_kernel": r"^OMMA\.SF\.16864\.F32\.E2M1\.E2M1\.UE4M3\.4X$",
}
LOADS_128 = ["rafter_stream_read_kernel", "rafter_l2_read_kernel", "rafter_stream_copy_kernel",
             "rafter_stream_triad_kernel", "rafter_link_copy_kernel"]
STORES_128 = ["rafter_stream_write_kernel", "rafter_stream_copy_kernel", "rafter_stream_triad_kernel",
              "rafter_link_copy_kernel"]
# Kernels whose time is a ceiling: no local memory (spills) allowed.
CEILINGS = list(CORE) + list(MMA) + ["rafter_mma_fp8_kernel"] + list(MMA_FP4) + list(WGMMA) + list(TCGEN05) + LOADS_128 + STORES_128 + [
    "rafter_smem_read_kernel", "rafter_chase_kernel"]


def parse(path):
    """{arch: {function: [(address, opcode, text)]}}"""
    kernels = defaultdict(dict)
    arch = None
    function = None
    with open(path, errors="replace") as f:
        for line in f:
            m = re.match(r"\s*arch = (sm_\w+)", line)
            if m:
                arch = m.group(1)
                continue
            m = re.match(r"\s*Function : (\S+)", line)
            if m:
                function = m.group(1)
                kernels[arch][function] = []
                continue
            m = INSTR.match(line)
            if m and function is not None:
                kernels[arch][function].append((int(m.group(1), 16), m.group(3), m.group(4)))
    return kernels


def loop_body(instructions):
    """Instructions of the largest backward-branch loop (target <= address < branch)."""
    best = []
    for address, op, rest in instructions:
        if not (op == "BRA" or op.startswith("BRA.")):
            continue
        t = BRANCH_TARGET.search(rest)
        if not t:
            continue
        target = int(t.group(1), 16)
        if target >= address:
            continue
        body = [i for i in instructions if target <= i[0] <= address]
        if len(body) > len(best):
            best = body
    return best


def label(pattern):
    """The instruction a pattern names, for messages: ^HMMA\\.16816\\.F32$ -> HMMA.16816.F32."""
    return pattern.replace("\\b", "").replace("\\.", ".").replace("(.MMA)?", "[.MMA]").strip("^$")


def main():
    kernels = parse(sys.argv[1])
    failures = 0

    def check(ok, what):
        nonlocal failures
        print(("ok: " if ok else "FAIL: ") + what)
        failures += 0 if ok else 1

    archs = sorted(a for a in kernels if a)
    check(bool(archs), "the binary holds GPU code (" + ", ".join(archs) + ")")
    check(any(a.startswith("sm_90a") for a in archs), "the wgmma kernels are built for sm_90a")
    for family in ("sm_100f", "sm_110f"):
        check(any(a.startswith(family) and set(TCGEN05) - TCGEN05_ARCH_SPECIFIC <= set(kernels[a]) for a in archs),
              f"the tcgen05 kernels are built for {family}")
    for specific in ("sm_100a", "sm_110a"):
        check(any(a.startswith(specific) and TCGEN05_ARCH_SPECIFIC <= set(kernels[a]) for a in archs),
              f"the tcgen05 kind::i8 kernel is built for {specific}")
    check(any(a.startswith("sm_120f") and set(MMA_FP4) <= set(kernels[a]) for a in archs),
          "the block-scaled fp4 mma.sync kernel is built for sm_120f")
    for arch in archs:
        fns = kernels[arch]
        number = int(re.match(r"sm_(\d+)", arch).group(1))
        arch_specific_only = set(fns) <= set(WGMMA) | set(TCGEN05) | set(MMA_FP4)
        if not arch_specific_only:
            for name in list(CORE) + list(MMA) + LOADS_128 + ["rafter_stream_write_kernel", "rafter_smem_read_kernel",
                                                             "rafter_chase_kernel", "rafter_mma_fp8_kernel"]:
                check(name in fns, f"{arch}: {name} is present")
        for name, pattern in CORE.items():
            if name not in fns:
                continue
            body = loop_body(fns[name])
            work = [i for i in body if not i[1].startswith("NOP")]
            bound = [i for i in work if re.match(pattern, i[1])]
            share = len(bound) / len(work) if work else 0.0
            # Hopper issues one warp instruction per scheduler per clock: FFMA and HFMA2 reach their
            # peak only when loop overhead takes under 2% of the slots.
            check(len(bound) >= 128 and share >= 0.98,
                  f"{arch}: {name} main loop is {label(pattern)}-bound ({len(bound)} of {len(work)} instructions, {share:.1%})")
        if "rafter_chase_kernel" in fns:
            # One 64-bit load per hop (the next line's address) and nothing between two hops: an
            # index would put an IMAD.WIDE into every hop's latency.
            body = [i[1] for i in loop_body(fns["rafter_chase_kernel"]) if not i[1].startswith("NOP")]
            loads = [o for o in body if o.startswith("LDG")]
            runs, run = [], 0
            for o in body:
                run = run + 1 if o.startswith("LDG") else 0
                runs.append(run)
            check(len(loads) >= 8 and all(re.match(r"^LDG\.E\.64$", o) for o in loads) and max(runs, default=0) >= 6,
                  f"{arch}: rafter_chase_kernel main loop chases 64-bit addresses back to back "
                  f"({len(loads)} LDG.E.64 of {len(body)} instructions, longest run {max(runs, default=0)})")
        for name, pattern in MMA.items():
            if name not in fns:
                continue
            n = sum(1 for i in fns[name] if re.match(pattern, i[1]))
            in_loop = sum(1 for i in loop_body(fns[name]) if re.match(pattern, i[1]))
            check(in_loop >= 8, f"{arch}: {name} main loop issues {label(pattern)} ({in_loop} in the loop, {n} in the kernel)")
        if "rafter_mma_fp8_kernel" in fns:
            ops = [i[1] for i in fns["rafter_mma_fp8_kernel"]]
            qmma = sum(1 for o in ops if o.startswith("QMMA.16832.F32.E4M3.E4M3"))
            hmma = sum(1 for o in ops if o.startswith("HMMA"))
            if number < 89:
                check(qmma == 0 and hmma == 0 and any(o.startswith("BPT.TRAP") for o in ops),
                      f"{arch}: rafter_mma_fp8_kernel only traps (fp8 mma needs sm_89+)")
            elif number in (89, 120) or number // 10 == 12:
                check(qmma >= 8, f"{arch}: rafter_mma_fp8_kernel issues native QMMA.16832.F32.E4M3.E4M3 ({qmma})")
            else:
                # sm_90 and sm_100: ptxas lowers mma.sync e4m3 to fp16 HMMA plus F2FP conversions.
                f2fp = sum(1 for o in ops if o.startswith("F2FP"))
                print(f"info: {arch}: rafter_mma_fp8_kernel is emulated: {hmma} HMMA, {f2fp} F2FP, {qmma} QMMA")
                check(hmma > 0, f"{arch}: rafter_mma_fp8_kernel reaches the tensor cores (HMMA after conversion)")
        for name, pattern in MMA_FP4.items():
            if name not in fns:
                continue
            ops = [i[1] for i in fns[name]]
            in_loop = sum(1 for i in loop_body(fns[name]) if re.match(pattern, i[1]))
            check(in_loop >= 8, f"{arch}: {name} main loop issues {label(pattern)} ({in_loop} in the loop, "
                  f"{sum(1 for o in ops if re.match(pattern, o))} in the kernel)")
            check(not any(re.match(r"^[A-Z]MMA", o) and not re.match(pattern, o) for o in ops),
                  f"{arch}: {name} issues no other tensor-core MMA")
        for name, pattern in WGMMA.items():
            if name not in fns:
                continue
            n = sum(1 for i in fns[name] if re.match(pattern, i[1]))
            body = [i[1] for i in loop_body(fns[name])]
            # The loop's wgmma issue back to back: a warpgroup arrive or wait between two of them
            # would serialize the group (its longest run between such fences holds them all).
            runs, run = [], 0
            for o in body:
                if o.startswith("WARPGROUP."):
                    runs.append(run)
                    run = 0
                elif re.match(pattern, o):
                    run += 1
            runs.append(run)
            check(max(runs) >= 8, f"{arch}: {name} main loop issues {label(pattern)} in groups of {max(runs)} between "
                  f"warpgroup fences ({sum(runs)} in the loop, {n} in the kernel)")
        for name, pattern in TCGEN05.items():
            if name not in fns:
                continue
            ops = [i[1] for i in fns[name]]
            body = [i[1] for i in loop_body(fns[name])]
            in_loop = sum(1 for o in body if re.match(pattern, o))
            check(in_loop >= 8, f"{arch}: {name} main loop issues {label(pattern)} ({in_loop} in the loop, "
                  f"{sum(1 for o in ops if re.match(pattern, o))} in the kernel)")
            check(not any(re.match(r"^U?TC[A-Z]*MMA", o) and not re.match(pattern, o) for o in ops),
                  f"{arch}: {name} issues no other tensor-core MMA")
            check(any(o.startswith("STTM") for o in ops) and any(o.startswith("LDTM") for o in ops)
                  and any(o.startswith("UTCBAR") for o in ops),
                  f"{arch}: {name} keeps D in tensor memory (STTM, LDTM) and commits to an mbarrier (UTCBAR)")
        for name in LOADS_128:
            if name not in fns:
                continue
            ldg = [i[1] for i in fns[name] if i[1].startswith("LDG")]
            wide = [o for o in ldg if re.search(r"\.128\b", o)]
            check(bool(ldg) and len(wide) == len(ldg),
                  f"{arch}: {name} loads with 128-bit LDG only ({len(wide)} of {len(ldg)}: {sorted(set(ldg))})")
        for name in STORES_128:
            if name not in fns:
                continue
            stg = [i[1] for i in fns[name] if i[1].startswith("STG")]
            wide = [o for o in stg if re.search(r"\.128\b", o)]
            check(bool(stg) and len(wide) == len(stg),
                  f"{arch}: {name} stores with 128-bit STG only ({len(wide)} of {len(stg)})")
        if "rafter_smem_read_kernel" in fns:
            lds = [i[1] for i in fns["rafter_smem_read_kernel"] if i[1].startswith("LDS")]
            check(bool(lds) and all(re.search(r"\.128\b", o) for o in lds),
                  f"{arch}: rafter_smem_read_kernel reads shared memory with LDS.128 only ({len(lds)})")
        for name in CEILINGS:
            if name not in fns:
                continue
            local = [i[1] for i in fns[name] if re.match(r"^(LDL|STL)\b", i[1])]
            check(not local, f"{arch}: {name} uses no local memory (no LDL/STL spills)")
    print(f"sass_check: {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

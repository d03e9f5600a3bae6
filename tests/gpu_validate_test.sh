#!/usr/bin/env bash
# scripts/gpu-validate.sh rehearsed without a GPU, on a stub bundle whose bin/rafter fakes the GPU
# commands (devices, sweep) and hands `report` to the real rafter: the script's own logic, which
# otherwise first runs on a lent GPU machine.
# - No GPU: exit 3, and the archive holds this run's log only (not the results an earlier run left
#   in --out).
# - One suite failing without a profile: the others are merged and reported, the failed suite is
#   listed FAILED (exit 1), an earlier run's profile of that suite is not merged in, the archive's
#   top folder is the GPU's slug, a test's skip reason is listed, stale results are gone; a suite
#   that stopped partway (exit 3, its profile written) is merged and listed FAILED.
# - A full run runs the workload's numerics test and the collector's GPU test once each, and holds
#   the PCIe bar to the link NVML negotiated.
# - --llm-only into the same --out keeps the profile it analyzes against, drops old LLM results,
#   and runs the workload's numerics test once, before its trace; it traces the PyTorch example with
#   the Python that imports torch ($RAFTER_PYTHON), and lists it as skipped, with the reason, where
#   that Python cannot, or where the collector cannot load into it.
# Usage: gpu_validate_test.sh RAFTER_BINARY SOURCE_DIR
set -u
rafter=${1:?usage: gpu_validate_test.sh RAFTER_BINARY SOURCE_DIR}
src=${2:?usage: gpu_validate_test.sh RAFTER_BINARY SOURCE_DIR}
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
rafter=$(cd "$(dirname "$rafter")" && pwd)/$(basename "$rafter")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# The stub bundle: the real scripts and configs, stub binaries.
b="$tmp/gpu-bundle"
mkdir -p "$b/bin" "$b/lib" "$b/tests" "$b/bench" "$b/scripts" "$b/examples" "$b/configs/models" "$tmp/path"
cp "$src/scripts/gpu-validate.sh" "$src/scripts/merge_profiles.py" "$src/scripts/anchor_table.py" "$b/scripts/"
cp -r "$src/configs/hardware" "$b/configs/"
cp "$src/configs/collector_metrics.json" "$src/configs/gpu_anchors.json" "$src/configs/device_datasheets.json" "$b/configs/"
cp "$src/configs/models/qwen1.5-0.5b.json" "$b/configs/models/"
cp "$src/examples/pytorch_decode.py" "$b/examples/"
printf 'source: rehearsal\nbuilt: now\nglibc_needed: 2.17\nexternal_libs: \n' >"$b/BUNDLE_INFO"
: >"$b/bin/rafter-llm"
: >"$b/lib/librafter_inject.so"
: >"$b/tests/sass_check.py"
: >"$b/bench/collector_overhead.sh"
printf '#!/bin/sh\necho "sass: stub"\n' >"$b/tests/sass_test.sh"
cat >"$b/tests/p2p_bench_test" <<'EOF'
#!/bin/sh
echo "[ RUN      ] p2p_bench.copies_between_two_gpus"
echo "tests/p2p_bench_test.cpp:20: Skipped"
echo "needs two GPUs; this machine has 1"
echo "[  SKIPPED ] p2p_bench.copies_between_two_gpus (0 ms)"
EOF
printf '#!/bin/sh\necho "[  PASSED  ] 5 tests."\n' >"$b/tests/llm_gpu_model_test"
# The collector's test needs the bundle's libnvperf (libcupti dlopens it by name): it fails without.
printf '#!/bin/sh\ncase "$LD_LIBRARY_PATH" in "%s/lib"*) echo "[  PASSED  ] 1 test." ;; *) echo "libnvperf_host.so: not found (stub)"; exit 1 ;; esac\n' \
  "$b" >"$b/tests/collection_session_gpu_test"
cat >"$b/bin/rafter" <<EOF
#!/usr/bin/env bash
# Stub: devices and sweep fake a GPU (STUB_NO_GPU=1: none; STUB_FAIL_SUITE: that suite fails).
case "\$1" in
  devices)
    [ -z "\${STUB_NO_GPU:-}" ] || { echo "rafter: error: no GPU can be used: stub without a GPU" >&2; exit 3; }
    echo "cuda 0: NVIDIA H100 80GB HBM3 (stub)"; exit 0 ;;
  sweep)
    suite="" out=""
    while [ \$# -gt 0 ]; do
      case "\$1" in --suite) suite=\$2; shift 2 ;; -o) out=\$2; shift 2 ;; *) shift ;; esac
    done
    [ "\$suite" != "\${STUB_FAIL_SUITE:-}" ] || { echo "rafter: error: cudaErrorIllegalInstruction (stub)" >&2; exit 3; }
    python3 "$tmp/part.py" "\$suite" "\$out" || exit 1
    # A stop partway: the profile of what was measured is written, then the error's exit code.
    [ "\$suite" != "\${STUB_STOP_SUITE:-}" ] || { echo "rafter: error: the sweep stopped in compute (wgmma) (stub)" >&2; exit 3; }
    exit 0 ;;
  report) exec "$rafter" "\$@" ;;
  trace) echo "\$*" >>"$tmp/trace.args"; exit 0 ;;
  *) echo "stub rafter: \$1 not faked" >&2; exit 1 ;;
esac
EOF
# A suite's profile, cut from the H100 datasheet profile as that suite's sweep would write it.
cat >"$tmp/part.py" <<EOF
import copy, json, sys
full = json.load(open("$src/configs/hardware/h100_sxm5.json"))
suite, out = sys.argv[1], sys.argv[2]
p = {"schema": full["schema"], "generator": dict(full["generator"], command="rafter sweep --suite " + suite),
     "device": copy.deepcopy(full["device"]), "compute": [], "memory": [], "links": [], "curves": [], "warnings": []}
p["device"]["name"] = "NVIDIA H100 80GB HBM3"
if suite == "compute": p["compute"] = full["compute"]
if suite == "memory": p["memory"] = [m for m in full["memory"] if "read_bytes_per_s" in m][:1]
if suite == "interconnect":
    # The sweep's pinned copy, on a card NVML reports in a Gen4 slot: 26 GB/s of Gen4 x16's 31.5 GB/s.
    p["links"] = full["links"] + [{"id": "h2d_pinned", "bytes_per_s": 26e9}]
    p["device"].setdefault("environment", {})["pcie_link"] = "Gen4 x16 (max Gen5 x16)"
json.dump(p, open(out, "w"))
EOF
cat >"$tmp/path/nvidia-smi" <<'EOF'
#!/bin/sh
[ -z "${STUB_NO_GPU:-}" ] || { echo "NVIDIA-SMI has failed (stub)"; exit 9; }
case "$*" in *--query-gpu=name\ *|*--query-gpu=name) echo "NVIDIA H100 80GB HBM3" ;; *) echo "stub nvidia-smi" ;; esac
EOF
# Pythons that can and cannot import torch (only the import check runs them).
printf '#!/bin/sh\necho "torch 9.9 (stub), no transformers: the plain-PyTorch Llama"\n' >"$tmp/path/torch-python"
printf '#!/bin/sh\necho "ModuleNotFoundError: No module named torch" >&2\nexit 1\n' >"$tmp/path/bare-python"
# ... and one that imports torch but cannot load the collector (called with the library's path).
printf '#!/bin/sh\nif [ $# -ge 3 ]; then echo "OSError: version GLIBC_2.36 not found (stub)" >&2; exit 1; fi\necho "torch 9.9 (stub)"\n' \
  >"$tmp/path/old-glibc-python"
chmod +x "$tmp/path/torch-python" "$tmp/path/bare-python" "$tmp/path/old-glibc-python"
chmod +x "$b/bin/rafter" "$b/tests/sass_test.sh" "$b/tests/p2p_bench_test" "$b/tests/llm_gpu_model_test" \
  "$b/tests/collection_session_gpu_test" "$tmp/path/nvidia-smi"
[ -n "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("links", []))' "$src/configs/hardware/h100_sxm5.json")" ] ||
  { echo "FAIL: configs/hardware/h100_sxm5.json has no links to tell the interconnect suite by"; fail=1; }
export PATH="$tmp/path:$PATH"

# 1. No GPU: exit 3; the archive holds this run's log, not an earlier run's results.
out="$tmp/nogpu/validation"
mkdir -p "$out"
echo '{"stale": true}' >"$out/profile.json"
STUB_NO_GPU=1 bash "$b/scripts/gpu-validate.sh" --out "$out" --archive "$tmp/nogpu/a.tar.gz" --no-llm --no-sanitizer \
  >"$tmp/nogpu.out" 2>&1
rc=$?
[ "$rc" -eq 3 ] || { echo "FAIL: no GPU: exit $rc, expected 3"; cat "$tmp/nogpu.out"; fail=1; }
listing=$(tar tzf "$tmp/nogpu/a.tar.gz" 2>/dev/null | sort | tr '\n' ' ')
[ "$listing" = "validation/log.txt " ] || { echo "FAIL: no GPU: the archive holds '$listing', expected validation/log.txt only"; fail=1; }
grep -q 'no GPU can be used here: stub without a GPU' "$tmp/nogpu.out" ||
  { echo "FAIL: no GPU: the reason is not printed"; cat "$tmp/nogpu.out"; fail=1; }

# 2. The interconnect suite fails; an earlier run left its profile and a ceiling table in --out.
out="$tmp/run/validation"
mkdir -p "$out"
python3 "$tmp/part.py" interconnect "$out/profile.interconnect.json"
echo "stale ceilings" >"$out/ceilings.md"
STUB_FAIL_SUITE=interconnect STUB_STOP_SUITE=compute bash "$b/scripts/gpu-validate.sh" --out "$out" --archive "$tmp/run/a.tar.gz" --no-llm \
  --no-sanitizer >"$tmp/run.out" 2>&1
rc=$?
[ "$rc" -eq 1 ] || { echo "FAIL: a failed suite: exit $rc, expected 1"; fail=1; }
summary=$(cat "$out/summary.md" 2>/dev/null)
for want in "FAILED  sweep --suite interconnect --preset quick (exit 3" "ok      sweep --suite memory" \
            "ok      sweep --suite latency" "FAILED  sweep --suite compute --preset quick (exit 3" "ok      report" "ok      sass checks" \
            "ok      test p2p_bench_test" "skipped: needs two GPUs; this machine has 1" "ok      test collection_session_gpu_test"; do
  [[ $summary == *"$want"* ]] || { echo "FAIL: the summary lacks '$want'"; fail=1; }
done
[[ $summary != *"ceiling table"* && $summary != *"anchor table"* ]] || { echo "FAIL: the ceiling or anchor table failed"; fail=1; }
python3 - "$out/profile.json" <<'PY' || fail=1
import json, sys
p = json.load(open(sys.argv[1]))
problems = []
if p["links"]:
    problems.append(f"the failed suite's stale profile was merged: {len(p['links'])} links")
if not p["compute"] or not p["memory"]:
    problems.append("the compute suite (stopped, its profile written) or the memory suite is missing from the merged profile")
if p["generator"]["command"].count("rafter sweep --suite") != 3:
    problems.append(f"expected the three suites that ran, got {p['generator']['command']!r}")
for x in problems:
    print("FAIL:", x)
sys.exit(1 if problems else 0)
PY
[ ! -e "$out/profile.interconnect.json" ] || { echo "FAIL: the earlier run's profile.interconnect.json is still there"; fail=1; }
[ -s "$out/profile.html" ] || { echo "FAIL: no profile.html"; fail=1; }
! grep -q "stale ceilings" "$out/ceilings.md" 2>/dev/null || { echo "FAIL: ceilings.md is the earlier run's"; fail=1; }
[ -s "$out/ceilings.md" ] || { echo "FAIL: no ceilings.md"; fail=1; }
# The datasheet the table compares with is the one configs/device_datasheets.json picks.
grep -q 'datasheet: `h100_sxm5.json`' "$out/ceilings.md" || { echo "FAIL: ceilings.md does not compare with h100_sxm5.json"; fail=1; }
tops=$(tar tzf "$tmp/run/a.tar.gz" 2>/dev/null | cut -d/ -f1 | sort -u | tr '\n' ' ')
[ "$tops" = "nvidia-h100-80gb-hbm3 " ] || { echo "FAIL: the archive's top folders are '$tops', expected the GPU's slug"; fail=1; }
tar tzf "$tmp/run/a.tar.gz" 2>/dev/null | grep -qx 'nvidia-h100-80gb-hbm3/profile.json' ||
  { echo "FAIL: the archive lacks profile.json"; fail=1; }

# 3. --llm-only into the same --out: the profile it analyzes against stays, an earlier LLM result goes.
echo "stale" >"$out/llm.analysis.md"
cp "$out/profile.json" "$tmp/profile.before.json"
RAFTER_PYTHON=torch-python bash "$b/scripts/gpu-validate.sh" --out "$out" --llm-only >"$tmp/llm.out" 2>&1
cmp -s "$out/profile.json" "$tmp/profile.before.json" || { echo "FAIL: --llm-only removed or changed profile.json"; fail=1; }
[ ! -e "$out/llm.analysis.md" ] || { echo "FAIL: --llm-only kept an earlier run's llm.analysis.md"; fail=1; }
grep -q 'trace rafter-llm' "$out/summary.md" 2>/dev/null || { echo "FAIL: --llm-only ran no LLM step"; cat "$tmp/llm.out"; fail=1; }
# The stub's activity trace holds no kernels: the counter run would measure the wrong launches, so
# it is not run and says why.
grep -q 'FAILED  trace rafter-llm (--metrics roofline): not run, the activity trace counted 0 launches' "$out/summary.md" ||
  { echo "FAIL: the counter trace ran, or was not listed FAILED, without an activity count"; fail=1; }
! grep -q -- '--metrics roofline' "$tmp/trace.args" || { echo "FAIL: --metrics roofline ran with --skip 0"; fail=1; }
# The workload's numerics test and the collector's GPU test run once, before the traces.
order=$(grep -o 'test llm_gpu_model_test\|test collection_session_gpu_test\|trace rafter-llm (activity' "$out/summary.md" 2>/dev/null |
  paste -sd '|' -)
[ "$order" = "test llm_gpu_model_test|test collection_session_gpu_test|trace rafter-llm (activity" ] ||
  { echo "FAIL: expected llm_gpu_model_test and collection_session_gpu_test once, before the trace; the summary has '$order'"; fail=1; }
# The PyTorch example, traced unchanged with that Python; skipped with the reason without one.
grep -q '^ *ok      trace examples/pytorch_decode.py (activity, --nvtx)' "$out/summary.md" 2>/dev/null ||
  { echo "FAIL: --llm-only did not trace the PyTorch example"; cat "$out/summary.md"; fail=1; }
grep -qx -- "trace --nvtx -o $out/pytorch.trace.json.gz -- torch-python $b/examples/pytorch_decode.py" "$tmp/trace.args" ||
  { echo "FAIL: the PyTorch trace's command line:"; cat "$tmp/trace.args"; fail=1; }
RAFTER_PYTHON=bare-python bash "$b/scripts/gpu-validate.sh" --out "$out" --llm-only >"$tmp/bare.out" 2>&1
grep -q 'skipped PyTorch trace (bare-python cannot import torch;' "$out/summary.md" 2>/dev/null ||
  { echo "FAIL: without torch, the PyTorch trace is not listed as skipped with the reason"; cat "$out/summary.md"; fail=1; }
RAFTER_PYTHON=old-glibc-python bash "$b/scripts/gpu-validate.sh" --out "$out" --llm-only >"$tmp/old.out" 2>&1
grep -q 'skipped PyTorch trace (the collector cannot load into old-glibc-python: OSError: version GLIBC_2.36 not found (stub))' \
  "$out/summary.md" 2>/dev/null ||
  { echo "FAIL: a Python the collector cannot load into is not listed as skipped with the reason"; cat "$out/summary.md"; fail=1; }
# 4. A full run (characterization and LLM steps): the two tests run before the traces are not run
#    again with the other GPU tests.
RAFTER_PYTHON=bare-python bash "$b/scripts/gpu-validate.sh" --out "$tmp/full" --no-sanitizer >"$tmp/full.out" 2>&1
for t in llm_gpu_model_test collection_session_gpu_test; do
  n=$(grep -c "test $t\b" "$tmp/full/summary.md" 2>/dev/null)
  [ "$n" = 1 ] || { echo "FAIL: a full run lists $t ${n:-no} times, expected once"; fail=1; }
done
grep -q "^ *ok      test collection_session_gpu_test" "$tmp/full/summary.md" 2>/dev/null ||
  { echo "FAIL: a full run did not pass the collector's test (libnvperf not on its library path?)"; fail=1; }
# The PCIe bar is held to the link NVML negotiated (Gen4 x16: 16 GT/s x 16 x 128/130 / 8 = 31.5 GB/s).
grep -q '^| pinned H2D vs one direction of the PCIe link | 2.6e+10 | 31.5 GB/s (negotiated Gen4 x16 (max Gen5 x16)); datasheet .* | 82.5% | 80% | yes |$' \
  "$tmp/full/ceilings.md" 2>/dev/null || { echo "FAIL: the PCIe bar is not against the negotiated link:"; grep 'PCIe link' "$tmp/full/ceilings.md"; fail=1; }
if [ "$fail" -ne 0 ]; then
  echo "--- gpu-validate output:"; cat "$tmp/run.out"
else
  echo "ok"
fi
exit "$fail"

#!/usr/bin/env bash
# Validates rafter on a GPU machine in one command. First the checks of seconds, which a slow sweep
# must not cut: the LLM workload's numerics test and its command line (rafter-llm), the collector's
# GPU test, compute-sanitizer memcheck over the workload's kernels. Then, most valuable first: a quick CUDA
# sweep (one process per suite, compute, memory, latency, then interconnect, merged into one
# profile: a hang or a crash in one suite loses only that suite), the SASS checks (where cuobjdump
# is there), a table of every measured ceiling against the datasheet (configs/hardware/<gpu>.json),
# the issue's bars and peer tools' anchors; then the reference LLM workload (rafter-llm) under
# rafter's collector: an activity trace, a --metrics roofline trace of a bounded set of kernels,
# its analysis against the profile just measured, Nsight Compute's counters for the same kernels
# beside rafter's (where ncu is there); then the GPU tests, the collector's overhead on the decode
# loop (bench/collector_overhead.sh), an unchanged PyTorch program traced and analyzed
# (examples/pytorch_decode.py, where python3 or $RAFTER_PYTHON imports torch; else listed as
# skipped) and last compute-sanitizer over the microbenchmark kernels (the slowest step, so that a
# --budget cuts it first; the never-run wgmma and shared-memory kernels first). Everything goes to
# a report directory, reports/validation/<gpu>/ by default.
#
# Usage: scripts/gpu-validate.sh [--bundle DIR] [--out DIR] [--device N] [--datasheet FILE]
#          [--preset quick|full] [--no-sanitizer] [--no-llm | --llm-only] [--llm-model FILE]
#          [--collector-kernels N] [--archive FILE] [--budget SECONDS] [--glibc auto|system|bundled]
#   --bundle  a bundle made by scripts/bundle-gpu.sh (default: the directory above this script
#             when it lives in a bundle, else build/gpu-bundle; built here when missing and the
#             build dependencies are present)
#   --out     output directory (default reports/validation/<gpu-name>)
#   --no-llm  skip the LLM workload steps; --llm-only: only those (analyzing against the
#             profile.json already in --out, if any)
#   --llm-model  the workload's shape (default configs/models/qwen1.5-0.5b.json of the bundle)
#   --collector-kernels N  run the overhead benchmark long enough to launch N kernels (the issue's
#             bar is 1000000: about a minute more) instead of its short default (256 decode steps)
#   --archive FILE  also pack the output directory into FILE (.tar.gz), as a top folder named after
#             the GPU (nvidia-h200/): one file to carry back; packed again after every step, so that
#             it holds what was done if the run is killed (large traces left out past 16 MiB)
#   --budget SECONDS  wall-clock seconds for the whole script: each step's time limit is cut to
#             what is left (less 30 s for the summary and the archive) and a step that would get
#             under 10 s is not run (status 1). Default: no budget, each step its own limit.
#   --glibc   run the bundle's binaries with the system glibc or the bundle's lib/glibc (through its
#             loader); default auto: the bundled one only where the system's is older than needed
# On a lent GPU machine without our libraries (64 MiB carried at most; the unpacked bundle is
# larger): build the bundle here from a clean tree (scripts/bundle-gpu.sh writes
# build/gpu-bundle.tar.gz; BUNDLE_INFO's source must be HEAD, not -dirty), carry that file (it is
# git-ignored: the device tool's carry ["build/gpu-bundle.tar.gz"]), and run there
#   mkdir -p /tmp/gv && tar xzf build/gpu-bundle.tar.gz -C /tmp/gv &&
#   /tmp/gv/gpu-bundle/scripts/gpu-validate.sh --out /tmp/validation --archive "$OUT/validation.tar.gz" --budget 540
# Exit status: 0 when every step passed (tests skipped for a reason, such as a second GPU to copy
# to, are listed but pass), 1 when a step failed, timed out or was not run for lack of time, 2 on
# a usage error, 3 when no GPU can be used.
# Never changes a setting of the GPU (clocks, power, persistence, MIG); Nsight Compute runs with
# --clock-control none.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bundle=""
out=""
device=0
datasheet=""
preset=quick
sanitizer=1
llm=1
characterize=1
llm_model=""
collector_kernels=""
archive=""
budget=""
glibc=auto
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,48p' "$0"; exit 0 ;;
    --bundle|--out|--device|--datasheet|--preset|--llm-model|--collector-kernels|--archive|--budget|--glibc)
      [ $# -ge 2 ] || { echo "gpu-validate: $1 needs a value" >&2; exit 2; } ;;
  esac
  case "$1" in
    --bundle) bundle=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --device) device=$2; shift 2 ;;
    --datasheet) datasheet=$2; shift 2 ;;
    --preset) preset=$2; shift 2 ;;
    --no-sanitizer) sanitizer=0; shift ;;
    --no-llm) llm=0; shift ;;
    --llm-only) characterize=0; shift ;;
    --llm-model) llm_model=$2; shift 2 ;;
    --collector-kernels) collector_kernels=$2; shift 2 ;;
    --archive) archive=$2; shift 2 ;;
    --budget) budget=$2; shift 2 ;;
    --glibc) glibc=$2; shift 2 ;;
    *) echo "gpu-validate: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ "$llm" -eq 1 ] || [ "$characterize" -eq 1 ] || { echo "gpu-validate: --no-llm and --llm-only exclude each other" >&2; exit 2; }
[[ $device =~ ^[0-9]+$ ]] || { echo "gpu-validate: --device must be a device index (0, 1, ...), got '$device'" >&2; exit 2; }
case "$glibc" in auto|system|bundled) ;; *) echo "gpu-validate: --glibc must be auto, system or bundled, got '$glibc'" >&2; exit 2 ;; esac
[ "$preset" = quick ] || [ "$preset" = full ] || { echo "gpu-validate: --preset must be quick or full, got '$preset'" >&2; exit 2; }
[ -z "$collector_kernels" ] || [[ $collector_kernels =~ ^[1-9][0-9]*$ ]] ||
  { echo "gpu-validate: --collector-kernels must be a positive integer, got '$collector_kernels'" >&2; exit 2; }
[ -z "$budget" ] || [[ $budget =~ ^[1-9][0-9]*$ ]] ||
  { echo "gpu-validate: --budget must be a positive number of seconds, got '$budget'" >&2; exit 2; }
[ -z "$datasheet" ] || [ -f "$datasheet" ] || { echo "gpu-validate: --datasheet $datasheet: no such file" >&2; exit 2; }
if [ -n "$archive" ]; then
  archive_dir=$(dirname "$archive")
  [ -d "$archive_dir" ] || { echo "gpu-validate: --archive $archive: no directory $archive_dir" >&2; exit 2; }
  archive="$(cd "$archive_dir" && pwd)/$(basename "$archive")"
fi
[ -z "$llm_model" ] || [ -f "$llm_model" ] || { echo "gpu-validate: --llm-model $llm_model: no such file" >&2; exit 2; }
[ -z "$llm_model" ] || llm_model="$(cd "$(dirname "$llm_model")" && pwd)/$(basename "$llm_model")"

if [ -z "$bundle" ]; then
  if [ -f "$root/BUNDLE_INFO" ]; then bundle=$root; else bundle="$root/build/gpu-bundle"; fi
fi
if [ ! -x "$bundle/bin/rafter" ]; then
  [ -x "$root/scripts/bundle-gpu.sh" ] ||
    { echo "gpu-validate: --bundle $bundle: no bin/rafter there (not a bundle of scripts/bundle-gpu.sh)" >&2; exit 2; }
  echo "gpu-validate: no bundle at $bundle; building one (scripts/bundle-gpu.sh)"
  "$root/scripts/bundle-gpu.sh" --out "$bundle" || { echo "gpu-validate: could not build the bundle" >&2; exit 1; }
fi
bundle=$(cd "$bundle" && pwd)
# Every file of the bundle that the steps below use.
missing_files=()
for f in BUNDLE_INFO bin/rafter bin/rafter-llm lib/librafter_inject.so tests/sass_test.sh tests/sass_check.py \
         bench/collector_overhead.sh configs/hardware configs/collector_metrics.json configs/models/qwen1.5-0.5b.json \
         configs/gpu_anchors.json scripts/anchor_table.py scripts/merge_profiles.py examples/pytorch_decode.py; do
  [ -e "$bundle/$f" ] || missing_files+=("$f")
done
[ ${#missing_files[@]} -eq 0 ] ||
  { echo "gpu-validate: bundle $bundle lacks ${missing_files[*]} (rebuild it with scripts/bundle-gpu.sh)" >&2; exit 2; }
export RAFTER_CONFIG_DIR="$bundle/configs"
# rafter trace finds the collector beside /proc/self/exe, which is the loader when the bundled glibc
# runs rafter: name it.
export RAFTER_INJECT_LIBRARY="$bundle/lib/librafter_inject.so"

need=$(sed -n 's/^glibc_needed: //p' "$bundle/BUNDLE_INFO" 2>/dev/null)
have=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')

# cuBLAS (rafter-llm and its test link it; the sweep loads it) is left to this machine's CUDA
# toolkit or its Python cuBLAS wheel (BUNDLE_INFO external_libs): where the loader would not find
# it by itself, its directory goes into LD_LIBRARY_PATH.
find_library() {  # find_library SONAME: the directory holding it, "" when the loader finds it anyway
  local d py_nvidia cached
  cached=$(ldconfig -p 2>/dev/null | awk -v n="$1" '$1 == n && /x86-64/ {print $NF; exit}')
  if [ -n "$cached" ] && [ -e "$cached" ]; then echo ""; return 0; fi  # (a stale cache can name a removed file)
  py_nvidia=$(python3 -c 'import importlib.util as u; s = u.find_spec("nvidia"); print(" ".join(s.submodule_search_locations) if s else "")' 2>/dev/null)
  for d in ${CUDA_HOME:+"$CUDA_HOME/lib64" "$CUDA_HOME/lib"} /usr/local/cuda/lib64 /usr/local/cuda/lib \
           /usr/local/cuda/targets/x86_64-linux/lib /usr/local/cuda-*/lib64 /usr/local/cuda-*/targets/x86_64-linux/lib \
           $(for n in $py_nvidia; do find "$n" -maxdepth 3 -name "$1" -printf '%h\n' 2>/dev/null; done); do
    [ -e "$d/$1" ] && { echo "$d"; return 0; }
  done
  return 1
}
cublas_ok=1
cublas_notes=()
extra_path=""
for lib in $(sed -n 's/^external_libs: //p' "$bundle/BUNDLE_INFO" 2>/dev/null); do
  if dir=$(find_library "$lib"); then
    [ -z "$dir" ] || extra_path="${extra_path:+$extra_path:}$dir"
    cublas_notes+=("$lib: ${dir:-found by the loader}")
  else
    cublas_notes+=("$lib: NOT FOUND (no CUDA toolkit or cuBLAS wheel here): rafter-llm and its test cannot run")
    cublas_ok=0
  fi
done
[ -z "$extra_path" ] || export LD_LIBRARY_PATH="$extra_path${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# Run the bundle's binaries with the system glibc when it is new enough, else with the bundled one.
loader=()
older=0
[ -n "$need" ] && [ -n "$have" ] && [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -1)" != "$need" ] && older=1
if [ "$glibc" = bundled ] || { [ "$glibc" = auto ] && [ "$older" -eq 1 ]; }; then
  # --library-path replaces LD_LIBRARY_PATH (cuBLAS's directory, the driver's where it is found that way).
  loader=("$bundle/lib/glibc/ld-linux-x86-64.so.2" --library-path "$bundle/lib/glibc:$bundle/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
fi
run() { "${loader[@]}" "$@"; }
# libcupti dlopens libnvperf_host and libnvperf_target by name: what runs the collector's Range
# Profiler gets the bundle's lib/ first in LD_LIBRARY_PATH (the copies that match the bundled
# libcupti); ncu and python3 do not (the bundle's libstdc++ and zlib may be older than theirs).
nvperf_env=(env "LD_LIBRARY_PATH=$bundle/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")

# What this machine offers, printed before anything needs the GPU (and logged below).
pre_notes=("bundle: $bundle ($(sed -n 's/^source: //p' "$bundle/BUNDLE_INFO"), built $(sed -n 's/^built: //p' "$bundle/BUNDLE_INFO"))")
pre_notes+=("glibc: system ${have:-unknown}, the bundle needs ${need:-unknown}: using the $([ ${#loader[@]} -gt 0 ] && echo bundled || echo system) glibc (--glibc $glibc)")
pre_notes+=("${cublas_notes[@]}")
for tool in nvidia-smi python3 ncu compute-sanitizer cuobjdump; do
  tool_path=$(command -v "$tool" || ls "/usr/local/cuda/bin/$tool" 2>/dev/null) || tool_path="not found"
  pre_notes+=("$tool: $tool_path")
done
# GPU performance counters (the collector's Range Profiler, ncu) are for root only where the driver
# has RmProfilingAdminOnly: 1; CUPTI_ERROR_INSUFFICIENT_PRIVILEGES or ERR_NVGPUCTRPERM then follows.
counters_param=$(grep -s RmProfilingAdminOnly /proc/driver/nvidia/params | head -1)
pre_notes+=("performance counters: uid $(id -u); ${counters_param:-RmProfilingAdminOnly not in /proc/driver/nvidia/params}")
printf 'gpu-validate: %s\n' "${pre_notes[@]}"

# Commands outside step() get a time limit too: a driver wedged by a killed kernel must not hold
# the script until the device tool's own limit.
if ! devices_err=$(timeout -k 5 60 "${loader[@]}" "$bundle/bin/rafter" devices --backend cuda 2>&1 >/dev/null); then
  why=$(echo "$devices_err" | tail -1)
  why=${why#rafter: error: }
  why=${why#no GPU can be used: }
  echo "gpu-validate: no GPU can be used here: ${why:-rafter devices --backend cuda failed or timed out}" >&2
  if [ -n "$out" ]; then  # What was learnt, where it comes back.
    mkdir -p "$out" && { printf 'gpu-validate: %s\n' "${pre_notes[@]}"; echo "rafter devices --backend cuda:"; echo "$devices_err";
                         timeout 30 nvidia-smi 2>&1; } >"$out/log.txt"
    # Only this run's log: files an earlier run left in --out must not come back as this run's.
    [ -z "$archive" ] || tar czf "$archive" -C "$(dirname "$out")" "$(basename "$out")/log.txt"
  fi
  exit 3
fi
gpu_name=$(timeout 30 nvidia-smi --query-gpu=name --format=csv,noheader -i "$device" 2>/dev/null | head -1)
[ -n "$gpu_name" ] || gpu_name=$(timeout -k 5 60 "${loader[@]}" "$bundle/bin/rafter" devices --backend cuda --json | python3 -c 'import json,sys; print(json.load(sys.stdin)['"$device"']["name"])')
slug=$(echo "$gpu_name" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9]\{1,\}/-/g; s/^-//; s/-$//')
[ -n "$slug" ] || slug=gpu
[ -n "$out" ] || out="$root/reports/validation/$slug"
mkdir -p "$out"
out=$(cd "$out" && pwd)
log="$out/log.txt"
: >"$log"
# An earlier run's results are removed first, so that a rerun into the same --out never shows (or
# archives) them as this run's: all of them, except under --llm-only the profile it analyzes
# against (profile.json) and what was made from it in the same run (suite profiles, profile.html,
# ceilings.md), which then travel with this run's LLM results.
rm -rf "$out"/llm.trace.json.gz "$out"/llm.roofline.trace.json.gz "$out"/llm.analysis.{json,html,md} \
  "$out"/llm.ncu.{ncu-rep,csv} "$out/llm.ncu.trace.json" "$out/counters_vs_ncu.md" "$out/collector_overhead" \
  "$out/pytorch.trace.json.gz" "$out"/pytorch.analysis.{json,html,md} "$out/summary.md"
if [ "$characterize" -eq 1 ]; then
  rm -f "$out/profile.json" "$out"/profile.{memory,latency,interconnect,compute}.json "$out/profile.html" \
    "$out/ceilings.md"
fi
steps=()
status=0
note() { echo "$*" | tee -a "$log"; }
# pack: the output directory into --archive (atomically: a run killed while packing keeps the last).
# The top folder is the GPU's slug; half-written traces and temporary files stay out, and past the
# 16 MiB a lent machine brings back, the traces too.
pack() {
  [ -n "$archive" ] || return 0
  local base excludes
  base=$(basename "$out")
  excludes=(--exclude '.rafter-trace-*' --exclude '.step.txt' --exclude "$base/collector_overhead/*.json*")
  tar czf "$archive.part" "${excludes[@]}" --transform "s,^$base,$slug," -C "$(dirname "$out")" "$base" 2>>"$log" || return 1
  if [ "$(stat -c %s "$archive.part")" -gt $(( 16 * 1048576 )) ]; then
    tar czf "$archive.part" "${excludes[@]}" --exclude '*.trace.json*' --exclude '*.ncu-rep' --transform "s,^$base,$slug," \
      -C "$(dirname "$out")" "$base" 2>>"$log" || return 1
  fi
  mv -f "$archive.part" "$archive"
}
step() {  # step NAME TIMEOUT_S COMMAND...: runs, logs as it runs, records ok/FAILED/timed out/not run
  local name=$1 limit=$2; shift 2
  local t0=$SECONDS rc skipped from
  if [ -n "$budget" ]; then  # what is left of --budget, less 30 s for the summary and the archive
    local left=$(( budget - SECONDS - 30 ))
    if [ "$left" -lt 10 ]; then
      note "== $name: not run, --budget $budget s spent"
      steps+=("NOT RUN $name (--budget $budget s spent)"); status=1
      return
    fi
    [ "$limit" -le "$left" ] || limit=$left
  fi
  note "== $name ($(date -u +%H:%M:%S), limit $limit s): $*"
  # Straight into the log, so that a step cut short from outside leaves what it printed there (a
  # file, not a pipe: a leftover child holding the output open cannot stall the script).
  from=$(( $(stat -c %s "$log") + 1 ))
  timeout -k 10 "$limit" "$@" >>"$log" 2>&1
  rc=$?
  tail -c "+$from" "$log" >"$out/.step.txt"
  # gtest prints each skipped test's reason on the line before "[  SKIPPED ] name".
  skipped=$(grep -B1 '^\[  SKIPPED \] [^ ]*\.' "$out/.step.txt" | grep -v '^\[  SKIPPED \]\|^--$' | sed 's/^.*: Skipped$//' |
            grep -v '^$' | sort -u | head -5 | paste -sd ';' -)
  [ -n "$skipped" ] || skipped=$(grep -c '^\[  SKIPPED \] [^ ]*\.' "$out/.step.txt" | sed 's/^0$//')
  rm -f "$out/.step.txt"
  # A GPU is there (checked above): a test that cannot use it is a failure, other skips (one GPU
  # where two are needed, no NCCL) are listed. Exit 77 (skipped) is a failure too, except for the
  # SASS checks, which skip where cuobjdump or nvdisasm is missing.
  if [ "$rc" -eq 0 ] && [[ $skipped == *"no GPU can be used"* ]]; then steps+=("SKIPPED $name: $skipped"); status=1;
  elif [ "$rc" -eq 0 ] && [ -n "$skipped" ]; then steps+=("ok      $name ($((SECONDS - t0)) s; skipped: $skipped)");
  elif [ "$rc" -eq 0 ]; then steps+=("ok      $name ($((SECONDS - t0)) s)");
  elif [ "$rc" -eq 77 ] && [ "$name" = "sass checks" ]; then steps+=("skipped $name ($((SECONDS - t0)) s)");
  elif [ "$rc" -eq 77 ]; then steps+=("FAILED  $name (exit 77, skipped, with a GPU here; see the log)"); status=1;
  elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then steps+=("TIMEOUT $name (killed at its $limit s limit)"); status=1;
  else steps+=("FAILED  $name (exit $rc after $((SECONDS - t0)) s)"); status=1; fi
  note "   exit $rc after $((SECONDS - t0)) s"
  pack
}

note "gpu-validate: $gpu_name (device $device), bundle $bundle, output $out"
note "$(cat "$bundle/BUNDLE_INFO")"
printf '%s\n' "${pre_notes[@]}" >>"$log"
[ -z "$budget" ] || note "budget: $budget s in all ($SECONDS s spent so far)"
[ "$cublas_ok" -eq 1 ] || { steps+=("FAILED  cuBLAS not found: rafter-llm and its test cannot run (see the log)"); status=1; }
timeout 30 nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,power.draw,temperature.gpu,clocks_event_reasons.active \
  --format=csv -i "$device" >>"$log" 2>&1 || true
step "rafter devices" 60 "${loader[@]}" "$bundle/bin/rafter" devices --backend cuda

# The LLM workload and the collector's tests see device N only.
llm_env=(env)
collector_env=("${nvperf_env[@]}")
if [ "$device" != 0 ]; then llm_env+=("CUDA_VISIBLE_DEVICES=$device"); collector_env+=("CUDA_VISIBLE_DEVICES=$device"); fi
llm_loader=("${loader[@]}")
llm_ok=0
if [ "$llm" -eq 1 ]; then
  llm_ok=$cublas_ok
  llm_model=${llm_model:-$bundle/configs/models/qwen1.5-0.5b.json}
  llm_cmd=("${llm_loader[@]}" "$bundle/bin/rafter-llm" --model "$llm_model" --batch 1 --prompt-len 128 --decode-steps 32)
  rafter_cmd=("${collector_env[@]}" "${llm_loader[@]}" "$bundle/bin/rafter")
  # Kernels with counters: the last 24 launches of the run. A decode layer launches 10 kernels (one
  # per cuBLASLt GEMM): two RMSNorms, the QKV, O, gate/up and down GEMMs, RoPE with the KV-cache
  # write, split-KV attention and its combine, SwiGLU; after the layers, the final RMSNorm, the LM
  # head and the argmax (3). So: the last decode step's last two layers and its tail (23), and the
  # down projection of the layer before. A GEMM that cuBLASLt runs as two kernels shifts the window.
  roofline_kernels=24
  ncu_kernels=8        # of which Nsight Compute measures the first 8 again
fi
sanitizer_bin=""
if [ "$sanitizer" -eq 1 ]; then
  sanitizer_bin=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null || true)
  [ -n "$sanitizer_bin" ] || steps+=("skipped compute-sanitizer (not found)")
fi

# 0. The short checks first (seconds each), before the sweep, so that a --budget spent by a slow
#    sweep cannot cut them: the workload's numerics against its CPU reference on tiny shapes, every
#    kernel path (head dims 32/64/128, GQA, split-KV decode), which tells a kernel bug from a tool
#    bug; rafter-llm's command line with a tiny --check run; the collector on a known workload
#    (launches, copies, graph nodes, exact FFMA counters), which tells a collector bug from a
#    workload bug before the traces; compute-sanitizer memcheck over the workload's kernels (and
#    cuBLASLt's) on the numerics test's tiny shapes (racecheck and synccheck, slower, run in 6.).
#    In every mode: under --no-llm they are GPU tests.
[ -x "$bundle/tests/llm_gpu_model_test" ] &&
  step "test llm_gpu_model_test" 60 "${llm_env[@]}" "${llm_loader[@]}" "$bundle/tests/llm_gpu_model_test" --gtest_color=no
if [ -f "$bundle/tests/rafter_llm_cli_test.sh" ]; then
  # The test runs the binary by its path (and finds configs/models/tiny-test.json under the bundle):
  # on the bundled glibc, through a wrapper.
  llm_cli_bin="$bundle/bin/rafter-llm"
  llm_cli_dir=""
  if [ ${#llm_loader[@]} -gt 0 ] && llm_cli_dir=$(mktemp -d); then
    llm_cli_bin="$llm_cli_dir/rafter-llm"
    printf '#!/usr/bin/env bash\nexec %s "$@"\n' "$(printf '%q ' "${llm_loader[@]}" "$bundle/bin/rafter-llm")" >"$llm_cli_bin" &&
      chmod +x "$llm_cli_bin"
  fi
  step "test rafter_llm_cli_test.sh (gpu)" 60 "${llm_env[@]}" bash "$bundle/tests/rafter_llm_cli_test.sh" "$llm_cli_bin" \
    "$bundle" gpu
  [ -z "$llm_cli_dir" ] || rm -rf "$llm_cli_dir"
fi
[ -x "$bundle/tests/collection_session_gpu_test" ] &&
  step "test collection_session_gpu_test" 60 "${collector_env[@]}" "${llm_loader[@]}" \
    "$bundle/tests/collection_session_gpu_test" --gtest_color=no
llm_sanitized=0  # the workload's test can run under compute-sanitizer (cuBLAS found)
if [ -n "$sanitizer_bin" ] && [ "$cublas_ok" -eq 1 ] && [ -x "$bundle/tests/llm_gpu_model_test" ]; then
  llm_sanitized=1
  step "compute-sanitizer memcheck llm_gpu_model_test" 60 "${llm_env[@]}" "$sanitizer_bin" --tool memcheck --error-exitcode 99 \
    "${llm_loader[@]}" "$bundle/tests/llm_gpu_model_test" --gtest_color=no
fi

if [ "$characterize" -eq 1 ]; then
  # 1. The sweep: one process per suite (a hang costs that suite's limit, a crash or a wrong result
  #    only that suite), merged into profile.json; the suites of the issue's bars first (compute:
  #    FP32, wgmma, cuBLASLt; memory: HBM, shared memory), so that a --budget cut by a hang earlier
  #    in the run takes the links first. The quick preset keeps
  #    interconnect short (host links, peer pairs with this device only, four NCCL message sizes)
  #    so that the whole script stays within 9 minutes on an H100.
  datasheet_arg=()
  [ -n "$datasheet" ] && datasheet_arg=(--datasheet "$datasheet")
  suite_files=()
  for suite_limit in compute:160 memory:100 latency:100 interconnect:60; do
    suite=${suite_limit%%:*}
    step "sweep --suite $suite --preset $preset" "${suite_limit#*:}" "${loader[@]}" "$bundle/bin/rafter" sweep --backend cuda \
      --device "$device" --preset "$preset" --suite "$suite" "${datasheet_arg[@]}" -o "$out/profile.$suite.json" --progress plain
    [ -f "$out/profile.$suite.json" ] && suite_files+=("$out/profile.$suite.json")
  done
  if [ ${#suite_files[@]} -gt 0 ]; then
    python3 "$bundle/scripts/merge_profiles.py" -o "$out/profile.json" "${suite_files[@]}" >>"$log" 2>&1 ||
      { steps+=("FAILED  merge of the suites' profiles (see the log)"); status=1; }
  fi
  if [ -f "$out/profile.json" ]; then
    # rafter reads the merged profile back (its schema checks) and renders it.
    step "report" 60 "${loader[@]}" "$bundle/bin/rafter" report "$out/profile.json" --html "$out/profile.html"
  fi
  # 2. SASS checks, where the machine has cuobjdump.
  step "sass checks" 120 bash "$bundle/tests/sass_test.sh" "$bundle/bin/rafter" "$bundle"
fi  # characterize

# 4. Ceilings against the datasheet and the bars of the GPU characterization issue.
if [ "$characterize" -eq 1 ] && [ -f "$out/profile.json" ]; then
  python3 - "$out/profile.json" "$bundle/configs/hardware" "$datasheet" >"$out/ceilings.md" 2>>"$log" <<'PY' || { steps+=("FAILED  ceiling table"); status=1; }
import json, os, re, sys

profile_path, hardware_dir, forced = sys.argv[1], sys.argv[2], sys.argv[3]
p = json.load(open(profile_path))
dev = p["device"]
name = dev["name"]

def pick(name):
    # The rules `rafter sweep` and `rafter analyze` pick by (configs/device_datasheets.json: the first
    # pattern found in the name, case-insensitive), so the table compares with the same datasheet.
    rules = json.load(open(os.path.join(os.path.dirname(hardware_dir), "device_datasheets.json")))["rules"]
    for rule in rules:
        if re.search(rule["pattern"], name, re.IGNORECASE):
            return os.path.join(hardware_dir, rule["datasheet"] + ".json")
    return None

ds_path = forced or pick(name)
ds = json.load(open(ds_path)) if ds_path and os.path.exists(ds_path) else None
clock = dev.get("clocks_hz", {}).get("measured") or dev.get("measured_clock_hz")
sms = dev.get("compute_units")

def si(v, unit):
    for f, pfx in ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M")):
        if abs(v) >= f:
            return f"{v / f:.3g} {pfx}{unit}"
    return f"{v:.3g} {unit}"

print(f"# Validation of {name}\n")
print(f"Profile: `{os.path.basename(profile_path)}`; datasheet: `{os.path.basename(ds_path) if ds else 'none matched'}`; "
      f"SMs: {sms}; SM clock measured during the compute ceilings: {si(clock, 'Hz') if clock else 'unknown'}.\n")
print("Every figure below was measured by this run; percentages compare it with the datasheet figure at the "
      "datasheet's clock, and (for compute) with the datasheet figure scaled to the measured clock.\n")
print("| ceiling | measured | settled | SM clock | datasheet | % of datasheet | % at measured clock |")
print("|---|---|---|---|---|---|---|")
ds_compute = {}
if ds:
    for c in ds.get("compute", []):
        ds_compute[".".join(c["id"].split(".")[:2])] = c
for c in p.get("compute", []):
    key = ".".join(c["id"].split(".")[:2]).replace(".matrix_library", ".tensor")
    ref = ds_compute.get(key)
    s = c.get("samples", {})
    cl = c.get("clock_hz")
    row = [c["id"], si(c["flop_per_s"], "FLOP/s"), "yes" if s.get("settled", True) else "NO", si(cl, "Hz") if cl else "-"]
    if ref:
        row += [si(ref["flop_per_s"], "FLOP/s"), f"{100 * c['flop_per_s'] / ref['flop_per_s']:.1f}%"]
        rc = ref.get("clock_hz")
        row.append(f"{100 * c['flop_per_s'] / (ref['flop_per_s'] * cl / rc):.1f}%" if rc and cl else "-")
    else:
        row += ["-", "-", "-"]
    print("| " + " | ".join(row) + " |")
ds_mem = {m["level"]: m for m in (ds or {}).get("memory", [])}
for m in p.get("memory", []):
    for q in ("read", "write", "copy", "triad"):
        v = m.get(f"{q}_bytes_per_s")
        if v is None:
            continue
        ref = ds_mem.get(m["level"], {}).get("read_bytes_per_s")
        settled = m.get("samples", {}).get(q, {}).get("settled", True)
        mc = m.get("clock_hz") if q == "read" else None  # the clock of the level's read (the probe's)
        row = [f"{m['level']}.{q}", si(v, "B/s"), "yes" if settled else "NO", si(mc, "Hz") if mc else "-",
               si(ref, "B/s") if ref else "-", f"{100 * v / ref:.1f}%" if ref else "-", "-"]
        print("| " + " | ".join(row) + " |")
    if m.get("latency_s") is not None:
        cyc = m.get("latency_cycles")
        print(f"| {m['level']}.latency | {m['latency_s'] * 1e9:.1f} ns{f' ({cyc:.0f} cycles)' if cyc else ''} | - | - | - | - | - |")

# The bars of the GPU characterization issue (written for an H100 SXM; computed here for any GPU).
comp = {c["id"]: c for c in p.get("compute", [])}
mem = {m["level"]: m for m in p.get("memory", [])}
print("\n## Bars\n")
print("| bar | measured | reference | ratio | bar | met |")
print("|---|---|---|---|---|---|")
def bar(label, value, reference, threshold, ref_text):
    if value is None or not reference:
        print(f"| {label} | - | {ref_text} | - | {threshold:.0%} | not measured |")
        return
    r = value / reference
    print(f"| {label} | {value:.4g} | {ref_text} | {r:.1%} | {threshold:.0%} | {'yes' if r >= threshold else 'NO'} |")
hbm_ds = ds_mem.get("hbm", {}).get("read_bytes_per_s")
bar("HBM read vs datasheet", mem.get("hbm", {}).get("read_bytes_per_s"), hbm_ds, 0.93, si(hbm_ds, "B/s") if hbm_ds else "no datasheet")
if sms and (clock or mem.get("smem", {}).get("clock_hz")):
    smem_clock = mem.get("smem", {}).get("clock_hz") or clock  # the clock during the smem kernel, when recorded
    smem_peak = 128 * sms * smem_clock
    bar("shared memory vs 128 B/clk/SM x SMs x clock", mem.get("smem", {}).get("read_bytes_per_s"), smem_peak, 0.97,
        si(smem_peak, "B/s") + f" at {si(smem_clock, 'Hz')}")
# FP32 lanes per SM by compute capability: 64 on sm_70 and sm_80 (V100, A100), 128 on sm_86 and later.
arch = re.search(r"sm_(\d+)", dev.get("architecture", ""))
fp32_lanes = (64 if int(arch.group(1)) in (70, 72, 75, 80) else 128) if arch else None
if sms and clock and fp32_lanes:
    f = comp.get("fp32.vector.fma")
    fp32_peak = sms * fp32_lanes * 2 * (f.get("clock_hz") or clock) if f else None
    bar(f"FP32 FMA vs SMs x {fp32_lanes} x 2 x clock", f["flop_per_s"] if f else None, fp32_peak, 0.95, si(fp32_peak, "FLOP/s") if fp32_peak else "-")
# The tensor-core instruction ceiling of the GPU's generation: wgmma (Hopper) or tcgen05 (B200, B300).
w = comp.get("bf16.tensor.wgmma") or comp.get("bf16.tensor.tcgen05")
instruction = w["id"].rsplit(".", 1)[1] if w else "wgmma/tcgen05"
ref = ds_compute.get("bf16.tensor")
if ref and w and w.get("clock_hz") and ref.get("clock_hz"):
    dense = ref["flop_per_s"] * w["clock_hz"] / ref["clock_hz"]
    bar(f"{instruction} BF16 vs dense peak at the measured clock", w["flop_per_s"], dense, 0.90, si(dense, "FLOP/s"))
else:
    bar(f"{instruction} BF16 vs dense peak at the measured clock", None, None, 0.90, f"needs {instruction} and a datasheet")
g = comp.get("bf16.matrix_library.cublaslt")
bar("BF16 cuBLASLt GEMM vs 780 TFLOP/s (H100 SXM bar)", g["flop_per_s"] if g else None, 780e12, 1.0, "780 TFLOP/s")
ds_links = {l["id"]: l for l in (ds or {}).get("links", [])}
pcie = ds_links.get("pcie")
# link_ceiling::one_direction_bytes_per_s: a note starting "bidirectional aggregate" quotes both ways.
pcie_dir = (pcie["bytes_per_s"] / 2 if pcie.get("note", "").startswith("bidirectional aggregate") else pcie["bytes_per_s"]) if pcie else None
h2d = next((l for l in p.get("links", []) if l["id"] == "h2d_pinned"), None)
negotiated = dev.get("environment", {}).get("pcie_link")  # NVML's link at the sweep, "Gen5 x16 (max Gen5 x16)"

def pcie_link_bytes_per_s(text):
    """One direction of the link NVML negotiated ("GenN xW ..."): transfers per second per lane x lanes x
    the line code's payload share / 8 bits (docs/metrics.md); None when the text names no known generation."""
    m = re.match(r"Gen(\d+) x(\d+)", text or "")
    rates = {1: (2.5e9, 8 / 10), 2: (5e9, 8 / 10), 3: (8e9, 128 / 130), 4: (16e9, 128 / 130), 5: (32e9, 128 / 130),
             6: (64e9, 242 / 256)}
    if not m or int(m.group(1)) not in rates:
        return None
    transfers, code = rates[int(m.group(1))]
    return transfers * int(m.group(2)) * code / 8

# The link as negotiated: a card in a narrower or older slot than its datasheet's is held to that slot.
link_dir = pcie_link_bytes_per_s(negotiated)
if link_dir:
    bar("pinned H2D vs one direction of the PCIe link", h2d["bytes_per_s"] if h2d else None, link_dir, 0.80,
        f"{si(link_dir, 'B/s')} (negotiated {negotiated})" + (f"; datasheet {si(pcie_dir, 'B/s')}" if pcie_dir else ""))
else:
    bar("pinned H2D vs one direction of the PCIe link", h2d["bytes_per_s"] if h2d else None, pcie_dir, 0.80,
        (si(pcie_dir, "B/s") + " (datasheet)" if pcie_dir else "no datasheet") + (f"; link {negotiated}" if negotiated else ""))
if p.get("links"):
    print("\n## Links\n")
    print("| link | bandwidth | settled | small-copy latency | note |")
    print("|---|---|---|---|---|")
    for l in p["links"]:
        lat = l.get("latency_s")
        settled = l.get("samples", {}).get("settled", True)
        print(f"| {l['id']} | {si(l['bytes_per_s'], 'B/s')} | {'yes' if settled else 'NO'} | "
              f"{f'{lat * 1e6:.2f} us' if lat else '-'} | {l.get('note', '')} |")
if p.get("warnings"):
    print("\n## Warnings from the profile\n")
    for x in p["warnings"]:
        print(f"- {x}")
PY
  # The same ceilings against the best public measurements of peer tools (configs/gpu_anchors.json).
  { echo; python3 "$bundle/scripts/anchor_table.py" "$out/profile.json" --anchors "$bundle/configs/gpu_anchors.json"; } \
    >>"$out/ceilings.md" 2>>"$log" || { steps+=("FAILED  anchor table"); status=1; }
fi

# 5. The reference LLM workload under rafter's collector (issue 7). About two minutes on an H100.
# The LLM traces are analyzed against the ceilings this run measured.
machine_arg=()
if [ "$llm" -eq 1 ]; then
  if [ -f "$out/profile.json" ]; then machine_arg=(--machine "$out/profile.json");
  else note "no profile.json in $out: analyzing against the datasheet rafter picks"; fi
fi
if [ "$llm_ok" -eq 1 ]; then
  # (a) Activity only, with NVTX ranges (phases, layers, operators).
  step "trace rafter-llm (activity, --nvtx)" 90 "${rafter_cmd[@]}" trace --nvtx -o "$out/llm.trace.json.gz" -- "${llm_cmd[@]}" --counts
  # (b) Counters for the last launches of the same run (kernel replay serializes them): skip all
  #     the others, counted in the activity trace (the same command launches the same kernels).
  launched=$(python3 -c 'import gzip, json, sys; print(len(json.load(gzip.open(sys.argv[1]))["kernels"]))' "$out/llm.trace.json.gz" 2>/dev/null || echo 0)
  skip=$(( launched > roofline_kernels ? launched - roofline_kernels : 0 ))
  if [ "$launched" -lt "$roofline_kernels" ]; then
    # Without the count, --skip 0 would measure the weight initialization, not the decode step.
    steps+=("FAILED  trace rafter-llm (--metrics roofline): not run, the activity trace counted $launched launches (fewer than $roofline_kernels)")
    status=1
  else
    note "activity trace: $launched kernels launched; counters for launches $skip to $(( skip + roofline_kernels - 1 ))"
    step "trace rafter-llm (--metrics roofline, $roofline_kernels kernels)" 150 "${rafter_cmd[@]}" trace --metrics roofline \
      --skip "$skip" --max-kernels "$roofline_kernels" -o "$out/llm.roofline.trace.json.gz" -- "${llm_cmd[@]}"
  fi
  # (c) The roofline of those kernels against the ceilings this run measured.
  if [ -f "$out/llm.roofline.trace.json.gz" ]; then
    step "analyze the roofline trace" 60 "${rafter_cmd[@]}" analyze "$out/llm.roofline.trace.json.gz" "${machine_arg[@]}" \
      -o "$out/llm.analysis.json" --html "$out/llm.analysis.html" --markdown "$out/llm.analysis.md"
  fi
  # (d) Nsight Compute's counters for the first launches rafter measured, the same metric names.
  ncu_bin=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | tail -1)
  if [ -z "$ncu_bin" ]; then
    steps+=("skipped Nsight Compute cross-check (ncu not found)")
  elif [ ! -f "$out/llm.roofline.trace.json.gz" ]; then
    steps+=("skipped Nsight Compute cross-check (no roofline trace)")
  else
    read -r -d '' metric_names_py <<'PY'
import gzip, json, sys
names = sorted({n for k in json.load(gzip.open(sys.argv[1]))["kernels"] for n in (k.get("metrics") or {}).get("raw", {})})
if not names:  # the Range Profiler measured nothing: the metric set's names for this chip
    cc, table = sys.argv[2], json.load(open(sys.argv[3]))
    chip = {"8.0": "GA100", "9.0": "GH100", "10.0": "GB100"}.get(cc, "")
    names = [m["name"] for m in table["metrics"] if not m.get("chips") or chip in m["chips"]]
print(",".join(names))
PY
    cc=$(timeout -k 5 60 "${loader[@]}" "$bundle/bin/rafter" devices --backend cuda --json 2>/dev/null |
         python3 -c 'import json, sys; print(json.load(sys.stdin)['"$device"']["compute_capability"])' 2>/dev/null)
    metrics=$(python3 -c "$metric_names_py" "$out/llm.roofline.trace.json.gz" "${cc:-0.0}" "$bundle/configs/collector_metrics.json")
    note "ncu: $ncu_bin; metrics: $metrics"
    step "ncu --metrics (launches $skip to $(( skip + ncu_kernels - 1 )))" 150 "${llm_env[@]}" "$ncu_bin" --metrics "$metrics" \
      --launch-skip "$skip" --launch-count "$ncu_kernels" --clock-control none --cache-control none -f -o "$out/llm.ncu" "${llm_cmd[@]}"
    if [ -f "$out/llm.ncu.ncu-rep" ]; then
      step "ncu report -> CSV" 60 bash -c '"$1" --import "$2" --csv --page raw --print-units base --print-kernel-base mangled >"$3"' \
        _ "$ncu_bin" "$out/llm.ncu.ncu-rep" "$out/llm.ncu.csv"
      step "rafter import (ncu CSV)" 60 "${rafter_cmd[@]}" import "$out/llm.ncu.csv" --format ncu -o "$out/llm.ncu.trace.json"
    fi
    if [ -f "$out/llm.ncu.trace.json" ]; then
      read -r -d '' compare_py <<'PY'
# rafter's Range Profiler counters against Nsight Compute's for the same launches. Both traces hold
# raw counters in SI units (rafter: configs/collector_metrics.json weights; ncu CSV: its units). The
# i-th launch rafter measured is the i-th ncu measured (same --skip / --launch-skip, same program);
# names must agree too. Instruction counts are deterministic: they must agree within 1 %, else
# exit 1. Bytes, cycles, clocks and durations are shown but not judged: neither tool flushes the
# caches here (ncu --cache-control none, like the Range Profiler), but which replay pass reads a
# byte counter, and so how warm the caches are, differs, and so do clocks and replay.
import gzip, json, statistics, sys

def load(path):
    return json.load(gzip.open(path) if path.endswith(".gz") else open(path))

rafter_trace, ncu_trace, out_md = sys.argv[1], sys.argv[2], sys.argv[3]
ours = sorted((k for k in load(rafter_trace)["kernels"] if k.get("metrics")), key=lambda k: (k.get("correlation_id", 0), k["id"]))
theirs = [k for k in load(ncu_trace)["kernels"] if k.get("metrics")]

def same_kernel(a, b):  # equal names, or ncu's (a function name) inside rafter's
    names_a = {a["name"], a.get("demangled", "")} - {""}
    names_b = {b["name"], b.get("demangled", "")} - {""}
    return any(y in x for x in names_a for y in names_b)

exact = ("smsp__sass_thread_inst_executed_op_", "sm__sass_thread_inst_executed_op_", "sm__inst_executed_pipe_tensor", "sm__ops_path_tensor")
rows, per_metric, bad, pairs = [], {}, [], 0
for i, (a, b) in enumerate(zip(ours, theirs)):
    short = (a.get("demangled") or a["name"])[:60]
    if not same_kernel(a, b):
        rows.append(f"| {i} | `{short}` | (ncu measured `{b['name'][:60]}`: not the same kernel) | | | |")
        bad.append(f"launch {i}: rafter measured {a['name'][:60]}, ncu {b['name'][:60]}")
        continue
    pairs += 1
    ra, rb = a["metrics"].get("raw", {}), b["metrics"].get("raw", {})
    derived = {f"flop.{k}": v for k, v in a["metrics"].get("flop", {}).items()}
    derived.update({f"bytes.{k}": v for k, v in a["metrics"].get("bytes", {}).items()})
    derived_b = {f"flop.{k}": v for k, v in b["metrics"].get("flop", {}).items()}
    derived_b.update({f"bytes.{k}": v for k, v in b["metrics"].get("bytes", {}).items()})
    for name in sorted(set(ra) & set(rb)) + sorted(set(derived) & set(derived_b)):
        x = ra.get(name, derived.get(name))
        y = rb.get(name, derived_b.get(name))
        rel = 0.0 if x == y else (x - y) / max(abs(x), abs(y))
        judged = name.startswith(exact) or name.startswith("flop.")
        per_metric.setdefault(name, []).append(rel)
        if judged and abs(rel) > 0.01:
            bad.append(f"launch {i} `{short}` {name}: rafter {x:.6g}, ncu {y:.6g}")
        rows.append(f"| {i} | `{short}` | {name} | {x:.6g} | {y:.6g} | {rel:+.2%}{'' if judged else ' (not judged)'} |")

lines = ["# rafter's Range Profiler counters against Nsight Compute", "",
         f"rafter: `{rafter_trace.split('/')[-1]}` ({len(ours)} launches with counters); "
         f"ncu: `{ncu_trace.split('/')[-1]}` ({len(theirs)} launches); {pairs} launches compared in launch order.", "",
         "Relative difference = (rafter - ncu) / max(|rafter|, |ncu|). Instruction counts and the FLOP derived from them "
         "must agree within 1 %; bytes, cycles, clocks and durations are shown but not judged (neither tool flushes the "
         "caches, but the replay pass that reads a byte counter, and so the cache state, differs; so do clocks).", "",
         "## By metric", "", "| metric | launches | median difference | largest difference | judged |", "|---|---|---|---|---|"]
for name, rels in sorted(per_metric.items()):
    judged = name.startswith(exact) or name.startswith("flop.")
    lines.append(f"| {name} | {len(rels)} | {statistics.median(rels):+.2%} | {max(rels, key=abs):+.2%} | {'yes' if judged else 'no'} |")
lines += ["", "## By launch", "", "| launch | kernel | metric | rafter | ncu | difference |", "|---|---|---|---|---|---|"] + rows
if bad:
    lines += ["", "## Disagreements", ""] + [f"- {x}" for x in bad]
if pairs == 0:
    lines += ["", "No launch could be compared."]
open(out_md, "w").write("\n".join(lines) + "\n")
print("\n".join(lines[:4]))
print(f"{pairs} launches compared, {len(bad)} disagreements" + (": " + "; ".join(bad[:5]) if bad else ""))
sys.exit(0 if pairs > 0 and not bad else 1)
PY
      step "counters: rafter vs ncu" 60 python3 -c "$compare_py" "$out/llm.roofline.trace.json.gz" "$out/llm.ncu.trace.json" "$out/counters_vs_ncu.md"
    fi
  fi
fi
# 3. The GPU tests (60 s each; the sweep test is left out: it is the sweep above again, and the
#    tests of 0. have run).
if [ "$characterize" -eq 1 ]; then
  for t in "$bundle"/tests/*_test; do
    case "$(basename "$t")" in
      cuda_sweep_test|llm_gpu_model_test|collection_session_gpu_test) continue ;;
    esac
    step "test $(basename "$t")" 60 "${loader[@]}" "$t" --gtest_color=no
  done
fi
if [ "$llm_ok" -eq 1 ]; then
  # (e) The collector's overhead on the decode loop, and its completeness (no record lost).
  overhead_len=(--decode-steps 256)
  [ -n "$collector_kernels" ] && overhead_len=(--kernels "$collector_kernels")
  launcher_arg=()
  [ ${#llm_loader[@]} -gt 0 ] && launcher_arg=(--launcher "${llm_loader[*]}")
  step "collector overhead (bench/collector_overhead.sh)" $(( ${collector_kernels:-0} > 0 ? 420 : 180 )) \
    "${llm_env[@]}" bash "$bundle/bench/collector_overhead.sh" --pairs 3 "${overhead_len[@]}" --model "$llm_model" \
    --rafter "$bundle/bin/rafter" --llm "$bundle/bin/rafter-llm" --out "$out/collector_overhead" "${launcher_arg[@]}"
fi
if [ "$llm" -eq 1 ]; then
  # (f) A PyTorch program, unchanged, under the collector: examples/pytorch_decode.py (a small Llama,
  #     random weights: transformers' where it is installed, else the plain-PyTorch one), activity
  #     and NVTX ranges. The collector loads into this machine's Python (its glibc and libstdc++,
  #     and torch's own libcupti when torch ships one), so that is probed first, after importing
  #     torch, as in the run. rafter runs (on the bundle's glibc where needed) without the bundle's
  #     lib/ in LD_LIBRARY_PATH, which the child would inherit (activity tracing needs no libnvperf).
  torch_python=${RAFTER_PYTHON:-python3}
  torch_why=""
  torch_versions=$(timeout -k 5 60 "$torch_python" -c 'import torch
try:
    import transformers
    model = f"transformers {transformers.__version__} LlamaForCausalLM"
except ImportError:
    model = "no transformers: the plain-PyTorch Llama"
print(f"torch {torch.__version__}, {model}")' 2>/dev/null)
  torch_rc=$?
  if [ "$torch_rc" -eq 124 ] || [ "$torch_rc" -eq 137 ]; then
    torch_why="$torch_python did not import torch within 60 s"
  elif [ "$torch_rc" -ne 0 ]; then
    torch_why="$torch_python cannot import torch; set RAFTER_PYTHON to a Python that can"
  elif ! probe=$(timeout -k 5 60 "$torch_python" -c 'import ctypes, sys, torch; ctypes.CDLL(sys.argv[1])' \
                 "$bundle/lib/librafter_inject.so" 2>&1); then
    probe=$(printf '%s\n' "$probe" | tail -1)
    torch_why="the collector cannot load into $torch_python: ${probe:-no message, or over 60 s}"
  fi
  if [ -n "$torch_why" ]; then
    steps+=("skipped PyTorch trace ($torch_why)")
  else
    note "PyTorch trace: $torch_python, $torch_versions"
    step "trace examples/pytorch_decode.py (activity, --nvtx)" 150 "${llm_env[@]}" "${loader[@]}" "$bundle/bin/rafter" trace --nvtx \
      -o "$out/pytorch.trace.json.gz" -- "$torch_python" "$bundle/examples/pytorch_decode.py"
    if [ -f "$out/pytorch.trace.json.gz" ]; then
      step "analyze the PyTorch trace" 60 "${llm_env[@]}" "${loader[@]}" "$bundle/bin/rafter" analyze "$out/pytorch.trace.json.gz" \
        "${machine_arg[@]}" -o "$out/pytorch.analysis.json" --html "$out/pytorch.analysis.html" --markdown "$out/pytorch.analysis.md"
    fi
  fi
fi

# 6. compute-sanitizer over the microbenchmark kernels (the tests run each kernel at small sizes; the
#    sweep test is left out: it is the timed sweep again, far too slow under the sanitizer), and
#    racecheck and synccheck over the LLM workload's (its memcheck ran in 0.). Last: the slowest
#    step, and a check of correctness rather than a measurement, so that a --budget cuts it first.
if [ -n "$sanitizer_bin" ]; then
  # The kernels most likely to be wrong first (wgmma's barriers and async proxy, shared memory),
  # then the rest; memcheck and initcheck over every kernel, racecheck and synccheck where shared
  # memory and barriers are used. initcheck leaves out the tests that read back a buffer on
  # purpose never written (*_caught: a missing write must be detected).
  checks=()
  [ "$characterize" -eq 1 ] &&
    checks+=(racecheck:wgmma_bench_test synccheck:wgmma_bench_test memcheck:wgmma_bench_test
             racecheck:smem_bench_test synccheck:smem_bench_test memcheck:smem_bench_test)
  [ "$llm_sanitized" -eq 1 ] && checks+=(racecheck:llm_gpu_model_test synccheck:llm_gpu_model_test)
  [ "$characterize" -eq 1 ] &&
    checks+=(memcheck:chase_bench_test memcheck:stream_bench_test memcheck:mma_bench_test memcheck:core_bench_test
             memcheck:host_link_bench_test initcheck:wgmma_bench_test initcheck:smem_bench_test
             initcheck:chase_bench_test initcheck:stream_bench_test initcheck:mma_bench_test initcheck:core_bench_test)
  for check in "${checks[@]}"; do
    tool=${check%%:*} t=${check#*:}
    [ -x "$bundle/tests/$t" ] || continue
    filter=()
    [ "$tool" = initcheck ] && filter=(--gtest_filter=-*_caught)
    # The small copies queue behind a spinning stream-gate kernel that the host opens; a sanitizer
    # that holds the host until a launch ends would time the gate out (a refused time, not a bug).
    [ "$t" = host_link_bench_test ] && filter=(--gtest_filter=-*small_copies*)
    if [ "$t" = llm_gpu_model_test ]; then
      step "compute-sanitizer $tool $t" 90 "${llm_env[@]}" "$sanitizer_bin" --tool "$tool" --error-exitcode 99 \
        "${llm_loader[@]}" "$bundle/tests/$t" --gtest_color=no
    else
      step "compute-sanitizer $tool $t" 90 "$sanitizer_bin" --tool "$tool" --error-exitcode 99 "${loader[@]}" \
        "$bundle/tests/$t" --gtest_color=no "${filter[@]}"
    fi
  done
fi

{
  echo "# gpu-validate summary: $gpu_name"
  echo
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $SECONDS s in all${budget:+ of a $budget s budget}; exit status $status"
  echo
  printf '%s\n' "${steps[@]}" | sed 's/^/    /'
} >"$out/summary.md"
cat "$out/summary.md"
[ -f "$out/ceilings.md" ] && cat "$out/ceilings.md"
[ -f "$out/counters_vs_ncu.md" ] && sed -n '/^## By metric/,/^## By launch/p' "$out/counters_vs_ncu.md" | sed '$d'
[ -f "$out/collector_overhead/summary.txt" ] && cat "$out/collector_overhead/summary.txt"
if [ -n "$archive" ]; then
  pack && echo "gpu-validate: packed $out into $archive ($(du -h "$archive" | cut -f1))"
  # The device tool brings back files of 16 MiB at most.
  [ ! -f "$archive" ] || [ "$(stat -c %s "$archive")" -le $(( 16 * 1048576 )) ] ||
    echo "gpu-validate: $archive is over 16 MiB: a lent machine's \$OUT would not bring it back" >&2
fi
exit "$status"

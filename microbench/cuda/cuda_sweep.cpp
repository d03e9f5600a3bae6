#include "microbench/cuda/cuda_sweep.hpp"

#include <algorithm>
#include <climits>
#include <functional>
#include <map>
#include <new>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/sample_stats.hpp"
#include "core/interrupt.hpp"
#include "core/units.hpp"
#include "core/utc_time.hpp"
#include "core/working_set_sizes.hpp"
#include "core/version.hpp"
#include "microbench/best_point.hpp"
#include "microbench/check_failures.hpp"
#include "microbench/cuda/chase_bench.hpp"
#include "microbench/cuda/collective_bandwidth.hpp"
#include "microbench/cuda/core_bench.hpp"
#include "microbench/cuda/cublaslt_library.hpp"
#include "microbench/cuda/cuda_call.hpp"
#include "microbench/cuda/cuda_preset.hpp"
#include "microbench/cuda/gemm_bench.hpp"
#include "microbench/cuda/gpu_session.hpp"
#include "microbench/cuda/host_link_bench.hpp"
#include "microbench/cuda/p2p_bench.hpp"
#if RAFTER_HAVE_NCCL
#include "microbench/cuda/nccl_bench.hpp"
#include "microbench/cuda/nccl_library.hpp"
#endif
#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/mma_bench.hpp"
#include "microbench/cuda/nvml_library.hpp"
#include "microbench/cuda/smem_bench.hpp"
#include "microbench/cuda/stream_bench.hpp"
#include "microbench/cuda/tcgen05_bench.hpp"
#include "microbench/cuda/wgmma_bench.hpp"
#include "microbench/gbench_runner.hpp"
#include "microbench/gpu_devices.hpp"
#include "microbench/plateau.hpp"
#if RAFTER_HAVE_MPI
#include "microbench/mpi/agreed_timing.hpp"
#include "microbench/mpi/mpi_preset.hpp"
#include "microbench/mpi/mpi_world.hpp"
#endif

namespace rafter::cuda {

namespace {

/// A clock more than this far below the device's maximum is reported as throttling.
constexpr double throttle_ratio = 0.85;

/// Throws `error(check_failed)` when `mismatch` (a check's verdict) is not empty. Inside
/// `sweep_state::guarded` this drops the measurement being made, whose timing is then discarded.
void require_correct(const std::string& what, const std::string& mismatch) {
  if (!mismatch.empty()) throw error(exit_code::check_failed, what + " computed a wrong result: " + mismatch);
}

/// Median of at least one value.
double median_of(std::span<const double> v) { return sample_stats::of(v).median; }

struct sweep_state {
  const sweep_options& options;
  const cuda_preset& preset;
  progress& prog;
  gpu_session& session;
  nvml_library& nvml;
  machine_profile& profile;
  check_failures& failed;
  std::vector<double> compute_clocks;
  int unsettled = 0;
  int points = 0;

  void count(const sample_stats& s) {
    ++points;
    unsettled += s.settled ? 0 : 1;
  }

  /// Measures one unit of the sweep (one compute ceiling, one memory figure, one curve point, one
  /// link) under `failed.guard`. A unit adds to the profile and steps the progress only after its
  /// last check, so a wrong result drops all of it: its samples leave the settled count, a profile
  /// warning names it, the progress steps past it, and the sweep goes on. Any other exception
  /// passes through, the unit's samples again out of the settled count (it is not kept).
  template <typename Measure>
  void guarded(int& step, const std::string& id, Measure&& measure) {
    const auto drop_samples = [&, points_before = points, unsettled_before = unsettled] {
      points = points_before;
      unsettled = unsettled_before;
    };
    try {
      if (failed.guard(id, std::forward<Measure>(measure))) return;
    } catch (...) {
      drop_samples();
      throw;
    }
    drop_samples();
    profile.warnings.push_back(check_failures::warning(failed.failures().back()));
    prog.step(++step, id + ": computed a wrong result; not measured");
  }

  /// A compute ceiling's clock: kept for the profile's measured clock, and checked.
  void check_clock(const std::string& id, std::optional<double> clock_hz) {
    if (clock_hz) compute_clocks.push_back(*clock_hz);
    warn_if_throttled(id, clock_hz);
  }

  /// A warning when the SM clock during `id`'s measurement was under throttle_ratio of the maximum.
  void warn_if_throttled(const std::string& id, std::optional<double> clock_hz) {
    const auto& max = session.facts().max_sm_clock_hz;
    if (!clock_hz || !max) return;
    if (*clock_hz >= throttle_ratio * *max) return;
    std::string reasons;
    if (const auto r = nvml.read(session.facts().pci_bus_id); r && r->clock_event_reasons) {
      reasons = nvml_library::throttle_names(*r->clock_event_reasons);
    }
    profile.warnings.push_back(fmt::format("{}: the SM clock was {} during the measurement, {:.0f}% of the maximum {}{}",
                                           id, format_hertz(*clock_hz), 100.0 * *clock_hz / *max, format_hertz(*max),
                                           reasons.empty() ? "" : " (NVML clock-event reasons: " + reasons + ")"));
  }
};

/// Measures the points of curve `c`, `point(size)` for each of `sizes`, each one guarded unit
/// "<curve id> at <size>". On an error that ends the phase, the points measured so far are kept in
/// the profile (raw points with a warning; no plateau or memory level is derived from a partial
/// curve) before the error passes on.
template <typename Point>
void measure_points(sweep_state& st, int& step, curve& c, const std::vector<std::size_t>& sizes, Point&& point) {
  try {
    for (const std::size_t size : sizes) {
      throw_if_interrupted();
      st.guarded(step, fmt::format("{} at {}", c.id, format_capacity(static_cast<double>(size))), [&] { point(size); });
    }
  } catch (...) {
    if (!c.points.empty()) {
      st.profile.warnings.push_back(fmt::format("{}: the curve ends at {}, where the sweep stopped; no plateau or "
                                                "memory level is derived from it",
                                                c.id, format_capacity(c.points.back().x)));
      st.profile.curves.push_back(std::move(c));
    }
    throw;
  }
}

/// Grows `units` (starting at `first`) until one timed run lasts at least a tenth of the target,
/// then scales it to the target. `time_of(units)` runs once and returns seconds.
std::size_t calibrate(const std::function<double(std::size_t)>& time_of, std::size_t first, double target_s,
                      std::size_t max_units) {
  std::size_t units = first;
  double t = time_of(units);  // Also the warm-up: module load, clocks, caches.
  t = time_of(units);
  while (t < target_s / 10 && units < max_units / 8) {
    units *= 8;
    t = time_of(units);
  }
  return scale_to_target(t, units, target_s, 1, max_units);
}

compute_ceiling ceiling(const std::string& id, const std::string& precision, const std::string& unit,
                        const sample_stats& seconds, double flop, std::optional<double> clock_hz, const std::string& method) {
  compute_ceiling c;
  c.id = id;
  c.precision = precision;
  c.unit = unit;
  c.samples = seconds.reciprocal_scaled(flop);
  c.flop_per_s = c.samples->median;
  c.source = figure_source::measured;
  c.method = fmt::format("{}; median of {} repetitions (CUDA events)", method, c.samples->n);
  c.clock_hz = clock_hz;
  return c;
}

void measure_core(sweep_state& st, int& step) {
  for (const core_op_info& i : core_ops()) {
    throw_if_interrupted();
    st.guarded(step, i.id, [&] {
      core_bench bench(st.session, i.op, st.options.seed + static_cast<std::uint64_t>(i.op));
      require_correct("the kernel", bench.run_and_check(1, 0));  // every thread, one trip of core_unroll steps
      const auto outer = static_cast<int>(calibrate([&](std::size_t n) { return bench.time(static_cast<int>(n)); }, 16,
                                                    st.preset.launch_target_s, INT_MAX / 2));
      st.session.reset_probe();
      const sample_stats t = measure_with_gbench(std::string("cuda/") + i.id, [&] { return bench.time(outer); }, st.preset.timing);
      const auto clock = st.session.probed_clock_hz();
      require_correct("the kernel", bench.check_output(outer, 64));
      compute_ceiling c = ceiling(i.id, i.precision, "vector", t, bench.flop(outer), clock,
                                  fmt::format("{} chains of dependent {} per thread, {} threads (a full wave of {} blocks)",
                                              core_chains, i.instruction, bench.threads(), bench.blocks()));
      st.count(*c.samples);
      st.check_clock(i.id, clock);
      st.prog.step(++step, fmt::format("{}: {}{}", i.id, format_compute_rate(c.flop_per_s, c.precision), c.samples->settled ? "" : " (not settled)"));
      st.profile.compute.push_back(std::move(c));
    });
  }
}

/// The tensor-core instruction ceilings (mma.sync, wgmma, tcgen05): one Bench per op of `ops`; a
/// device that cannot run one (or only emulates it) skips it with its reason. `first_outer` is
/// where the trip-count calibration starts; `method(op, bench)` describes one.
template <class Bench, class Info, class Method>
void measure_tensor_instructions(sweep_state& st, int& step, std::span<const Info> ops, std::uint64_t seed_offset,
                                 std::size_t first_outer, const Method& method) {
  for (const Info& i : ops) {
    throw_if_interrupted();
    std::optional<Bench> bench;
    try {
      bench.emplace(st.session, i.op, st.options.seed + seed_offset + static_cast<std::uint64_t>(i.op));
    } catch (const unsupported_error& e) {
      st.prog.step(++step, fmt::format("{}: skipped ({})", i.id, e.what()));
      continue;
    }
    st.guarded(step, i.id, [&] {
      require_correct("the kernel", bench->run_and_check(2));
      const auto outer = static_cast<int>(calibrate([&](std::size_t n) { return bench->time(static_cast<int>(n)); },
                                                    first_outer, st.preset.launch_target_s, INT_MAX / 2));
      st.session.reset_probe();
      const sample_stats t = measure_with_gbench(std::string("cuda/") + i.id, [&] { return bench->time(outer); }, st.preset.timing);
      const auto clock = st.session.probed_clock_hz();
      // The timed launches' own output is no check: after thousands of steps the rounding bound
      // (async_mma_tolerance) exceeds the values themselves (fp8: any finite output would pass).
      // The same kernel is checked again, at a step count the bound is tight for.
      require_correct("the kernel after timing", bench->run_and_check(2));
      compute_ceiling c = ceiling(i.id, i.precision, "tensor", t, bench->flop(outer), clock, method(i, *bench));
      st.count(*c.samples);
      st.check_clock(i.id, clock);
      st.prog.step(++step, fmt::format("{}: {}{}", i.id, format_compute_rate(c.flop_per_s, c.precision), c.samples->settled ? "" : " (not settled)"));
      st.profile.compute.push_back(std::move(c));
    });
  }
}

/// The mma.sync ops whose block_scaled flag is `block_scaled`.
std::vector<mma_op_info> mma_ops_scaled(bool block_scaled) {
  std::vector<mma_op_info> ops;
  for (const mma_op_info& i : mma_ops()) {
    if (i.block_scaled == block_scaled) ops.push_back(i);
  }
  return ops;
}

/// The mma.sync ceilings, the block-scaled ones (sm_120 family) or the others.
void measure_mma(sweep_state& st, int& step, bool block_scaled) {
  const std::vector<mma_op_info> ops = mma_ops_scaled(block_scaled);
  measure_tensor_instructions<mma_bench>(st, step, std::span<const mma_op_info>(ops), 100, 64,
                                         [](const mma_op_info& i, const mma_bench& bench) {
    return fmt::format("{} in {} independent accumulator chains per warp, {} warps, random inputs{}", i.ptx, mma_chains,
                       bench.warps(), i.block_scaled ? " and random block scales" : "");
  });
}

void measure_wgmma(sweep_state& st, int& step) {
  measure_tensor_instructions<wgmma_bench>(st, step, wgmma_ops(), 200, 16, [](const wgmma_op_info& i, const wgmma_bench& bench) {
    return fmt::format("{} (A and B in shared memory, no swizzle), one warpgroup per block, {} blocks, random inputs",
                       i.ptx, bench.blocks());
  });
}

void measure_tcgen05(sweep_state& st, int& step) {
  measure_tensor_instructions<tcgen05_bench>(st, step, tcgen05_ops(), 300, 16, [](const tcgen05_op_info& i, const tcgen05_bench& bench) {
    return fmt::format("{} m{}n{}k{} (A and B in shared memory, no swizzle; D in tensor memory{}), issued by one "
                       "thread per block, {} blocks ({} per SM), random inputs",
                       i.ptx, i.m, i.n, i.k, i.block_scaled ? ", scale factors 1.0" : "", bench.blocks(),
                       tcgen05_blocks_per_sm);
  });
}

void measure_gemm(sweep_state& st, int& step) {
  const cublaslt_library lt;
  for (const gemm_precision_info& i : gemm_precisions()) {
    throw_if_interrupted();
    if (!lt.available()) {
      st.prog.step(++step, fmt::format("{}: skipped (cuBLASLt unavailable: {})", i.id, lt.unavailable_reason()));
      continue;
    }
    if (st.session.facts().cc < i.min_cc) {
      st.prog.step(++step, fmt::format("{}: not on compute capability {}.{}", i.id, st.session.facts().cc / 10,
                                       st.session.facts().cc % 10));
      continue;
    }
    st.guarded(step, i.id, [&] {
      std::optional<compute_ceiling> best;
      std::string per_size;
      std::string skipped;
      for (const std::size_t size : st.preset.gemm_sizes) {
        throw_if_interrupted();
        const std::string what = fmt::format("cuBLASLt {} GEMM at {}^3", i.name, size);
        // cuBLASLt refusing a size (no algorithm, a failed call, at setup or in a timed run) skips
        // that size, with its reason; a wrong result drops the whole precision (require_correct).
        std::optional<compute_ceiling> measured;
        try {
          gemm_bench bench(st.session, lt, i.precision, size, st.options.seed + 600 + static_cast<std::uint64_t>(i.precision));
          require_correct(what, bench.run_and_check());
          const auto launches = static_cast<int>(calibrate([&](std::size_t n) { return bench.time(static_cast<int>(n)); }, 1,
                                                           st.preset.launch_target_s, 1 << 16));
          // The SM clock as the GEMMs ran: NVML read right after each timed sample (the host check
          // below leaves the GPU idle long enough for a power-limited clock to climb back).
          std::vector<double> sample_clocks;
          const sample_stats t = measure_with_gbench(fmt::format("cuda/{}/{}", i.id, size), [&] {
            const double seconds = bench.time(launches);
            if (const auto r = st.nvml.read(st.session.facts().pci_bus_id); r && r->sm_clock_hz) sample_clocks.push_back(*r->sm_clock_hz);
            return seconds;
          }, st.preset.timing);
          require_correct(what, bench.check_output());
          std::optional<double> clock;
          if (!sample_clocks.empty()) clock = median_of(sample_clocks);
          measured = ceiling(i.id, i.name, "matrix_library", t, bench.flop(launches), clock,
                             fmt::format("cuBLASLt matmul m=n=k={} ({}; D = A^T B, fp32 accumulation, top heuristic "
                                         "algorithm, {} workspace), random inputs, {} sampled outputs checked against "
                                         "a host reference{}",
                                         size, i.layout, format_capacity(static_cast<double>(gemm_bench::workspace_bytes)),
                                         gemm_bench::samples, clock ? "; SM clock: median of NVML reads right after each timed sample" : ""));
        } catch (const unsupported_error& e) {
          // Only while the context is sound: a cuBLASLt failure over a GPU fault (an execution
          // failure, a sticky error) stops the sweep here, naming the fault, not the next call.
          const cudaError_t sticky = cudaDeviceSynchronize();
          if (sticky != cudaSuccess) {
            throw error(exit_code::unsupported, fmt::format("{}: {}; then {}", what, e.what(),
                                                            describe_cuda_error(sticky, "cudaDeviceSynchronize()",
                                                                                __FILE__, __LINE__)));
          }
          (void)cudaGetLastError();  // A non-sticky launch error cuBLASLt left behind is not the next call's.
          skipped += fmt::format("{}{}: {}", skipped.empty() ? "" : "; ", size, e.what());
          continue;
        }
        compute_ceiling& c = *measured;
        st.count(*c.samples);
        per_size += fmt::format("{}{}^3: {}", per_size.empty() ? "" : ", ", size, format_flops(c.flop_per_s));
        if (!best || c.flop_per_s > best->flop_per_s) best = std::move(c);
      }
      if (!best) {
        st.prog.step(++step, fmt::format("{}: skipped ({})", i.id, skipped));
        return;
      }
      best->note = "best of the size sweep: " + per_size + (skipped.empty() ? "" : "; not measured: " + skipped);
      if (best->clock_hz) st.check_clock(i.id, best->clock_hz);
      st.prog.step(++step, fmt::format("{}: {} ({}){}", i.id, format_flops(best->flop_per_s), per_size,
                                       best->samples->settled ? "" : " (not settled)"));
      st.profile.compute.push_back(std::move(*best));
    });
  }
}

/// A bandwidth measurement of `bench`: `launches` back-to-back launches per timed sample, queued
/// between one pair of events (a sub-millisecond HBM launch would otherwise carry the host's
/// launch gap); with `cold`, L2 is flushed before each sample. `clock_hz` (may be null) receives
/// the SM clock of the last timed launch (the kernels' probe), if it was read.
sample_stats measure_stream(sweep_state& st, stream_bench& bench, const std::string& name, std::size_t passes,
                            bool cold, std::size_t& launches, std::optional<double>* clock_hz = nullptr) {
  launches = calibrate([&](std::size_t n) { return bench.time_launches(passes, n, cold); }, 1, st.preset.launch_target_s,
                       1 << 16);
  st.session.reset_probe();
  const sample_stats t =
      measure_with_gbench(name, [&] { return bench.time_launches(passes, launches, cold); }, st.preset.timing);
  if (clock_hz) *clock_hz = st.session.probed_clock_hz();
  return t.reciprocal_scaled(bench.bytes(passes) * static_cast<double>(launches));
}

void measure_memory(sweep_state& st, std::map<std::string, memory_level>& levels) {
  const device_facts& f = st.session.facts();
  const stream_op ops[] = {stream_op::read, stream_op::write, stream_op::copy, stream_op::triad};
  int step = 0;
  st.prog.begin("memory", 6);
  for (const stream_op op : ops) {
    throw_if_interrupted();
    st.guarded(step, std::string("hbm.") + to_string(op), [&] {
      const std::size_t array_bytes = hbm_array_bytes(st.preset, f.l2_bytes, f.free_bytes, arrays_touched(op));
      stream_bench bench(st.session, op, vectors_in(array_bytes), load_path::cached, st.options.seed + 300);
      const std::string what = fmt::format("the {} kernel on {} arrays", to_string(op), format_capacity(static_cast<double>(array_bytes)));
      require_correct(what, bench.run_and_check(1));
      std::size_t launches = 1;
      std::optional<double> clock;
      const sample_stats bw = measure_stream(st, bench, std::string("cuda/hbm.") + to_string(op), 1, true, launches, &clock);
      require_correct(what, bench.check_output(1));
      st.count(bw);
      st.warn_if_throttled(std::string("hbm.") + to_string(op), clock);
      memory_level& hbm = levels["hbm"];
      if (op == stream_op::read || !hbm.clock_hz) hbm.clock_hz = clock;  // The read's: the roofline's bandwidth.
      switch (op) {
        case stream_op::read: hbm.read_bytes_per_s = bw.median; break;
        case stream_op::write: hbm.write_bytes_per_s = bw.median; break;
        case stream_op::copy: hbm.copy_bytes_per_s = bw.median; break;
        case stream_op::triad: hbm.triad_bytes_per_s = bw.median; break;
      }
      hbm.samples[to_string(op)] = bw;
      hbm.method = fmt::format(
          "16-byte vector loads/stores (int4/float4), grid-stride over a full wave of blocks, {} per array (at least {:.0f}x "
          "L2), L2 flushed before each timed sample, STREAM byte counting (no write-allocate)",
          format_capacity(static_cast<double>(array_bytes)), st.preset.hbm_over_l2);
      st.prog.step(++step, fmt::format("hbm {}: {}{}", to_string(op), format_bandwidth(bw.median), bw.settled ? "" : " (not settled)"));
    });
  }

  throw_if_interrupted();
  st.guarded(step, "l2.read", [&] {  // A working set inside L2, loads that bypass L1.
    const auto bytes = static_cast<std::size_t>(f.l2_bytes * st.preset.l2_fraction);
    stream_bench bench(st.session, stream_op::read, vectors_in(bytes), load_path::l2_only, st.options.seed + 400);
    require_correct("the L2 read kernel", bench.run_and_check(2));
    const std::size_t passes = calibrate([&](std::size_t p) { return bench.time(p, false); }, 4, st.preset.launch_target_s, 1 << 24);
    std::size_t launches = 1;
    std::optional<double> clock;
    const sample_stats bw = measure_stream(st, bench, "cuda/l2.read", passes, false, launches, &clock);
    require_correct("the L2 read kernel", bench.check_output(passes));
    st.count(bw);
    st.warn_if_throttled("l2.read", clock);
    memory_level& l2 = levels["l2"];
    l2.read_bytes_per_s = bw.median;
    l2.clock_hz = clock;
    l2.samples["read"] = bw;
    l2.method = fmt::format("16-byte ld.global.cg loads (L1 bypassed) re-reading a {} working set ({:.0f}% of L2), full wave",
                            format_capacity(static_cast<double>(bytes)), st.preset.l2_fraction * 100);
    st.prog.step(++step, fmt::format("l2 read: {}{}", format_bandwidth(bw.median), bw.settled ? "" : " (not settled)"));
  });

  throw_if_interrupted();
  st.guarded(step, "smem.read", [&] {
    smem_bench bench(st.session, st.options.seed + 500);
    require_correct("the shared-memory kernel", bench.run_and_check(3));
    const auto passes = static_cast<int>(calibrate([&](std::size_t p) { return bench.time(static_cast<int>(p)); }, 64,
                                                   st.preset.launch_target_s, INT_MAX / 2));
    st.session.reset_probe();
    const sample_stats t = measure_with_gbench("cuda/smem.read", [&] { return bench.time(passes); }, st.preset.timing);
    const auto clock = st.session.probed_clock_hz();
    require_correct("the shared-memory kernel", bench.check_output(passes));
    const sample_stats bw = t.reciprocal_scaled(bench.bytes(passes));
    st.count(bw);
    memory_level& smem = levels["smem"];
    smem.read_bytes_per_s = bw.median;
    smem.samples["read"] = bw;
    smem.capacity_bytes = f.shared_memory_per_sm_bytes * f.sms;
    smem.clock_hz = clock;
    st.warn_if_throttled("smem.read", clock);
    smem.method = fmt::format("conflict-free 16-byte shared-memory loads (LDS.128), {} threads, {} loads per pass",
                              bench.threads(), smem_loads);
    st.prog.step(++step, fmt::format("smem read: {}{}", format_bandwidth(bw.median), bw.settled ? "" : " (not settled)"));
  });
}

void measure_curve(sweep_state& st, std::map<std::string, memory_level>& levels) {
  const device_facts& f = st.session.facts();
  const std::size_t last = std::max(st.preset.curve_min_last, static_cast<std::size_t>(f.l2_bytes * st.preset.curve_span_over_l2));
  const std::size_t cap = static_cast<std::size_t>(0.5 * static_cast<double>(f.free_bytes));
  // From where every SM has two blocks' worth of work: smaller working sets are a ramp, not a level.
  const std::size_t granule = 1 << 16;
  const auto sizes =
      working_set_sizes(curve_first_bytes(st.preset, f.sms, granule), last, cap, st.preset.steps_per_octave, granule);
  curve c;
  c.id = "bandwidth.read";
  c.kind = "bandwidth";
  c.access = "read";
  c.y_unit = "B/s";
  int step = 0;
  st.prog.begin("bandwidth curve", static_cast<int>(sizes.size()));
  measure_points(st, step, c, sizes, [&](std::size_t ws) {
    stream_bench bench(st.session, stream_op::read, vectors_in(ws), load_path::cached, st.options.seed + ws);
    require_correct("the read kernel", bench.run_and_check(1));
    const std::size_t passes = calibrate([&](std::size_t p) { return bench.time(p, false); }, 1, st.preset.launch_target_s, 1 << 24);
    std::size_t launches = 1;
    curve_point pt;
    pt.x = static_cast<double>(bench.working_set_bytes());
    pt.y = measure_stream(st, bench, fmt::format("cuda/{}/{}", c.id, ws), passes, false, launches);
    require_correct("the read kernel", bench.check_output(passes));
    st.count(pt.y);
    c.points.push_back(pt);
    st.prog.step(++step, fmt::format("read {}: {}{}", format_capacity(pt.x), format_bandwidth(pt.y.median),
                                     pt.y.settled ? "" : " (not settled)"));
  });
  if (c.points.empty()) return;  // Every point failed its check (each has its warning).
  // All SMs together: L1 holds up to (shared memory per SM) x SMs, L2 its reported size. An L2
  // less than an octave beyond that (H100: 132 x 228 KiB = 30 MB of L1, 50 MB of L2) leaves the
  // curve too few points to resolve it: its plateau is then named if found, and its absence is no
  // warning (l2.read measures L2 on its own).
  const double l1_all_sms = f.shared_memory_per_sm_bytes * f.sms;
  std::vector<level_bound> bounds = {{"l1", l1_all_sms}, {"l2", f.l2_bytes}};
  bounds.back().may_be_unresolved = f.l2_bytes < 2.0 * l1_all_sms;
  level_match match = match_levels(detect_plateaus(c), bounds, "hbm", "B/s");
  c.plateaus = match.plateaus;
  for (const auto& w : match.warnings) st.profile.warnings.push_back("bandwidth.read: " + w);
  for (const auto& p : c.plateaus) {
    if (p.level != "l1") continue;  // L2 and HBM have dedicated measurements above.
    memory_level& l1 = levels["l1"];
    const curve_point* best = highest_point(c, p);  // the level's ceiling: its best point
    l1.read_bytes_per_s = best ? best->y.median : p.value;
    if (best) l1.samples["read"] = best->y;
    l1.method = "best point of the read bandwidth curve's L1 plateau (ordinary 16-byte loads, every SM re-reading its "
                "share)";
  }
  if (!levels.contains("l1") && !bounds.empty()) {
    const double half_l1 = 0.5 * bounds.front().capacity_bytes;
    // Not below every_sm_busy_bytes: there some SMs have no block with work (a ramp, not L1).
    const auto busy = static_cast<double>(every_sm_busy_bytes(f.sms));
    if (const auto inside = median_between(c, busy, half_l1)) {
      memory_level& l1 = levels["l1"];
      l1.read_bytes_per_s = inside->value;
      l1.method = fmt::format("median of the read bandwidth curve's {} points from {} (a block with work on every SM) "
                              "up to half the L1 of all SMs ({}): the curve showed no L1 plateau",
                              inside->points, format_capacity(busy), format_capacity(half_l1));
      st.profile.warnings.push_back("bandwidth.read: no flat L1 plateau; l1 read is the median of the points from a "
                                    "block with work on every SM up to half the L1 of all SMs");
    }
  }
  st.profile.curves.push_back(std::move(c));
}

void measure_latency(sweep_state& st, std::map<std::string, memory_level>& levels) {
  const device_facts& f = st.session.facts();
  const std::size_t cap = static_cast<std::size_t>(0.4 * static_cast<double>(f.free_bytes));
  const auto sizes = chase_footprints(st.preset, f.l2_bytes, cap, chase_line_bytes * 2);
  curve c;
  c.id = "latency.chase";
  c.kind = "latency";
  c.access = "chase";
  c.y_unit = "s";
  std::vector<double> clocks;
  int step = 0;
  st.prog.begin("latency", static_cast<int>(sizes.size()));
  measure_points(st, step, c, sizes, [&](std::size_t footprint) {
    chase_bench bench(st.session, footprint, st.options.seed + footprint);
    const auto warm = static_cast<std::uint32_t>(std::min<std::size_t>(bench.lines(), st.preset.chase_warm_max));
    const std::uint32_t hops = st.preset.chase_hops;
    chase_result r = bench.run(warm, hops);
    require_correct("the pointer chase", bench.check(r, warm, hops));
    // L1 does not survive a launch (it is invalidated, and block 0 may land on another SM): a
    // footprint that may fit in L1 is walked once, untimed, in every timed launch. L2 keeps its
    // lines from launch to launch, so larger footprints need no re-warming.
    const bool may_fit_l1 = static_cast<double>(bench.footprint_bytes()) <= 2.0 * f.shared_memory_per_sm_bytes;
    const std::uint32_t rewarm = may_fit_l1 ? static_cast<std::uint32_t>(bench.lines()) : 0u;
    std::vector<double> point_clocks;
    std::string timed_mismatch;  // The first wrong timed walk's, checked after Google Benchmark (no throw across it).
    const sample_stats t = measure_with_gbench(
        fmt::format("cuda/{}/{}", c.id, footprint),
        [&] {
          r = bench.run(rewarm, hops);
          if (timed_mismatch.empty()) timed_mismatch = bench.check(r, rewarm, hops);
          if (const auto hz = clock_hz_from_probe(r.cycles, r.nanoseconds)) point_clocks.push_back(*hz);
          return static_cast<double>(r.nanoseconds) * 1e-9;
        },
        st.preset.timing);
    require_correct("a timed pointer chase", timed_mismatch);
    curve_point pt;
    pt.x = static_cast<double>(bench.footprint_bytes());
    pt.y = t;
    pt.y.median /= hops;
    pt.y.min /= hops;
    pt.y.max /= hops;
    st.count(pt.y);
    if (!point_clocks.empty()) clocks.push_back(median_of(point_clocks));
    c.points.push_back(pt);
    st.prog.step(++step, fmt::format("chase {}: {}{}", format_capacity(pt.x), format_seconds(pt.y.median),
                                     pt.y.settled ? "" : " (not settled)"));
  });
  if (c.points.empty()) return;  // Every point failed its check (each has its warning).
  const double clock_hz = clocks.empty() ? 0.0 : median_of(clocks);  // 0: no clock recorded.
  // One thread on one SM: its L1 (at most the shared memory per SM), then L2. A partitioned L2
  // (A100, H100) serves the chase from the SM's near partition while the footprint fits there and
  // from the far one beyond: two plateaus inside L2, "l2" and "l2.far". Beyond L2, HBM and then
  // the latency steps of TLB reach ("hbm.step1", ...).
  const std::vector<level_bound> bounds = {{"l1", f.shared_memory_per_sm_bytes}, {"l2", f.l2_bytes, "l2.far"}};
  level_match match = match_levels(detect_plateaus(c), bounds, "hbm", "s", plateau_naming::steps);
  c.plateaus = match.plateaus;
  for (const auto& w : match.warnings) st.profile.warnings.push_back("latency.chase: " + w);
  for (const auto& p : c.plateaus) {
    if (p.level.empty()) continue;
    memory_level& m = levels[p.level];
    // The level's latency is its median point's, so it and its sample statistics are one measurement.
    const curve_point* rep = median_point(c, p);
    m.latency_s = rep ? rep->y.median : p.value;
    if (clock_hz > 0.0) m.latency_cycles = *m.latency_s * clock_hz;
    if (rep) m.samples["latency"] = rep->y;
    const std::string latency_method = fmt::format(
        "latency: one thread chasing a random single cycle of 128-byte lines, {} hops per launch, %globaltimer and "
        "clock64 (SM clock during the chase {})", st.preset.chase_hops, clock_hz > 0.0 ? format_hertz(clock_hz) : "unknown");
    m.method = m.method.empty() ? latency_method : m.method + "; " + latency_method;
    if (p.level == "l2.far") {
      m.note = fmt::format("far L2 partition: the chase's latency once the footprint outgrows the near partition "
                           "(plateau {} .. {}); l2's latency_s is the near partition's",
                           format_capacity(p.x_min), format_capacity(p.x_max));
    } else if (stepped_level(p.level) == "hbm") {
      m.note = fmt::format("a latency step beyond HBM's first plateau (TLB reach), footprints {} .. {}",
                           format_capacity(p.x_min), format_capacity(p.x_max));
    }
  }
  st.profile.curves.push_back(std::move(c));
}

/// Bandwidth of `repeats`-copy samples and the time statistics scaled to one copy.
struct link_timing {
  sample_stats bandwidth;  ///< B/s.
  int repeats = 1;
};

template <typename Time>
link_timing time_link(sweep_state& st, const std::string& name, double bytes_per_repeat, Time&& time_of) {
  link_timing r;
  r.repeats = static_cast<int>(calibrate([&](std::size_t n) { return time_of(static_cast<int>(n)); }, 1,
                                         st.preset.launch_target_s, 1 << 12));
  const sample_stats t = measure_with_gbench(name, [&] { return time_of(r.repeats); }, st.preset.timing);
  r.bandwidth = t.reciprocal_scaled(bytes_per_repeat * r.repeats);
  st.count(r.bandwidth);
  return r;
}

/// Seconds of one small copy: `copies` back-to-back copies per sample, median over the samples.
/// `small(copies, mismatch)` returns a sample's seconds, or std::nullopt when its stream gate timed
/// out (stream_gate.hpp), and sets `mismatch` when a copy went wrong, which throws
/// (require_correct) once the timing is done. A gate that timed out ends that timing; the timing
/// starts over, up to k_small_copy_attempts times in all (a host stalled once costs one attempt),
/// then std::nullopt, `refusal` saying why: the latency is not measured.
constexpr int k_small_copy_attempts = 3;
template <typename Small>
std::optional<sample_stats> time_small_copies(sweep_state& st, const std::string& name, const std::string& refusal,
                                              Small&& small) {
  const int copies = st.preset.link_small_copies;
  std::string first_mismatch;
  std::optional<sample_stats> t;
  for (int attempt = 0; attempt < k_small_copy_attempts && !t && first_mismatch.empty(); ++attempt) {
    bool refused = false;
    try {
      t = measure_with_gbench(name, [&] {
        std::string mismatch;
        const std::optional<double> seconds = small(copies, mismatch);
        if (first_mismatch.empty()) first_mismatch = mismatch;
        if (!seconds) {
          refused = true;
          throw unsupported_error(refusal);  // Ends the timing; rethrown once Google Benchmark returned.
        }
        return *seconds;
      }, st.preset.timing);
    } catch (const unsupported_error&) {
      if (!refused) throw;
    }
  }
  require_correct(fmt::format("a small copy ({} bytes)", st.preset.link_small_bytes), first_mismatch);
  if (!t) return std::nullopt;
  t->median /= copies;
  t->min /= copies;
  t->max /= copies;
  st.count(*t);
  return t;
}

/// A link's small-copy latency `lat` (or, when its timing was refused, why not: a note and a
/// profile warning) and how it was measured.
void set_link_latency(sweep_state& st, link_ceiling& l, const std::optional<sample_stats>& lat,
                      const std::string& refusal, const std::string& method) {
  if (!lat) {
    l.note = "latency_s not measured: " + refusal;
    st.profile.warnings.push_back(l.id + ": small-copy latency not measured: " + refusal);
    return;
  }
  l.latency_s = lat->median;
  l.method += fmt::format("; latency: {}, the CUDA-event time of {} back-to-back {}-byte copies queued behind a "
                          "stream-gate kernel (the host's queuing not timed) divided by {} (median {})",
                          method, st.preset.link_small_copies, st.preset.link_small_bytes,
                          st.preset.link_small_copies, format_seconds(lat->median));
}

/// Whether the contexts of `devices` are still usable after an error: clears the pending
/// (non-sticky) error, then synchronizes each device. Returns the empty string when every one
/// succeeded (`current` is then current again), else what failed, naming the GPU (a sticky error:
/// that context is unusable).
std::string unusable_context(const std::vector<int>& devices, int current) {
  (void)cudaGetLastError();  // A non-sticky error of the failed call is not the next call's.
  for (const int d : devices) {
    cudaError_t status = cudaSetDevice(d);
    if (status == cudaSuccess) status = cudaDeviceSynchronize();
    if (status != cudaSuccess) {
      return fmt::format("GPU {}: {}", d, describe_cuda_error(status, "cudaDeviceSynchronize()", __FILE__, __LINE__));
    }
  }
  if (const cudaError_t status = cudaSetDevice(current); status != cudaSuccess) {
    return describe_cuda_error(status, "cudaSetDevice(current)", __FILE__, __LINE__);
  }
  return {};
}

/// Runs `setup`, the construction of a link benchmark (buffers, peer access, communicators) on
/// the GPUs `devices`. Returns the empty string when it succeeded (the setup's device current).
/// When it threw an `error` other than an interruption or a usage error, or ran out of host
/// memory, while the contexts stayed usable (unusable_context), returns the reason, `current`
/// current, for the caller to skip what needed the setup. Over a sticky error (a context left
/// unusable) throws an error naming both, which stops the sweep.
template <typename Setup>
std::string link_setup(const std::vector<int>& devices, int current, Setup&& setup) {
  std::string reason;
  try {
    std::forward<Setup>(setup)();
    return {};
  } catch (const error& e) {
    if (e.code() == exit_code::interrupted || e.code() == exit_code::usage) throw;
    reason = e.what();
  } catch (const std::bad_alloc&) {
    reason = "out of host memory";
  }
  if (const std::string unusable = unusable_context(devices, current); !unusable.empty()) {
    throw error(exit_code::unsupported, fmt::format("{}; then {}", reason, unusable));
  }
  return reason;
}

/// Links `what` whose setup failed for `reason`: a profile warning "<what> not measured: <reason>"
/// and the `steps` progress steps they would have taken, named `label`.
void skip_links(sweep_state& st, int& step, int steps, const std::string& what, const std::string& label,
                const std::string& reason) {
  st.profile.warnings.push_back(what + " not measured: " + reason);
  step += steps;
  st.prog.step(step, label + ": skipped (" + reason + ")");
}

link_ceiling make_link(const std::string& id, const sample_stats& bandwidth, const std::string& method) {
  link_ceiling l;
  l.id = id;
  l.bytes_per_s = bandwidth.median;
  l.samples = bandwidth;
  l.source = figure_source::measured;
  l.method = fmt::format("{}; median of {} repetitions", method, bandwidth.n);
  return l;
}

/// The PCIe link the host-link figures ran over, read right after the pinned H2D copies (an idle
/// link trains down, so a reading before any transfer would understate it).
void record_pcie_link(sweep_state& st) {
  const auto r = st.nvml.read(st.session.facts().pci_bus_id);
  if (const auto link = r ? nvml_library::pcie_link(*r) : std::nullopt) st.profile.device.environment["pcie_link"] = *link;
}

void measure_host_links(sweep_state& st, int& step) {
  const device_facts& f = st.session.facts();
  const std::size_t bytes = std::min(st.preset.link_bytes, static_cast<std::size_t>(0.2 * static_cast<double>(f.free_bytes))) / 16 * 16;
  std::optional<host_link_bench> built;
  if (const std::string failed =
          link_setup({f.index}, st.options.device, [&] { built.emplace(st.session, bytes, st.options.seed + 700); });
      !failed.empty()) {
    skip_links(st, step, static_cast<int>(host_copies().size()), "host links", "host links", failed);
    return;
  }
  host_link_bench& bench = *built;
  for (const host_copy_info& i : host_copies()) {
    throw_if_interrupted();
    st.guarded(step, i.id, [&] {
      const std::string what = fmt::format("the copy of {}", format_capacity(static_cast<double>(bytes)));
      require_correct(what, bench.run_and_check(i.copy));
      const link_timing t = time_link(st, std::string("cuda/link/") + i.id, bench.bytes(i.copy, 1),
                                      [&](int n) { return bench.time(i.copy, n); });
      if (i.copy == host_copy::h2d_pinned) record_pcie_link(st);
      require_correct(what, bench.check_output(i.copy));
      link_ceiling l = make_link(i.id, t.bandwidth,
                            fmt::format("{}, {} per copy, {} back-to-back copies per sample, every destination checked word "
                                        "for word{}",
                                        i.method, format_capacity(static_cast<double>(bytes)), t.repeats,
                                        i.copy == host_copy::h2d_sm_kernel || i.copy == host_copy::d2h_sm_kernel
                                            ? fmt::format(", {} blocks", bench.sm_blocks())
                                            : ""));
      if (i.copy == host_copy::h2d_pinned || i.copy == host_copy::d2h_pinned) {
        const bool h2d = i.copy == host_copy::h2d_pinned;
        const std::string refusal = bench.gate_timeout_reason();
        const auto lat = time_small_copies(st, std::string("cuda/link/") + i.id + "/latency", refusal,
                                           [&](int copies, std::string& mm) {
          return bench.small_copies(h2d, st.preset.link_small_bytes, copies, mm);
        });
        set_link_latency(st, l, lat, refusal, "pinned cudaMemcpyAsync");
      }
      st.prog.step(++step, fmt::format("{}: {}{}{}", i.id, format_bandwidth(l.bytes_per_s),
                                       l.latency_s ? ", small copy " + format_seconds(*l.latency_s) : "",
                                       t.bandwidth.settled ? "" : " (not settled)"));
      st.profile.links.push_back(std::move(l));
    });
  }
}

bool peer_pair_measured(const sweep_state& st, int a, int b) {
  return a != b && (st.preset.p2p_all_pairs || a == st.options.device || b == st.options.device);
}

void measure_peer_links(sweep_state& st, int& step, int devices) {
  for (int a = 0; a < devices; ++a) {
    for (int b = 0; b < devices; ++b) {
      if (!peer_pair_measured(st, a, b)) continue;
      throw_if_interrupted();
      const std::string id = fmt::format("p2p_{}_{}", a, b);
      std::optional<p2p_bench> bench;
      if (const std::string failed = link_setup({a, b}, st.options.device, [&] {
            bench.emplace(a, b, st.preset.link_bytes, st.options.seed + 800 + static_cast<std::uint64_t>(a * devices + b));
          });
          !failed.empty()) {
        skip_links(st, step, 2, id + ":", id, failed);
        continue;
      }
      for (const bool read : {false, true}) {
        st.guarded(step, read ? id + "_read" : id, [&] {
          const std::string what = fmt::format("the peer {} GPU {} -> GPU {}", read ? "read" : "write", a, b);
          require_correct(what, bench->run_and_check(read));
          const link_timing t = time_link(st, "cuda/link/" + id + (read ? "_read" : ""), bench->bytes(1),
                                          [&](int n) { return bench->time(read, n); });
          require_correct(what, bench->check_output());
          link_ceiling l = make_link(read ? id + "_read" : id, t.bandwidth,
                                fmt::format("cudaMemcpyPeerAsync GPU {} -> GPU {} issued on GPU {}'s stream ({}, copy engine, "
                                            "peer access enabled), {} per copy, {} copies per sample, destination checked "
                                            "word for word",
                                            a, b, read ? b : a, read ? "a read" : "a write",
                                            format_capacity(bench->bytes(1)), t.repeats));
          if (!read) {
            const std::string refusal = bench->gate_timeout_reason();
            const auto lat = time_small_copies(st, "cuda/link/" + id + "/latency", refusal, [&](int copies, std::string& mm) {
              return bench->small_copies(st.preset.link_small_bytes, copies, mm);
            });
            set_link_latency(st, l, lat, refusal, fmt::format("cudaMemcpyPeerAsync on GPU {}'s stream", a));
          }
          st.prog.step(++step, fmt::format("{}: {}", l.id, format_bandwidth(l.bytes_per_s)));
          st.profile.links.push_back(std::move(l));
        });
      }
    }
  }
  RAFTER_CUDA_CALL(cudaSetDevice(st.options.device));
}

void measure_collectives(sweep_state& st, int& step, int devices) {
#if RAFTER_HAVE_NCCL
  const nccl_library nccl;
  if (devices < 2 || !nccl.available()) {
    const std::string why = devices < 2 ? std::string("one GPU visible") : "NCCL unavailable: " + nccl.unavailable_reason();
    st.profile.warnings.push_back("NCCL collectives not measured: " + why);
    step += static_cast<int>(collectives().size());
    st.prog.step(step, "nccl: skipped (" + why + ")");
    return;
  }
  std::vector<int> all(static_cast<std::size_t>(devices));
  for (int d = 0; d < devices; ++d) all[static_cast<std::size_t>(d)] = d;
  std::optional<nccl_bench> built;
  if (const std::string failed = link_setup(all, st.options.device, [&] {
        built.emplace(nccl, all, st.preset.nccl_last, st.options.seed + 900);
      });
      !failed.empty()) {
    skip_links(st, step, static_cast<int>(collectives().size()), "NCCL collectives", "nccl", failed);
    return;
  }
  nccl_bench& bench = *built;
  const auto sizes = message_sizes(st.preset.nccl_first, st.preset.nccl_last, st.preset.nccl_factor,
                                   4 * static_cast<std::size_t>(devices));
  for (const collective_info& i : collectives()) {
    st.guarded(step, i.id, [&] {
      curve c;
      c.id = fmt::format("{}.busbw", i.id);
      c.kind = "bandwidth";
      c.access = i.id;
      c.y_unit = "B/s";
      best_point best;
      std::optional<double> latency;
      for (const std::size_t size : sizes) {
        throw_if_interrupted();
        const std::size_t bytes = bench.message_bytes(size);
        const std::string what = fmt::format("NCCL {} of {}", i.name, format_capacity(static_cast<double>(bytes)));
        require_correct(what, bench.run_and_check(i.op, bytes));
        const double factor = bus_bandwidth_factor(i.op, devices);
        const link_timing t = time_link(st, fmt::format("cuda/{}/{}", c.id, bytes), static_cast<double>(bytes) * factor,
                                        [&](int n) { return bench.time(i.op, bytes, n); });
        require_correct(what, bench.check_output(i.op, bytes));
        if (!latency) latency = bus_bandwidth(i.op, devices, static_cast<double>(bytes), 1.0) / t.bandwidth.median;
        c.points.push_back({static_cast<double>(bytes), t.bandwidth});
        best.offer(t.bandwidth, static_cast<double>(bytes));
      }
      link_ceiling l = make_link(i.id, *best.stats,
                            fmt::format("NCCL {} {} (fp32 sum) over {} GPUs in one process (ncclCommInitAll); bus bandwidth "
                                        "(nccl-tests: algbw = S/t, busbw = algbw x {:.4g}) at the best message size S = {} of "
                                        "{} to {}, host clock around back-to-back collectives, sampled outputs checked exactly",
                                        nccl.version(), i.name, devices, bus_bandwidth_factor(i.op, devices),
                                        format_capacity(best.x), format_capacity(static_cast<double>(sizes.front())),
                                        format_capacity(static_cast<double>(sizes.back()))));
      l.latency_s = latency;
      l.note = fmt::format("latency_s is the time of one collective at the smallest size, {}; the curve {} has busbw per size",
                           format_capacity(static_cast<double>(sizes.front())), c.id);
      st.prog.step(++step, fmt::format("{}: busbw {}", i.id, format_bandwidth(l.bytes_per_s)));
      st.profile.links.push_back(std::move(l));
      st.profile.curves.push_back(std::move(c));
    });
  }
  RAFTER_CUDA_CALL(cudaSetDevice(st.options.device));
#else
  (void)devices;
  st.profile.warnings.push_back("NCCL collectives not measured: this rafter was built without nccl.h");
  step += static_cast<int>(collectives().size());
  st.prog.step(step, "nccl: skipped (built without nccl.h)");
#endif
}

void measure_links(sweep_state& st) {
  int devices = 0;
  RAFTER_CUDA_CALL(cudaGetDeviceCount(&devices));
  int step = 0;
  int pairs = 0;
  for (int a = 0; a < devices; ++a) {
    for (int b = 0; b < devices; ++b) pairs += peer_pair_measured(st, a, b) ? 1 : 0;
  }
  st.prog.begin("interconnect", static_cast<int>(host_copies().size() + collectives().size()) + 2 * pairs);
  measure_host_links(st, step);
  measure_peer_links(st, step, devices);
  measure_collectives(st, step, devices);
}

void describe_device(machine_profile& profile, const gpu_inventory& inventory, const gpu_session& session,
                     const nvml_library& nvml, const sweep_options& options) {
  const device_facts& f = session.facts();
  device_info& dev = profile.device;
  dev.name = f.name;
  dev.kind = device_kind::gpu;
  dev.vendor = "NVIDIA";
  dev.architecture = fmt::format("sm_{}", f.cc);
  dev.compute_units = f.sms;
  dev.compute_unit_name = "SMs";
  dev.max_clock_hz = f.max_sm_clock_hz;
  dev.memory_bytes = static_cast<double>(f.total_bytes);
  dev.caches.push_back({"l2", f.l2_bytes, 1});
  dev.driver_version = nvml.driver_version().empty() ? cuda_version_string(inventory.driver_version)
                                                     : nvml.driver_version() + " (CUDA " + cuda_version_string(inventory.driver_version) + ")";
  dev.toolkit_version = "CUDA runtime " + cuda_version_string(inventory.runtime_version);
  dev.obtained = fmt::format(
      "measured by rafter sweep --backend cuda --preset {} on GPU {}: CUDA events around full-wave kernel launches, "
      "Google Benchmark repetitions, every kernel checked against a host reference; card settings untouched",
      options.preset, f.index);
  auto& env = dev.environment;
  env["compute_capability"] = fmt::format("{}.{}", f.cc / 10, f.cc % 10);
  env["pci_bus_id"] = f.pci_bus_id;
  env["shared_memory_per_sm_bytes"] = fmt::format("{:.0f}", f.shared_memory_per_sm_bytes);
  env["preset"] = options.preset;
  env["nvml"] = nvml.available() ? "yes" : "no (" + nvml.unavailable_reason() + ")";
}

void record_nvml(machine_profile& profile, const nvml_library& nvml, const std::string& bus, const std::string& when) {
  const auto r = nvml.read(bus);
  if (!r) return;
  auto& env = profile.device.environment;
  if (r->sm_clock_hz) env["nvml_sm_clock_" + when] = format_hertz(*r->sm_clock_hz);
  if (r->memory_clock_hz) env["nvml_memory_clock_" + when] = format_hertz(*r->memory_clock_hz);
  if (r->power_w) env["nvml_power_w_" + when] = fmt::format("{:.0f}", *r->power_w);
  if (r->temperature_c) env["nvml_temperature_c_" + when] = fmt::format("{:.0f}", *r->temperature_c);
  if (r->clock_event_reasons) {
    const std::string names = nvml_library::throttle_names(*r->clock_event_reasons);
    env["nvml_throttle_" + when] = names.empty() ? "none" : names;
  }
  if (r->max_sm_clock_hz) env["nvml_max_sm_clock"] = format_hertz(*r->max_sm_clock_hz);
  if (r->nvlinks_active) env["nvlinks_active"] = std::to_string(*r->nvlinks_active);
}

#if RAFTER_HAVE_MPI
/// NCCL collectives over every rank of `w`, one GPU per rank, bootstrapped through MPI. Collective.
void measure_collectives_across_ranks(sweep_state& st, const mpi::world& w, int device) {
#if RAFTER_HAVE_NCCL
  const nccl_library nccl;
  w.agree(exit_code::unsupported, nccl.available() ? std::string() : "NCCL unavailable: " + nccl.unavailable_reason());
  nccl_bench::process_rank me;
  me.rank = w.rank();
  me.ranks = w.size();
  me.device = device;
  std::string failure;
  if (w.rank() == 0) {
    try {
      nccl.check(nccl.get_unique_id(&me.id), "ncclGetUniqueId");
    } catch (const error& e) {
      failure = e.what();
    }
  }
  w.agree(exit_code::unsupported, failure);
  w.broadcast(std::as_writable_bytes(std::span(&me.id, 1)), 0);
  nccl_bench bench(nccl, me, st.preset.nccl_last, st.options.seed + 900);
  const int n = w.size();
  const mpi::agreed_timing_policy timing = mpi::mpi_preset_for(st.options.preset).timing;
  const auto sizes = message_sizes(st.preset.nccl_first, st.preset.nccl_last, st.preset.nccl_factor, 4 * static_cast<std::size_t>(n));
  int step = 0;
  st.prog.begin("interconnect (NCCL over MPI)", static_cast<int>(collectives().size()));
  for (const collective_info& i : collectives()) {
    curve c;
    c.id = fmt::format("{}.busbw", i.id);
    c.kind = "bandwidth";
    c.access = i.id;
    c.y_unit = "B/s";
    best_point best;
    std::optional<double> latency;
    const double factor = bus_bandwidth_factor(i.op, n);
    for (const std::size_t size : sizes) {
      w.agree_not_interrupted();
      const std::size_t bytes = bench.message_bytes(size);
      w.agree(exit_code::check_failed, bench.run_and_check(i.op, bytes));  // Before its time counts.
      const mpi::agreed_timing t = mpi::time_agreed(
          [&](int k) {
            w.barrier();
            return bench.time(i.op, bytes, k);
          },
          [&](double seconds) { return w.max(seconds); }, timing);
      w.agree(exit_code::check_failed, bench.check_output(i.op, bytes));
      ++st.points;
      st.unsettled += t.seconds.settled ? 0 : 1;
      const sample_stats busbw = t.seconds.reciprocal_scaled(static_cast<double>(bytes) * factor);
      if (!latency) latency = t.seconds.median;
      c.points.push_back({static_cast<double>(bytes), busbw});
      best.offer(busbw, static_cast<double>(bytes), t.repeats);
    }
    link_ceiling l = make_link(
        i.id, *best.stats,
        fmt::format("NCCL {} {} (fp32 sum) over {} ranks, one GPU per rank ({}), NCCL bootstrapped through MPI "
                    "(ncclGetUniqueId on rank 0, MPI broadcast, ncclCommInitRank); between ranks: {}; bus bandwidth "
                    "(nccl-tests: algbw = S/t, busbw = algbw x {:.4g}) at the best message size S = {} of {} to {}, {} "
                    "back-to-back collectives per sample after an MPI barrier, the slowest rank's host clock, sampled "
                    "outputs checked exactly on every rank",
                    nccl.version(), i.name, n, w.layout().summary(), w.layout().transport(), factor,
                    format_capacity(best.x), format_capacity(static_cast<double>(sizes.front())),
                    format_capacity(static_cast<double>(sizes.back())), best.repeats));
    l.latency_s = latency;
    l.note = fmt::format("latency_s is the time of one collective at the smallest size, {}; the curve {} has busbw per size",
                         format_capacity(static_cast<double>(sizes.front())), c.id);
    st.prog.step(++step, fmt::format("{}: busbw {}", i.id, format_bandwidth(l.bytes_per_s)));
    st.profile.links.push_back(std::move(l));
    st.profile.curves.push_back(std::move(c));
  }
#else
  (void)st;
  (void)device;
  w.agree(exit_code::unsupported, "NCCL collectives: this rafter was built without nccl.h");
#endif
}

/// `mpirun -np N rafter sweep --backend cuda --suite interconnect`: one GPU per rank.
machine_profile run_cuda_sweep_across_ranks(const sweep_options& options, progress& prog, check_failures& failed,
                                            const mpi::world& w) {
  const cuda_preset preset = cuda_preset_for(options.preset);
  const gpu_inventory inventory = query_gpus();
  const int device = w.layout().local_rank(w.rank());
  std::string failure;
  if (!inventory.unavailable_reason.empty()) {
    failure = "--backend cuda: " + inventory.unavailable_reason;
  } else if (device >= static_cast<int>(inventory.devices.size())) {
    failure = fmt::format("{} ranks run on host {}, which has {} GPU(s): one GPU per rank", w.layout().local_size(w.rank()),
                          w.layout().host(w.rank()), inventory.devices.size());
  }
  w.agree(exit_code::unsupported, failure);
  gpu_session session(device);
  nvml_library nvml;
  sweep_options mine = options;
  mine.device = device;

  machine_profile profile;
  profile.generator.version = version_string;
  profile.generator.command = options.command;
  profile.generator.created_utc = utc_now();
  describe_device(profile, inventory, session, nvml, mine);
  profile.device.obtained = fmt::format(
      "measured by rafter sweep --backend cuda --suite interconnect --preset {} under MPI: {} ranks ({}), one GPU per "
      "rank, NCCL collectives over all of them, every output checked against a host reference; this GPU is rank 0's "
      "(device {} on host {})",
      options.preset, w.size(), w.layout().summary(), device, w.layout().host(w.rank()));
  auto& env = profile.device.environment;
  env["mpi_ranks"] = std::to_string(w.size());
  env["mpi_hosts"] = w.layout().summary();
  env["mpi_library"] = w.library_version();
  env["mpi_transport"] = w.layout().transport();
  env["gpu_per_rank"] = "one; device = the rank's local rank on its host";
  record_nvml(profile, nvml, session.facts().pci_bus_id, "before");
  prog.note(fmt::format("cuda under MPI: {} ranks ({}), rank 0 on GPU {}: {}", w.size(), w.layout().summary(), device,
                        session.facts().name));

  sweep_state st{mine, preset, prog, session, nvml, profile, failed, {}, 0, 0};
  measure_collectives_across_ranks(st, w, device);
  record_nvml(profile, nvml, session.facts().pci_bus_id, "after");
  if (w.layout().distinct_hosts().size() == 1) {
    profile.warnings.push_back(fmt::format("all {} ranks run on host {}: the collectives use its local links (NVLink, "
                                           "PCIe, shared memory), not a network",
                                           w.size(), w.layout().host(0)));
  }
  if (st.unsettled > 0) {
    profile.warnings.push_back(fmt::format("{} of {} measurements did not settle; they are flagged settled=false",
                                           st.unsettled, st.points));
  }
  prog.finish();
  return profile;
}
#endif

}  // namespace

machine_profile run_cuda_sweep(const sweep_options& options, progress& prog, check_failures& failed,
                               const mpi::world* world) {
#if RAFTER_HAVE_MPI
  if (world != nullptr) return run_cuda_sweep_across_ranks(options, prog, failed, *world);
#else
  if (world != nullptr) throw unsupported_error("--backend cuda under MPI: this rafter was built without MPI");
#endif
  const cuda_preset preset = cuda_preset_for(options.preset);
  const gpu_inventory inventory = query_gpus();
  if (!inventory.unavailable_reason.empty()) throw unsupported_error("--backend cuda: " + inventory.unavailable_reason);
  if (options.device < 0 || options.device >= static_cast<int>(inventory.devices.size())) {
    throw usage_error(fmt::format("--device {}: this machine has {} GPU(s) (0 .. {})", options.device,
                                  inventory.devices.size(), inventory.devices.size() - 1));
  }
  gpu_session session(options.device);
  nvml_library nvml;

  machine_profile profile;
  profile.generator.version = version_string;
  profile.generator.command = options.command;
  profile.generator.created_utc = utc_now();
  describe_device(profile, inventory, session, nvml, options);
  record_nvml(profile, nvml, session.facts().pci_bus_id, "before");
  prog.note(fmt::format("cuda {}: {} (CC {}.{}, {} SMs, {} L2), preset {}", options.device, session.facts().name,
                        session.facts().cc / 10, session.facts().cc % 10, session.facts().sms,
                        format_capacity(session.facts().l2_bytes), options.preset));

  sweep_state st{options, preset, prog, session, nvml, profile, failed, {}, 0, 0};
  if (options.compute) {
    int step = 0;
    const int total = static_cast<int>(core_ops().size() + mma_ops_scaled(false).size() + gemm_precisions().size());
    prog.begin("compute", total);
    failed.run_phase("compute (CUDA cores)", [&] { measure_core(st, step); });
    failed.run_phase("compute (mma.sync)", [&] { measure_mma(st, step, false); });
    failed.run_phase("compute (cuBLASLt)", [&] { measure_gemm(st, step); });
  }
  std::map<std::string, memory_level> levels;
  if (options.memory) {
    failed.run_phase("memory", [&] { measure_memory(st, levels); });
    failed.run_phase("memory (working-set curve)", [&] { measure_curve(st, levels); });
  }
  if (options.latency) failed.run_phase("latency", [&] { measure_latency(st, levels); });
  // Block-scaled mma.sync, wgmma and tcgen05 after the other ceilings (the newest kernels, the
  // likeliest to fault, stop none of them); the links last of all: the tensor-core ceilings matter
  // more, and a link or NCCL setup that fails is skipped, but a CUDA or NCCL error while measuring
  // a link still stops the sweep.
  if (options.compute) {
    int step = 0;
    prog.begin("compute (block-scaled mma.sync, wgmma, tcgen05)",
               static_cast<int>(mma_ops_scaled(true).size() + wgmma_ops().size() + tcgen05_ops().size()));
    failed.run_phase("compute (block-scaled mma.sync)", [&] { measure_mma(st, step, true); });
    failed.run_phase("compute (wgmma)", [&] { measure_wgmma(st, step); });
    failed.run_phase("compute (tcgen05)", [&] { measure_tcgen05(st, step); });
  }
  // A stop in the newest kernels' phases that left the context usable (a non-sticky error) costs
  // those phases only: the links are measured all the same.
  if (options.interconnect && (!failed.stopped() || unusable_context({options.device}, options.device).empty())) {
    failed.run_phase_after_stop("interconnect", [&] { measure_links(st); });
  }
  if (failed.stopped()) {
    profile.warnings.push_back(check_failures::warning(*failed.stopped()));
    prog.note("stopped: " + failed.stopped()->message);
  }

  // Inner levels first, HBM's latency steps (hbm.step1, ...) right after it.
  std::vector<std::string> order = {"l1", "smem", "l2", "l2.far"};
  for (const std::string& name : level_and_steps("hbm", levels)) order.push_back(name);
  for (const std::string& name : order) {
    const auto it = levels.find(name);
    if (it == levels.end()) continue;
    memory_level m = it->second;
    m.level = name;
    m.source = figure_source::measured;
    if (m.level == "l2") m.capacity_bytes = session.facts().l2_bytes;
    if (m.level == "hbm") m.capacity_bytes = static_cast<double>(session.facts().total_bytes);
    profile.memory.push_back(std::move(m));
  }
  if (!st.compute_clocks.empty()) profile.device.measured_clock_hz = median_of(st.compute_clocks);
  record_nvml(profile, nvml, session.facts().pci_bus_id, "after");

  if (st.unsettled > 0) {
    profile.warnings.push_back(fmt::format(
        "{} of {} measurements did not settle (coefficient of variation above {:.0f}% after {} attempts); they are "
        "flagged settled=false",
        st.unsettled, st.points, preset.timing.settle_cv * 100, preset.timing.max_attempts));
  }
  if (!nvml.available()) profile.warnings.push_back("NVML unavailable (" + nvml.unavailable_reason() + "): no power, temperature or throttle reasons recorded");
  prog.finish();
  return profile;
}

}  // namespace rafter::cuda

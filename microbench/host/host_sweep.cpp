#include "microbench/host/host_sweep.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "core/units.hpp"
#include "core/utc_time.hpp"
#include "core/version.hpp"
#include "core/working_set_sizes.hpp"
#include "microbench/gbench_runner.hpp"
#include "microbench/host/core_scaling.hpp"
#include "microbench/host/cpu_info.hpp"
#include "microbench/host/kernels/bandwidth_kernels.hpp"
#include "microbench/host/kernels/clock_probe.hpp"
#include "microbench/host/kernels/compute_kernels.hpp"
#include "microbench/host/kernels/latency_chase.hpp"
#include "microbench/host/kernels/simd_level.hpp"
#include "microbench/host/kernels/thread_team.hpp"
#include "microbench/plateau.hpp"

namespace rafter::host {

namespace {

/// The knobs a preset sets.
struct preset_params {
  int steps_per_octave = 2;
  double bandwidth_span_over_llc = 16.0;  ///< The sweep ends this far beyond the last-level cache.
  std::size_t bandwidth_min_last = 64ull << 20;  ///< ... and at least here.
  std::size_t latency_min_last = 128ull << 20;
  double latency_span_over_llc = 8.0;     ///< The chase ends this far beyond the last-level cache.
  double iteration_target_s = 1e-3;       ///< Work in one GB iteration.
  /// Before a suite that runs all cores at once, wait at most this long (re-probing each second)
  /// for the cores to be independent again (core_scaling.hpp).
  double independence_wait_s = 15.0;
  timing_policy timing;
};

preset_params params_for(const std::string& preset) {
  preset_params p;
  if (preset == "quick") {
    // A server's last-level cache can be hundreds of MB, and working sets of GBs dominate the
    // sweep's time. Sizes grow by sqrt(2), so a sweep ending at 6x the LLC or more still has at
    // least two points at 4x the LLC and beyond (what the DRAM fallback needs).
    p.steps_per_octave = 2;
    p.bandwidth_span_over_llc = 8.0;
    p.latency_span_over_llc = 6.0;
    p.timing = timing_policy{5, 0.01, 0.004, 0.05, 2};  // full: up to 3 attempts
  } else if (preset == "full") {
    p.steps_per_octave = 4;
    p.bandwidth_min_last = 1ull << 30;
    p.latency_min_last = 1ull << 30;
    p.iteration_target_s = 2e-3;
    p.independence_wait_s = 60.0;
    p.timing = timing_policy{10, 0.05, 0.02, 0.02, 3};
  } else {
    throw usage_error("unknown preset \"" + preset + "\" (expected quick or full)");
  }
  return p;
}

/// Scales a unit of work so one GB iteration takes about `target_s`: returns the multiplier.
std::size_t calibrate(const std::function<double(std::size_t)>& run, std::size_t unit_work, double target_s) {
  run(unit_work);  // Warm caches, pages and clocks.
  const double t = std::max(run(unit_work), 1e-9);
  const double factor = target_s / t;
  return std::max<std::size_t>(unit_work, static_cast<std::size_t>(std::llround(static_cast<double>(unit_work) * factor)));
}

void require_correct(const std::string& what, const std::string& mismatch) {
  if (!mismatch.empty()) {
    throw error(exit_code::check_failed, what + " computed a wrong result: " + mismatch + "; its timing is discarded");
  }
}

struct level_bounds {
  std::vector<level_bound> all_threads;  ///< Aggregate capacity reachable by the threads used.
  std::vector<level_bound> one_thread;   ///< Capacity one thread sees.
  std::map<std::string, double> device_capacity;
};

level_bounds bounds_from(const cpu_info& cpu, int threads) {
  level_bounds b;
  for (const auto& c : cpu.caches) {
    const std::string level = "l" + std::to_string(c.level);
    // Private caches (shared only by one core's SMT siblings) contribute one instance per thread.
    const int threads_per_core = std::max(1, cpu.logical_cpus / std::max(1, cpu.physical_cores));
    const bool private_cache = static_cast<int>(c.shared_cpu_list.size()) <= threads_per_core;
    const int used = private_cache ? threads : std::min(c.instances, threads);
    b.all_threads.push_back({level, c.size_bytes * used});
    b.one_thread.push_back({level, c.size_bytes});
    b.device_capacity[level] = c.size_bytes * c.instances;
  }
  return b;
}

/// The level's figure for one access kind (B/s).
std::optional<double>& bandwidth_of(memory_level& m, access_kind kind) {
  switch (kind) {
    case access_kind::write: return m.write_bytes_per_s;
    case access_kind::copy: return m.copy_bytes_per_s;
    case access_kind::triad: return m.triad_bytes_per_s;
    case access_kind::read: break;
  }
  return m.read_bytes_per_s;
}

bool has_level(const curve& c, const std::string& level) {
  return std::any_of(c.plateaus.begin(), c.plateaus.end(), [&](const plateau& p) { return p.level == level; });
}

struct sweep_context {
  const sweep_options& options;
  const preset_params& params;
  progress& prog;
  thread_team& team;
  simd_level simd;
  int unsettled = 0;
  int points = 0;
};

curve bandwidth_curve(sweep_context& ctx, bandwidth_benchmark& bench, access_kind kind,
                      const std::vector<std::size_t>& sizes, int& step) {
  curve c;
  c.id = std::string("bandwidth.") + to_string(kind);
  c.kind = "bandwidth";
  c.access = to_string(kind);
  c.y_unit = "B/s";
  for (const std::size_t ws : sizes) {
    throw_if_interrupted();
    bench.prepare(kind, ws);
    std::size_t passes = calibrate([&](std::size_t n) { return bench.run(n); }, 1, ctx.params.iteration_target_s);
    // read_checksum repeats every 128 passes and is 0 at multiples of 128, where a read kernel that
    // did nothing would pass the check after timing: never time a multiple of 64 passes.
    if (kind == access_kind::read && passes % 64 == 0) ++passes;
    bench.run(1);
    require_correct(fmt::format("{} kernel at {}", c.access, format_capacity(static_cast<double>(bench.working_set_bytes()))),
                    bench.verify());
    const double bytes = static_cast<double>(bench.bytes_per_pass()) * static_cast<double>(passes);
    const sample_stats t = measure_with_gbench(fmt::format("{}/{}", c.id, bench.working_set_bytes()),
                                               [&] { return bench.run(passes); }, ctx.params.timing);
    require_correct(c.access + " kernel", bench.verify());
    curve_point pt;
    pt.x = static_cast<double>(bench.working_set_bytes());
    pt.y = t.reciprocal_scaled(bytes);
    ctx.unsettled += pt.y.settled ? 0 : 1;
    ++ctx.points;
    c.points.push_back(pt);
    ctx.prog.step(++step, fmt::format("{} {}: {}{}", c.access, format_capacity(pt.x), format_bandwidth(pt.y.median),
                                      pt.y.settled ? "" : " (not settled)"));
  }
  return c;
}

curve latency_curve(sweep_context& ctx, const std::vector<std::size_t>& sizes) {
  curve c;
  c.id = "latency.chase";
  c.kind = "latency";
  c.access = "chase";
  c.y_unit = "s";
  latency_chase chase;
  int step = 0;
  ctx.prog.begin("latency", static_cast<int>(sizes.size()));
  for (const std::size_t footprint : sizes) {
    throw_if_interrupted();
    // Build, verify and chase on worker 0, the pinned thread that also owns the memory. The
    // verification walks one full lap in chase order: it is also the warm-up, so that a
    // footprint inside a cache is timed from that cache.
    std::string wrong;
    ctx.team.run([&](int i) {
      if (i != 0) return;
      chase.prepare(footprint, ctx.options.seed + footprint);
      wrong = chase.verify();
    });
    require_correct(fmt::format("pointer chase at {}", format_capacity(static_cast<double>(footprint))), wrong);
    auto on_worker0 = [&](std::size_t hops) {
      double seconds = 0.0;
      ctx.team.run([&](int i) {
        if (i == 0) seconds = chase.run(hops);
      });
      return seconds;
    };
    const std::size_t hops = calibrate(on_worker0, 4096, ctx.params.iteration_target_s);
    const sample_stats t = measure_with_gbench(fmt::format("{}/{}", c.id, footprint),
                                               [&] { return on_worker0(hops); }, ctx.params.timing);
    curve_point pt;
    pt.x = static_cast<double>(footprint);
    pt.y = t;
    pt.y.median /= static_cast<double>(hops);
    pt.y.min /= static_cast<double>(hops);
    pt.y.max /= static_cast<double>(hops);
    ctx.unsettled += pt.y.settled ? 0 : 1;
    ++ctx.points;
    c.points.push_back(pt);
    ctx.prog.step(++step, fmt::format("chase {}: {}{}", format_capacity(pt.x), format_seconds(pt.y.median),
                                      pt.y.settled ? "" : " (not settled)"));
  }
  return c;
}

std::vector<compute_ceiling> compute_ceilings(sweep_context& ctx, std::optional<double> clock_hz) {
  std::vector<compute_ceiling> out;
  const auto kernels = available_compute_kernels(ctx.simd);
  int step = 0;
  ctx.prog.begin("compute", static_cast<int>(kernels.size()));
  for (const auto& k : kernels) {
    throw_if_interrupted();
    require_correct(k.id + " kernel", verify_compute_kernel(ctx.simd, k.id));
    const std::size_t iterations = calibrate(
        [&](std::size_t n) { return run_compute_kernel(ctx.team, k.id, n); }, 1024, ctx.params.iteration_target_s);
    const sample_stats t = measure_with_gbench("compute/" + k.id,
                                               [&] { return run_compute_kernel(ctx.team, k.id, iterations); },
                                               ctx.params.timing);
    const double flop = k.flop_per_iteration_per_thread * static_cast<double>(iterations) * ctx.team.size();
    compute_ceiling c;
    c.id = k.id;
    c.precision = k.precision;
    c.unit = k.unit;
    c.samples = t.reciprocal_scaled(flop);
    c.flop_per_s = c.samples->median;
    c.source = figure_source::measured;
    c.method = fmt::format("{}; {} pinned threads; median of {} repetitions", k.method, ctx.team.size(), c.samples->n);
    c.clock_hz = clock_hz;
    ctx.unsettled += c.samples->settled ? 0 : 1;
    ++ctx.points;
    out.push_back(c);
    ctx.prog.step(++step, fmt::format("{}: {}{}", k.id, format_compute_rate(c.flop_per_s, c.precision), c.samples->settled ? "" : " (not settled)"));
  }
  return out;
}

}  // namespace

machine_profile run_host_sweep(const sweep_options& options, progress& prog) {
  const preset_params params = params_for(options.preset);
  const cpu_info cpu = detect_cpu_info();
  std::vector<int> cpus = cpu.one_cpu_per_core;
  if (options.threads > 0) {
    if (options.threads > static_cast<int>(cpus.size())) {
      throw usage_error(fmt::format("--threads {}: this machine has {} cores", options.threads, cpus.size()));
    }
    cpus.resize(static_cast<std::size_t>(options.threads));
  }
  const int threads = static_cast<int>(cpus.size());
  const simd_level simd = detect_simd_level();
  thread_team team(cpus);
  sweep_context ctx{options, params, prog, team, simd};

  machine_profile profile;
  profile.generator.version = version_string;
  profile.generator.command = options.command;
  profile.generator.created_utc = utc_now();

  device_info& dev = profile.device;
  dev = cpu_device_info(cpu);
  dev.obtained = fmt::format(
      "measured by rafter sweep --backend host --preset {} on {} pinned threads (one per core), {} kernels, "
      "Google Benchmark harness",
      options.preset, threads, to_string(simd));
  auto& env = dev.environment;
  env["threads"] = std::to_string(threads);
  std::string cpu_list;
  for (int c : cpus) cpu_list += (cpu_list.empty() ? "" : ",") + std::to_string(c);
  env["pinned_cpus"] = cpu_list;
  env["logical_cpus"] = std::to_string(cpu.logical_cpus);
  env["smt"] = cpu.smt ? "on" : "off";
  env["simd"] = to_string(simd);
  env["governor"] = cpu.governor.empty() ? "not exposed" : cpu.governor;
  env["hypervisor"] = cpu.hypervisor ? "yes" : "no";
  env["kernel"] = cpu.kernel;
  env["transparent_hugepages"] = cpu.transparent_hugepages.empty() ? "not exposed" : cpu.transparent_hugepages;
  if (cpu.nominal_clock_hz) env["cpuinfo_mhz"] = fmt::format("{:.0f}", *cpu.nominal_clock_hz / 1e6);
  env["preset"] = options.preset;

  // The clock the cores run at while measuring: a chain of dependent 1-cycle adds.
  std::optional<double> clock_hz;
  team.run([&](int i) {
    if (i == 0) clock_hz = measure_core_clock_hz(options.preset == "full" ? 400'000'000 : 100'000'000);
  });
  dev.measured_clock_hz = clock_hz;
  prog.note(fmt::format("host: {}, {} threads, {}, core clock {}", dev.name, threads, to_string(simd),
                        clock_hz ? format_hertz(*clock_hz) : "unknown"));

  // Are the cores independent right now? Probed before each suite that measures all cores at once.
  std::unique_ptr<thread_team> first_core;
  const std::string scaling_kernel = core_scaling_kernel(simd);
  std::size_t scaling_iterations = 0;
  if (threads > 1 && !scaling_kernel.empty() && (options.memory || options.compute)) {
    first_core = std::make_unique<thread_team>(std::vector<int>{cpus.front()});
    scaling_iterations = calibrate([&](std::size_t n) { return run_compute_kernel(*first_core, scaling_kernel, n); },
                                   1024, 0.005);
  }
  std::string scaling_record;
  // `label` names the moment in core_scaling ("memory": before that suite); `when` words it for a
  // warning. Before a suite the probe waits for independent cores; after one it only records.
  auto probe_scaling = [&](const std::string& label, const std::string& when, bool wait) {
    if (!first_core) return;
    const auto start = std::chrono::steady_clock::now();
    auto waited = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    core_scaling s = measure_core_scaling(*first_core, team, scaling_kernel, scaling_iterations, 7);
    if (wait && s.efficiency < core_scaling_warn_below) {
      prog.note(fmt::format("cores not independent ({:.0f}% scaling); waiting up to {:.0f} s {}", s.efficiency * 100,
                            params.independence_wait_s, when));
    }
    while (wait && s.efficiency < core_scaling_warn_below && waited() < params.independence_wait_s) {
      throw_if_interrupted();
      std::this_thread::sleep_for(std::chrono::seconds(1));
      s = measure_core_scaling(*first_core, team, scaling_kernel, scaling_iterations, 7);
    }
    scaling_record += fmt::format("{}{} {:.2f}", scaling_record.empty() ? "" : ", ", label, s.efficiency);
    if (waited() >= 1.0) scaling_record += fmt::format(" (after waiting {:.0f} s)", waited());
    env["core_scaling"] = scaling_record;
    if (const std::string w = core_scaling_warning(s, when); !w.empty()) {
      profile.warnings.push_back(w);
      prog.note("warning: " + w);
    }
  };

  const level_bounds bounds = bounds_from(cpu, threads);
  const double llc = cpu.caches.empty() ? (32 << 20) : cpu.caches.back().size_bytes * cpu.caches.back().instances;
  // Working sets stop at half the machine's memory (unbounded when MemTotal is unknown).
  const std::size_t memory_cap =
      cpu.memory_bytes ? static_cast<std::size_t>(0.5 * *cpu.memory_bytes) : std::numeric_limits<std::size_t>::max();

  std::map<std::string, memory_level> levels;
  auto level_entry = [&](const std::string& name) -> memory_level& {
    memory_level& m = levels[name];
    m.level = name;
    m.source = figure_source::measured;
    if (const auto it = bounds.device_capacity.find(name); it != bounds.device_capacity.end()) m.capacity_bytes = it->second;
    if (name == "dram") m.capacity_bytes = cpu.memory_bytes;
    return m;
  };

  if (options.memory) {
    probe_scaling("memory", "before the memory suite", true);
    const std::size_t last = std::max<std::size_t>(params.bandwidth_min_last,
                                                   static_cast<std::size_t>(llc * params.bandwidth_span_over_llc));
    const auto sizes = working_set_sizes(std::size_t{8} << 10, last, memory_cap, params.steps_per_octave, 4096);
    bandwidth_benchmark bench(team, simd);
    const access_kind kinds[] = {access_kind::read, access_kind::write, access_kind::copy, access_kind::triad};
    int step = 0;
    std::vector<std::vector<std::size_t>> kind_sizes;
    std::size_t points = 0;
    for (const access_kind kind : kinds) {
      kind_sizes.push_back(distinct_working_sets(sizes, team.size(), kind));
      points += kind_sizes.back().size();
    }
    prog.begin("bandwidth", static_cast<int>(points));
    for (std::size_t k = 0; k < std::size(kinds); ++k) {
      const access_kind kind = kinds[k];
      curve c = bandwidth_curve(ctx, bench, kind, kind_sizes[k], step);
      // The read curve gives the roofline's bandwidths: were the cores still independent?
      if (kind == access_kind::read) probe_scaling("after read", "after the read bandwidth curve", false);
      level_match match = match_levels(detect_plateaus(c), bounds.all_threads, "dram", "B/s");
      c.plateaus = match.plateaus;
      for (const auto& w : match.warnings) profile.warnings.push_back(c.id + ": " + w);
      for (const auto& p : c.plateaus) {
        if (p.level.empty()) continue;
        memory_level& m = level_entry(p.level);
        // The level's ceiling: its best point (highest median), not the plateau's middle.
        const curve_point* best = highest_point(c, p);
        bandwidth_of(m, kind) = best ? best->y.median : p.value;
        if (best) m.samples[c.access] = best->y;
      }
      if (!has_level(c, "dram")) {
        if (const auto beyond = median_between(c, 4.0 * llc, INFINITY)) {
          memory_level& m = level_entry("dram");
          bandwidth_of(m, kind) = beyond->value;
          profile.warnings.push_back(fmt::format(
              "{}: no flat DRAM plateau; dram {} is the median of the {} points at 4x the last-level cache and beyond",
              c.id, c.access, beyond->points));
        }
      }
      if (!has_level(c, "l1") && !bounds.all_threads.empty()) {
        const double half_l1 = 0.5 * bounds.all_threads.front().capacity_bytes;
        if (const auto inside = median_between(c, 0.0, half_l1)) {
          memory_level& m = level_entry("l1");
          bandwidth_of(m, kind) = inside->value;
          profile.warnings.push_back(fmt::format(
              "{}: no flat L1 plateau; l1 {} is the median of the {} points at working sets up to half the L1 ({})",
              c.id, c.access, inside->points, format_capacity(half_l1)));
        }
      }
      profile.curves.push_back(std::move(c));
    }
  }

  if (options.latency) {
    const std::size_t last =
        std::max<std::size_t>(params.latency_min_last, static_cast<std::size_t>(llc * params.latency_span_over_llc));
    const auto sizes = working_set_sizes(std::size_t{4} << 10, last, memory_cap, params.steps_per_octave, 4096);
    curve c = latency_curve(ctx, sizes);
    // A level's latency is its first plateau (the hit latency); later ones are steps (TLB reach).
    level_match match = match_levels(detect_plateaus(c), bounds.one_thread, "dram", "s", plateau_naming::steps);
    c.plateaus = match.plateaus;
    for (const auto& w : match.warnings) profile.warnings.push_back("latency.chase: " + w);
    for (const auto& p : c.plateaus) {
      if (p.level.empty()) continue;
      memory_level& m = level_entry(p.level);
      if (const std::string of = stepped_level(p.level); !of.empty()) {
        m.note = fmt::format("a later latency plateau than {}'s first, footprints {} .. {}: TLB reach, or a cache "
                             "level smaller than the OS reports", of, format_capacity(p.x_min), format_capacity(p.x_max));
      }
      // The level's latency is its median point's, so it and its sample statistics are one measurement.
      const curve_point* rep = median_point(c, p);
      m.latency_s = rep ? rep->y.median : p.value;
      if (clock_hz) m.latency_cycles = *m.latency_s * *clock_hz;
      if (rep) m.samples["latency"] = rep->y;
    }
    if (!has_level(c, "dram")) {
      if (const auto beyond = median_between(c, 4.0 * llc, INFINITY)) {
        memory_level& m = level_entry("dram");
        m.latency_s = beyond->value;
        if (clock_hz) m.latency_cycles = beyond->value * *clock_hz;
        profile.warnings.push_back(fmt::format(
            "{}: no flat DRAM plateau; dram latency is the median of the {} points at 4x the last-level cache and beyond",
            c.id, beyond->points));
      }
    }
    profile.curves.push_back(std::move(c));
  }

  for (auto& [name, m] : levels) {
    m.method = fmt::format(
        "plateau of the working-set sweeps{}{}",
        options.memory ? fmt::format(": bandwidth (the plateau's best point) on {} threads, {} vector loads/stores, STREAM "
                                     "byte counting", threads, to_string(simd)) : "",
        options.latency ? "; latency: one thread chasing a random cyclic permutation of 64 B lines" : "");
  }
  // Order levels nearest first: l1, l2, l3, ..., dram, each followed by its latency steps.
  auto push_level = [&](const std::string& name) {
    for (const std::string& n : level_and_steps(name, levels)) profile.memory.push_back(levels.at(n));
  };
  for (const auto& c : cpu.caches) push_level("l" + std::to_string(c.level));
  push_level("dram");

  if (options.compute) {
    probe_scaling("compute", "before the compute suite", true);
    profile.compute = compute_ceilings(ctx, clock_hz);
    probe_scaling("after compute", "after the compute suite", false);
  }

  if (ctx.unsettled > 0) {
    profile.warnings.push_back(fmt::format(
        "{} of {} measurements did not settle (coefficient of variation above {:.0f}% after {} attempts); they are "
        "flagged settled=false", ctx.unsettled, ctx.points, params.timing.settle_cv * 100, params.timing.max_attempts));
  }
  if (cpu.hypervisor) profile.warnings.push_back("running under a hypervisor: other guests may share the memory system");
  if (!cpu.governor.empty() && cpu.governor != "performance") {
    profile.warnings.push_back("frequency governor is \"" + cpu.governor + "\", not \"performance\"");
  }
  prog.finish();
  return profile;
}

}  // namespace rafter::host

#include "analysis/analyzer.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "analysis/analysis_metrics.hpp"
#include "analysis/collective_traffic.hpp"
#include "analysis/roofline.hpp"
#include "core/error.hpp"
#include "core/machine_profile.hpp"
#include "core/trace.hpp"
#include "core/units.hpp"

namespace rafter {

namespace {

constexpr double k_ns = 1e-9;

double seconds(std::int64_t ns) { return static_cast<double>(ns) * k_ns; }

/// Identity of a group: recorded name and launch shape. Views into the trace, which outlives it.
struct group_key {
  std::string_view name;
  std::optional<dim3_value> grid;
  std::optional<dim3_value> block;
  bool operator==(const group_key&) const = default;
};

struct group_key_hash {
  std::size_t operator()(const group_key& k) const noexcept {
    std::size_t h = std::hash<std::string_view>{}(k.name);
    auto mix = [&h](std::uint64_t v) { h ^= std::hash<std::uint64_t>{}(v) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
    for (const auto& d : {k.grid, k.block}) {
      if (d) {
        mix((static_cast<std::uint64_t>(d->x) << 32) ^ (static_cast<std::uint64_t>(d->y) << 16) ^ d->z);
      } else {
        mix(0xffffffffffffULL);
      }
    }
    return h;
  }
};

/// Running sums of one group while the kernels stream by.
struct group_accumulator {
  const trace_kernel* first = nullptr;
  std::int64_t count = 0;
  double total_s = 0.0;
  double min_s = std::numeric_limits<double>::infinity();
  double max_s = 0.0;
  double gap_s = 0.0;
  std::int64_t measured_count = 0;
  double measured_time_s = 0.0;   ///< The counter tool's durations where it recorded them, else the trace's.
  double measured_trace_s = 0.0;  ///< The same launches' time in the trace.
  std::map<std::string, double> measured_flop;
  std::map<std::string, double> measured_bytes;
  std::set<std::string> uncounted_flop;  ///< Over the measured launches: FLOP their counters hold but `flop` lacks.
  std::int64_t estimate_count = 0;
  double estimate_time_s = 0.0;
  double estimate_flop = 0.0;
  double estimate_bytes = 0.0;
  std::string estimate_formula;
  std::string estimate_precision;
  std::string collective;  ///< Of the first launch with a recorded collective and a bus factor.
  std::string collective_link;  ///< Their common profile link id; "" when none or when they differ.
  bool mixed_links = false;     ///< Launches of one kernel ran collectives of different links (NCCL kernels are generic).
  std::int64_t collective_count = 0;
  double collective_time_s = 0.0;
  double bus_bytes = 0.0;  ///< Sum of S x bus factor.
};

/// Memory levels ordered from the SM outwards, for display.
int level_rank(const std::string& level) {
  static const std::array<std::string_view, 8> order{"l1", "smem", "l2", "l3", "llc", "dram", "hbm", ""};
  const auto it = std::find(order.begin(), order.end(), level);
  return static_cast<int>(it - order.begin());
}

/// The machine's fastest ceiling for `precision` on `pipe` ("tensor": tensor/matrix units,
/// "cuda_core": vector/scalar units).
const compute_ceiling* find_ceiling(const machine_profile& p, const std::string& precision, const std::string& pipe) {
  const compute_ceiling* best = nullptr;
  for (const auto& c : p.compute) {
    if (c.precision != precision) continue;
    const bool fits = pipe == "tensor" ? c.on_matrix_units() : pipe == "cuda_core" ? c.on_vector_units() : false;
    if (fits && (best == nullptr || c.flop_per_s > best->flop_per_s)) best = &c;
  }
  return best;
}

/// The machine level a trace's byte key refers to: "dram" is the device memory, called "dram" or
/// "hbm" in profiles.
std::string machine_level_for(const std::string& trace_level, const std::map<std::string, double>& roofs) {
  if (trace_level == "dram" || trace_level == "hbm") {
    if (roofs.count("dram")) return "dram";
    if (roofs.count("hbm")) return "hbm";
  }
  return trace_level;
}

/// Pipe of shape-estimated work: tensor cores for GEMM and attention at the precisions they
/// support, CUDA cores otherwise (documented as an assumption).
std::string assumed_pipe(kernel_class cls, const std::string& precision) {
  static const std::array<std::string_view, 7> tensor{"bf16", "fp16", "tf32", "fp8", "fp6", "fp4", "int8"};
  const bool matrix = cls == kernel_class::gemm || cls == kernel_class::attention;
  return matrix && std::find(tensor.begin(), tensor.end(), precision) != tensor.end() ? "tensor" : "cuda_core";
}

std::string percent(double fraction) { return fmt::format("{:.0f}%", fraction * 100.0); }

class warning_counter {
public:
  void add(const std::string& message) { ++m_counts[message]; }
  void emit(std::vector<std::string>& out) const {
    for (const auto& [message, n] : m_counts) out.push_back(n == 1 ? "1 group: " + message : fmt::format("{} groups: {}", n, message));
  }

private:
  std::map<std::string, int> m_counts;
};

/// The bus bandwidth of a group's recorded collectives and its fraction of the profile's link
/// that measures the same collective.
void place_collectives(kernel_group& g, const group_accumulator& acc, const machine_profile& profile) {
  if (acc.collective_count == 0) return;
  g.collective = acc.collective;
  g.collective_count = acc.collective_count;
  g.bus_bytes_per_s = rate_per_s(acc.bus_bytes, acc.collective_time_s);
  if (acc.mixed_links || acc.collective_link.empty()) return;  // no one link measures the mix
  const auto l = std::find_if(profile.links.begin(), profile.links.end(),
                              [&](const link_ceiling& c) { return c.id == acc.collective_link && c.bytes_per_s > 0.0; });
  if (l == profile.links.end()) return;
  g.link_ceiling = l->id;
  g.link_ceiling_bytes_per_s = l->bytes_per_s;
  if (g.bus_bytes_per_s) g.link_fraction = fraction_of_ceiling(*g.bus_bytes_per_s, l->bytes_per_s);
}

/// Fills the roofline placement, limiter and opportunity of one group from its accumulator.
void place_group(kernel_group& g, const group_accumulator& acc, const machine_profile& profile,
                 const std::map<std::string, double>& memory_roofs, const std::string& fastest_link,
                 double launch_floor_s, const limiter_thresholds& th, warning_counter& warnings) {
  std::map<std::string, double> bytes_by_level;  // Trace level names.
  // Flags are impossible or suspicious numbers; data that is missing (a weight, a duration) leaves
  // the group unplaced with the reason as its limiter rule, and a warning.
  std::string not_placed;
  place_collectives(g, acc, profile);
  if (acc.measured_count > 0 && !acc.uncounted_flop.empty()) {
    // Counted FLOP short of the work would place the kernel far below its real rate: not placed.
    std::string keys;
    for (const auto& k : acc.uncounted_flop) keys += (keys.empty() ? "" : ", ") + k;
    if (acc.estimate_count == 0) not_placed = "counters hold FLOP without a weight (" + keys + "): work incomplete, not placed";
    warnings.add("counters hold FLOP without a weight (" + keys +
                 "): work incomplete, counters not used; for an Nsight Compute file that names no GPU, --assume-arch or a "
                 "--machine whose architecture names one supplies the weight");
  }
  if (acc.measured_count > 0 && acc.uncounted_flop.empty()) {
    g.work = work_source::measured;
    g.work_count = acc.measured_count;
    g.work_time_s = acc.measured_time_s;
    g.flop_by_kind = acc.measured_flop;
    bytes_by_level = acc.measured_bytes;
  } else if (acc.estimate_count > 0) {
    g.work = work_source::estimate;
    g.work_count = acc.estimate_count;
    g.work_time_s = acc.estimate_time_s;
    g.estimate_formula = acc.estimate_formula;
    if (!acc.estimate_precision.empty()) {
      g.flop_by_kind[acc.estimate_precision + "." + assumed_pipe(g.cls, acc.estimate_precision)] = acc.estimate_flop;
      g.pipe_assumed = true;
    } else if (acc.estimate_flop != 0.0) {
      g.flop_by_kind["unknown"] = acc.estimate_flop;
    }
    bytes_by_level["dram"] = acc.estimate_bytes;
  }

  bool impossible = false;
  if (!(g.work_time_s > 0.0) && g.work != work_source::none) {
    warnings.add("launches with work but no duration: no rate, not placed");
    not_placed = "work launches have no duration: no rate, not placed";
  }
  for (const auto& [kind, flop] : g.flop_by_kind) {
    g.flop += flop;
    if (flop < 0.0) {
      g.flags.push_back(fmt::format("negative FLOP count {} for {}: impossible, not placed", flop, kind));
      impossible = true;
    }
  }
  for (const auto& [level, bytes] : bytes_by_level) {
    if (bytes < 0.0) {
      g.flags.push_back(fmt::format("negative traffic {} bytes at {}: impossible, not placed", bytes, level));
      impossible = true;
    }
  }

  // Dominant precision and pipe: the kind with the most FLOP.
  const auto dominant = std::max_element(g.flop_by_kind.begin(), g.flop_by_kind.end(),
                                         [](const auto& a, const auto& b) { return a.second < b.second; });
  if (dominant != g.flop_by_kind.end() && dominant->second > 0.0) {
    const auto dot = dominant->first.find('.');
    g.precision = dominant->first.substr(0, dot);
    g.pipe = dot == std::string::npos ? "" : dominant->first.substr(dot + 1);
    if (const compute_ceiling* c = find_ceiling(profile, g.precision, g.pipe)) {
      g.compute_ceiling = c->id;
      g.compute_ceiling_flop_per_s = c->flop_per_s;
    } else {
      warnings.add(fmt::format("work in {} but the profile has no ceiling for it: compute roof unknown", dominant->first));
    }
  }

  if (g.work == work_source::none || impossible || !not_placed.empty()) {
    limiter_inputs in{g.cls, std::nullopt, "", std::nullopt, "", false, g.mean_s, g.mean_gap_before_s, fastest_link, g.link_fraction, g.link_ceiling};
    g.limiter = decide_limiter(in, th);
    if (g.limiter.kind == limiter_kind::unknown) {
      if (impossible) g.limiter.rule = "impossible counters: not placed";
      else if (!not_placed.empty()) g.limiter.rule = not_placed;
    }
    return;
  }

  if (g.flop > 0.0) g.achieved_flop_per_s = rate_per_s(g.flop, g.work_time_s);  // Copy-like work has bytes only.
  if (g.compute_ceiling_flop_per_s && g.achieved_flop_per_s) {
    g.compute_fraction = fraction_of_ceiling(*g.achieved_flop_per_s, *g.compute_ceiling_flop_per_s);
  }

  for (const auto& [trace_level, bytes] : bytes_by_level) {
    level_placement l;
    l.level = machine_level_for(trace_level, memory_roofs);
    l.bytes = bytes;
    g.levels.push_back(std::move(l));
  }
  std::sort(g.levels.begin(), g.levels.end(),
            [](const level_placement& a, const level_placement& b) { return level_rank(a.level) < level_rank(b.level); });
  std::vector<level_intensity> roofs;
  std::vector<std::size_t> roof_level;  // roofs[i] belongs to g.levels[roof_level[i]].
  std::vector<std::pair<double, double>> roof_terms;
  for (std::size_t i = 0; i < g.levels.size(); ++i) {
    auto& l = g.levels[i];
    l.arithmetic_intensity = arithmetic_intensity(g.flop, l.bytes);
    l.achieved_bytes_per_s = rate_per_s(l.bytes, g.work_time_s);
    const auto it = memory_roofs.find(l.level);
    if (it == memory_roofs.end()) {
      if (l.bytes > 0.0) warnings.add("traffic at level \"" + l.level + "\" but the profile has no bandwidth for it");
      continue;
    }
    l.bytes_per_s_ceiling = it->second;
    l.fraction_of_bandwidth = fraction_of_ceiling(l.achieved_bytes_per_s.value_or(0.0), it->second);
    roof_terms.emplace_back(l.bytes, it->second);
    if (l.arithmetic_intensity) {
      l.attainable_flop_per_s = g.compute_ceiling_flop_per_s
                                    ? attainable_flop_per_s(*l.arithmetic_intensity, *g.compute_ceiling_flop_per_s, it->second)
                                    : *l.arithmetic_intensity * it->second;
      roofs.push_back({*l.arithmetic_intensity, it->second});
      roof_level.push_back(i);
    }
    if (l.fraction_of_bandwidth && (!g.memory_fraction || *l.fraction_of_bandwidth > *g.memory_fraction)) {
      g.memory_fraction = l.fraction_of_bandwidth;
      g.memory_level = l.level;
    }
  }
  if (g.flop > 0.0) {
    if (const auto bound = hierarchical_attainable(g.compute_ceiling_flop_per_s, roofs)) {
      g.attainable_flop_per_s = bound->flop_per_s;
      g.binding = bound->binding_level ? g.levels[roof_level[*bound->binding_level]].level : g.compute_ceiling;
    }
  }

  // Impossible rates: above a roof by more than the noise allowance.
  const double allowance = 1.0 + th.noise;
  if (g.compute_fraction && *g.compute_fraction > allowance) {
    g.flags.push_back(fmt::format("achieved {} is {} of the {} ceiling {}: above the roof, a wrong ceiling or counter?",
                                  format_flops(*g.achieved_flop_per_s), percent(*g.compute_fraction), g.compute_ceiling,
                                  format_flops(*g.compute_ceiling_flop_per_s)));
  }
  for (const auto& l : g.levels) {
    if (l.fraction_of_bandwidth && *l.fraction_of_bandwidth > allowance) {
      g.flags.push_back(fmt::format("{} traffic {} is {} of its bandwidth {}: above the roof, {}", l.level,
                                    format_bandwidth(*l.achieved_bytes_per_s), percent(*l.fraction_of_bandwidth),
                                    format_bandwidth(*l.bytes_per_s_ceiling),
                                    g.work == work_source::estimate
                                        ? "so some operands did not come from DRAM (an estimate counts each operand moved "
                                          "once; one still in L2 from the kernel before costs no DRAM traffic)"
                                        : "a wrong ceiling or counter?"));
    }
  }

  // Communication is measured against its link, not placed on the roofline (docs/metrics.md): a
  // collective's counters (rafter trace --metrics roofline, Nsight Compute) give it no roof time.
  const auto work_roof_time = time_at_roof_s(g.flop, g.compute_ceiling_flop_per_s, roof_terms);
  if (work_roof_time && *work_roof_time > 0.0 && g.cls != kernel_class::communication) {
    g.roof_time_s = floored_roof_time_s(*work_roof_time * g.total_s / g.work_time_s, g.count, launch_floor_s);
    g.opportunity_s = opportunity_s(g.total_s, *g.roof_time_s);
  }

  limiter_inputs in;
  in.cls = g.cls;
  in.compute_fraction = g.compute_fraction;
  in.compute_ceiling = g.compute_ceiling;
  in.memory_fraction = g.memory_fraction;
  in.memory_level = g.memory_level;
  in.traffic_estimated = g.work == work_source::estimate;
  in.mean_s = g.mean_s;
  in.mean_gap_before_s = g.mean_gap_before_s;
  in.link = fastest_link;
  in.link_fraction = g.link_fraction;
  in.link_ceiling = g.link_ceiling;
  g.limiter = decide_limiter(in, th);
  // The device idles between a launch-bound group's launches: faster kernels would not shorten the run.
  if (g.limiter.kind == limiter_kind::launch_overhead && g.opportunity_s) g.opportunity_s = 0.0;
}

/// Everything `analyze` derives per device.
device_summary summarize_device(int device, const std::string& name, std::vector<interval_ns>& kernels,
                                const std::vector<kernel_class>& kernel_classes, std::vector<interval_ns> copies,
                                int bins) {
  device_summary d;
  d.device = device;
  d.name = name;
  d.kernels = static_cast<std::int64_t>(kernels.size());
  d.copies = static_cast<std::int64_t>(copies.size());
  std::int64_t start = std::numeric_limits<std::int64_t>::max(), end = std::numeric_limits<std::int64_t>::min();
  for (const auto* list : {&kernels, &copies}) {
    for (const auto& iv : *list) {
      start = std::min(start, iv.start_ns);
      end = std::max(end, iv.end_ns);
    }
  }
  if (start > end) return d;
  d.start_ns = start;
  d.end_ns = end;
  d.span_s = seconds(end - start);
  for (const auto& iv : kernels) d.kernel_time_s += seconds(iv.end_ns - iv.start_ns);

  std::vector<interval_ns> all = kernels;
  all.insert(all.end(), copies.begin(), copies.end());
  d.busy_s = seconds(union_length_ns(all));
  std::vector<interval_ns> kernel_copy = kernels;
  d.kernel_busy_s = seconds(union_length_ns(kernel_copy));
  d.idle_s = std::max(0.0, d.span_s - d.busy_s);
  const concurrency_stats c = concurrency(kernels);
  d.concurrent_s = seconds(c.overlapped_ns);
  d.max_concurrency = c.max_active;

  // Gaps between kernels (kernels are sorted by start by the caller).
  const std::vector<std::int64_t> gaps = gaps_before_ns(kernels);
  const std::array<double, 5> edges{0.0, 10e-6, 100e-6, 1e-3, std::numeric_limits<double>::infinity()};
  for (std::size_t b = 0; b + 1 < edges.size(); ++b) d.gap_histogram.push_back({edges[b], edges[b + 1], 0, 0.0});
  for (const std::int64_t gap : gaps) {
    if (gap <= 0) continue;
    const double s = seconds(gap);
    ++d.gaps;
    d.gap_total_s += s;
    for (auto& bucket : d.gap_histogram) {
      if (s >= bucket.min_s && s < bucket.max_s) {
        ++bucket.count;
        bucket.total_s += s;
        break;
      }
    }
  }

  // Timeline strip: busy fraction from the union, dominant class from per-class kernel time.
  if (bins > 0 && end > start) {
    const double width = static_cast<double>(end - start) / bins;
    std::vector<double> busy(static_cast<std::size_t>(bins), 0.0);
    std::vector<std::array<double, all_kernel_classes.size()>> by_class(static_cast<std::size_t>(bins));
    for (auto& a : by_class) a.fill(0.0);
    auto spread = [&](const interval_ns& iv, auto&& add) {
      const double s = static_cast<double>(iv.start_ns - start), e = static_cast<double>(iv.end_ns - start);
      const int first = std::clamp(static_cast<int>(s / width), 0, bins - 1);
      const int last = std::clamp(static_cast<int>(e / width), 0, bins - 1);
      for (int b = first; b <= last; ++b) {
        const double lo = std::max(s, b * width), hi = std::min(e, (b + 1) * width);
        if (hi > lo) add(static_cast<std::size_t>(b), hi - lo);
      }
    };
    // Merge kernel intervals (sorted) into a union for the busy fraction.
    std::vector<interval_ns> merged;
    for (const auto& iv : kernels) {
      if (iv.end_ns <= iv.start_ns) continue;
      if (!merged.empty() && iv.start_ns <= merged.back().end_ns) {
        merged.back().end_ns = std::max(merged.back().end_ns, iv.end_ns);
      } else {
        merged.push_back(iv);
      }
    }
    for (const auto& iv : merged) spread(iv, [&](std::size_t b, double len) { busy[b] += len; });
    for (std::size_t k = 0; k < kernels.size(); ++k) {
      const auto cls = static_cast<std::size_t>(kernel_classes[k]);
      spread(kernels[k], [&](std::size_t b, double len) { by_class[b][cls] += len; });
    }
    d.timeline.resize(static_cast<std::size_t>(bins));
    for (std::size_t b = 0; b < busy.size(); ++b) {
      d.timeline[b].busy_fraction = std::min(1.0, busy[b] / width);
      const auto top = std::max_element(by_class[b].begin(), by_class[b].end());
      if (*top > 0.0) d.timeline[b].dominant_class = to_string(all_kernel_classes[static_cast<std::size_t>(top - by_class[b].begin())]);
    }
  }
  return d;
}

void summarize_ranges(const trace& t, const std::vector<double>& kernel_s, analysis_document& out, std::size_t max_ranges) {
  if (t.ranges.empty()) return;
  // Per device: kernels sorted by start, with their longest duration for the overlap search.
  std::map<int, std::vector<std::size_t>> by_device;
  std::map<int, std::int64_t> longest;
  for (std::size_t k = 0; k < t.kernels.size(); ++k) {
    if (!t.kernels[k].measured_times) continue;
    by_device[t.kernels[k].device].push_back(k);
    longest[t.kernels[k].device] = std::max(longest[t.kernels[k].device], t.kernels[k].end_ns - t.kernels[k].start_ns);
  }
  for (auto& [dev, list] : by_device) {
    std::sort(list.begin(), list.end(), [&](std::size_t a, std::size_t b) { return t.kernels[a].start_ns < t.kernels[b].start_ns; });
  }
  // CPU side, a kernel belongs where it was launched: by its launching call (thread, start) when
  // the trace records one, else by its op (the op's thread and start). Launches per thread and,
  // for kernels without one, per op: their kernels' time and count; both sorted by start.
  const bool cpu_ranges = std::any_of(t.ranges.begin(), t.ranges.end(), [](const trace_range& r) { return !r.device; });
  std::map<std::int64_t, std::vector<std::pair<std::int64_t, std::size_t>>> launches_by_thread;  // (start, kernel)
  std::unordered_map<std::int64_t, std::pair<double, std::int64_t>> op_kernels;
  for (std::size_t k = 0; cpu_ranges && k < t.kernels.size(); ++k) {
    const auto& kern = t.kernels[k];
    if (kern.launch) {
      launches_by_thread[kern.launch->thread].emplace_back(kern.launch->start_ns, k);
    } else if (kern.op_id) {
      auto& e = op_kernels[*kern.op_id];
      e.first += kernel_s[k];
      ++e.second;
    }
  }
  for (auto& [thread, list] : launches_by_thread) std::sort(list.begin(), list.end());
  std::map<std::int64_t, std::vector<std::pair<std::int64_t, std::int64_t>>> ops_by_thread;  // (start, op id)
  if (!op_kernels.empty()) {
    for (const auto& op : t.ops) {
      if (op_kernels.count(op.id)) ops_by_thread[op.thread].emplace_back(op.start_ns, op.id);
    }
    for (auto& [thread, list] : ops_by_thread) std::sort(list.begin(), list.end());
  }

  // Per range name: its instances on each thread (CPU side) or device (GPU side), merged into a
  // union so that an instance nested in or overlapping another of the same name counts once.
  using range_key = std::tuple<std::string, std::string, bool>;
  std::map<range_key, range_time> rows;
  std::map<range_key, std::map<std::int64_t, std::vector<std::pair<std::int64_t, std::int64_t>>>> spans;
  for (const auto& r : t.ranges) {
    const bool gpu = r.device.has_value();
    const range_key key{r.domain, r.name, gpu};
    auto& row = rows[key];
    row.name = r.name;
    row.domain = r.domain;
    row.gpu_side = gpu;
    ++row.count;
    spans[key][gpu ? *r.device : r.thread].emplace_back(r.start_ns, std::max(r.start_ns, r.end_ns));
  }
  auto attribute = [&](range_time& row, std::int64_t lane, std::int64_t start_ns, std::int64_t end_ns) {
    if (row.gpu_side) {
      const auto it = by_device.find(static_cast<int>(lane));
      if (it == by_device.end()) return;
      const auto& list = it->second;
      const std::int64_t from = start_ns - longest[static_cast<int>(lane)];
      auto k = std::lower_bound(list.begin(), list.end(), from,
                                [&](std::size_t idx, std::int64_t v) { return t.kernels[idx].start_ns < v; });
      for (; k != list.end() && t.kernels[*k].start_ns < end_ns; ++k) {
        const auto& kern = t.kernels[*k];
        const std::int64_t overlap = std::min(kern.end_ns, end_ns) - std::max(kern.start_ns, start_ns);
        if (overlap > 0) {
          ++row.kernels;
          row.kernel_time_s += seconds(overlap);
        }
      }
    } else {
      // Launches and ops that started in [start_ns, end_ns) on this thread: full kernel time.
      if (const auto it = launches_by_thread.find(lane); it != launches_by_thread.end()) {
        auto l = std::lower_bound(it->second.begin(), it->second.end(), std::make_pair(start_ns, std::size_t{0}));
        for (; l != it->second.end() && l->first < end_ns; ++l) {
          ++row.kernels;
          row.kernel_time_s += kernel_s[l->second];
        }
      }
      if (const auto it = ops_by_thread.find(lane); it != ops_by_thread.end()) {
        auto op = std::lower_bound(it->second.begin(), it->second.end(), std::make_pair(start_ns, std::numeric_limits<std::int64_t>::min()));
        for (; op != it->second.end() && op->first < end_ns; ++op) {
          const auto& e = op_kernels[op->second];
          row.kernels += e.second;
          row.kernel_time_s += e.first;
        }
      }
    }
  };
  for (auto& [key, lanes] : spans) {
    range_time& row = rows[key];
    for (auto& [lane, list] : lanes) {
      std::sort(list.begin(), list.end());
      for (std::size_t i = 0; i < list.size();) {
        auto [from, to] = list[i];
        for (++i; i < list.size() && list[i].first <= to; ++i) to = std::max(to, list[i].second);
        row.wall_s += seconds(to - from);
        attribute(row, lane, from, to);
      }
    }
  }
  for (auto& [key, row] : rows) out.ranges.push_back(std::move(row));
  std::sort(out.ranges.begin(), out.ranges.end(), [](const range_time& a, const range_time& b) {
    if (a.kernel_time_s != b.kernel_time_s) return a.kernel_time_s > b.kernel_time_s;
    if (a.wall_s != b.wall_s) return a.wall_s > b.wall_s;
    return std::tie(a.domain, a.name) < std::tie(b.domain, b.name);
  });
  if (out.ranges.size() > max_ranges) {
    out.ranges_omitted = static_cast<std::int64_t>(out.ranges.size() - max_ranges);
    out.ranges.resize(max_ranges);
  }
}

}  // namespace

analysis_document analyze(const trace& t, const machine_profile& profile, const kernel_classifier& classifier,
                          const analyze_options& options) {
  if (t.kernels.empty()) {
    throw input_error(options.trace_file, "kernels", "the trace has no kernels: nothing to place on a roofline");
  }
  const roofline roofs = roofline::from_profile(profile);
  if (roofs.memory().empty()) {
    throw input_error(options.machine_file, "memory",
                      "the profile has no memory level with a bandwidth: no roofline can be drawn (measure one with "
                      "`rafter sweep` or pick a datasheet with --machine)");
  }

  analysis_document out;
  out.generator = options.generator;
  out.trace_file = options.trace_file;
  out.trace_tool = t.source.tool;
  out.machine_name = profile.device.name;
  out.machine_file = options.machine_file;
  out.machine_choice = options.machine_choice;
  out.thresholds = options.thresholds;
  std::map<std::string, double> memory_roofs;
  for (const auto& c : profile.compute) out.compute.push_back({c.id, c.precision, c.unit, c.flop_per_s, c.source, c.note});
  for (const auto& m : profile.memory) {
    if (const auto bw = m.roofline_bytes_per_s(); bw && *bw > 0.0) {
      out.memory.push_back({m.level, "", "", *bw, m.source, m.note});
      memory_roofs[m.level] = *bw;
    }
  }
  std::string fastest_link;
  double fastest = 0.0;
  for (const auto& l : profile.links) {
    out.links.push_back({l.id, "", "", l.bytes_per_s, l.source, l.note});
    if (l.bytes_per_s > fastest) {
      fastest = l.bytes_per_s;
      fastest_link = l.id;
    }
  }
  if (profile.compute.empty()) out.warnings.push_back("the profile has no compute ceilings: only memory roofs bound the kernels");
  // What the recording lacks or assumed bounds what the analysis can say: carried over.
  for (const auto& w : t.source.warnings) out.warnings.push_back("trace: " + w);
  for (const auto& n : t.source.not_recorded) out.warnings.push_back("not in the trace: " + n);

  // Durations, groups and the gap before each launch.
  const std::size_t n = t.kernels.size();
  std::vector<double> kernel_s(n);
  std::int64_t bad_intervals = 0, placeholder_times = 0, no_time = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const auto& kern = t.kernels[k];
    if (!kern.measured_times) {
      // Placeholder start/end: only the counter tool's own duration is a time.
      ++placeholder_times;
      const auto d = kern.metrics ? kern.metrics->duration_s : std::nullopt;
      if (d && *d > 0.0) {
        kernel_s[k] = *d;
      } else {
        ++no_time;
      }
      continue;
    }
    const std::int64_t d = kern.end_ns - kern.start_ns;
    if (d < 0) ++bad_intervals;
    kernel_s[k] = seconds(std::max<std::int64_t>(0, d));
  }
  if (bad_intervals > 0) out.warnings.push_back(fmt::format("{} kernels end before they start: counted as zero time", bad_intervals));
  // No launch is assumed to run at its roof faster than this.
  double launch_floor_s = options.thresholds.min_launch_s;
  for (const double s : kernel_s) {
    if (s > 0.0) launch_floor_s = std::min(launch_floor_s, s);
  }
  out.totals.launch_floor_s = launch_floor_s;
  if (placeholder_times > 0) {
    out.warnings.push_back(fmt::format(
        "{} kernels have placeholder start/end times (not measured): left out of the device timelines; {} of them have no "
        "duration from the counter tool either, so they count with zero time and no rate",
        placeholder_times, no_time));
  }

  std::unordered_map<group_key, std::size_t, group_key_hash> index;
  index.reserve(1024);
  std::vector<group_accumulator> acc;
  std::vector<std::size_t> kernel_group_of(n);
  for (std::size_t k = 0; k < n; ++k) {
    const auto& kern = t.kernels[k];
    const group_key key{kern.name, kern.grid, kern.block};
    auto [it, inserted] = index.try_emplace(key, acc.size());
    if (inserted) {
      acc.emplace_back();
      acc.back().first = &kern;
    }
    kernel_group_of[k] = it->second;
    auto& a = acc[it->second];
    ++a.count;
    a.total_s += kernel_s[k];
    a.min_s = std::min(a.min_s, kernel_s[k]);
    a.max_s = std::max(a.max_s, kernel_s[k]);
    if (kern.metrics && (!kern.metrics->flop.empty() || !kern.metrics->bytes.empty())) {
      ++a.measured_count;
      a.measured_time_s += kern.metrics->duration_s && *kern.metrics->duration_s > 0.0 ? *kern.metrics->duration_s : kernel_s[k];
      a.measured_trace_s += kernel_s[k];
      for (const auto& [kind, v] : kern.metrics->flop) a.measured_flop[kind] += v;
      for (const auto& [level, v] : kern.metrics->bytes) a.measured_bytes[level] += v;
      a.uncounted_flop.insert(kern.metrics->uncounted_flop.begin(), kern.metrics->uncounted_flop.end());
    } else if (kern.estimate) {
      ++a.estimate_count;
      a.estimate_time_s += kernel_s[k];
      a.estimate_flop += kern.estimate->flop;
      a.estimate_bytes += kern.estimate->bytes;
      if (a.estimate_formula.empty()) a.estimate_formula = kern.estimate->formula;
      if (a.estimate_precision.empty()) a.estimate_precision = kern.estimate->precision;
    }
    if (kern.collective) {
      if (const auto factor = collective_bus_factor(kern.collective->name, kern.collective->ranks)) {
        ++a.collective_count;
        a.collective_time_s += kernel_s[k];
        a.bus_bytes += collective_message_bytes(*kern.collective) * *factor;
        const std::string link = collective_link_id(kern.collective->name);
        if (a.collective.empty()) {
          a.collective = kern.collective->name;
          a.collective_link = link;
        } else if (link != a.collective_link) {
          a.mixed_links = true;
        }
      }
    }
  }

  // Classify once per name (groups of one kernel differ only in launch shape).
  std::vector<kernel_class> group_class(acc.size());
  std::unordered_map<std::string_view, kernel_class> class_of_name;
  for (std::size_t g = 0; g < acc.size(); ++g) {
    const auto& first = *acc[g].first;
    const std::string_view name = first.demangled.empty() ? first.name : first.demangled;
    auto [it, inserted] = class_of_name.try_emplace(name, kernel_class::other);
    if (inserted) it->second = classifier.classify(name);
    group_class[g] = it->second;
  }

  // Per device: sorted kernel intervals, gaps before each launch, summaries.
  std::map<int, std::vector<std::size_t>> device_kernels;
  for (std::size_t k = 0; k < n; ++k) {
    if (t.kernels[k].measured_times) device_kernels[t.kernels[k].device].push_back(k);
  }
  std::map<int, std::vector<interval_ns>> device_copies;
  for (const auto& c : t.copies) device_copies[c.device].push_back({c.start_ns, std::max(c.start_ns, c.end_ns)});
  for (const auto& [dev, list] : device_copies) device_kernels.try_emplace(dev);
  std::map<int, std::string> device_names;
  for (const auto& d : t.devices) device_names[d.id] = d.name;
  for (auto& [dev, list] : device_kernels) {
    std::sort(list.begin(), list.end(), [&](std::size_t a, std::size_t b) {
      return t.kernels[a].start_ns != t.kernels[b].start_ns ? t.kernels[a].start_ns < t.kernels[b].start_ns : a < b;
    });
    std::vector<interval_ns> intervals;
    std::vector<kernel_class> classes;
    intervals.reserve(list.size());
    classes.reserve(list.size());
    for (const std::size_t k : list) {
      intervals.push_back({t.kernels[k].start_ns, std::max(t.kernels[k].start_ns, t.kernels[k].end_ns)});
      classes.push_back(group_class[kernel_group_of[k]]);
    }
    const std::vector<std::int64_t> gaps = gaps_before_ns(intervals);
    for (std::size_t i = 0; i < list.size(); ++i) acc[kernel_group_of[list[i]]].gap_s += seconds(gaps[i]);
    const auto names = device_names.find(dev);
    out.devices.push_back(summarize_device(dev, names == device_names.end() ? "" : names->second, intervals, classes,
                                           device_copies[dev], options.timeline_bins));
  }

  // Groups: finalize, place, sort by time.
  warning_counter warnings;
  out.groups.resize(acc.size());
  for (std::size_t i = 0; i < acc.size(); ++i) {
    auto& g = out.groups[i];
    const auto& a = acc[i];
    g.name = a.first->name;
    g.demangled = a.first->demangled;
    g.grid = a.first->grid;
    g.block = a.first->block;
    g.cls = group_class[i];
    g.count = a.count;
    g.total_s = a.total_s;
    g.mean_s = a.total_s / static_cast<double>(a.count);
    g.min_s = a.min_s;
    g.max_s = a.max_s;
    g.mean_gap_before_s = a.gap_s / static_cast<double>(a.count);
    place_group(g, a, profile, memory_roofs, fastest_link, launch_floor_s, options.thresholds, warnings);
    // Launches without work of their own, in trace time (the counter tool's durations of the
    // others come from a replay and need not match the trace's).
    if (g.work != work_source::none && g.work_count < g.count) {
      const double work_trace_s = g.work == work_source::measured ? a.measured_trace_s : a.estimate_time_s;
      out.totals.extrapolated_time_s += std::max(0.0, g.total_s - work_trace_s);
    }
  }
  std::sort(out.groups.begin(), out.groups.end(), [](const kernel_group& a, const kernel_group& b) {
    if (a.total_s != b.total_s) return a.total_s > b.total_s;
    return std::tie(a.name, a.count) < std::tie(b.name, b.count);
  });
  for (std::size_t i = 0; i < out.groups.size(); ++i) out.groups[i].id = static_cast<std::int64_t>(i);

  // Totals and classes.
  auto& tot = out.totals;
  tot.kernels = static_cast<std::int64_t>(n);
  tot.groups = static_cast<std::int64_t>(out.groups.size());
  tot.copies = static_cast<std::int64_t>(t.copies.size());
  tot.ranges = static_cast<std::int64_t>(t.ranges.size());
  std::map<kernel_class, class_time> classes;
  double unplaced_s = 0.0;  // Neither placed nor communication.
  for (const auto& g : out.groups) {
    tot.kernel_time_s += g.total_s;
    if (g.work == work_source::measured) tot.measured_time_s += g.total_s;
    else if (g.work == work_source::estimate) tot.estimated_time_s += g.total_s;
    else tot.unknown_time_s += g.total_s;
    if (g.placed()) tot.placed_time_s += g.total_s;
    if (g.cls == kernel_class::communication) tot.communication_time_s += g.total_s;
    else if (!g.placed()) unplaced_s += g.total_s;
    if (g.cls == kernel_class::communication && g.bus_bytes_per_s) tot.collective_time_s += g.total_s;
    tot.opportunity_s += g.opportunity_s.value_or(0.0);
    if (!g.flags.empty()) ++tot.flagged_groups;
    auto& c = classes[g.cls];
    c.cls = g.cls;
    c.kernels += g.count;
    ++c.groups;
    c.time_s += g.total_s;
    if (g.placed()) c.placed_s += g.total_s;
    c.opportunity_s += g.opportunity_s.value_or(0.0);
  }
  tot.placed_fraction = share(tot.placed_time_s, tot.kernel_time_s);
  for (auto& [cls, c] : classes) {
    c.fraction = share(c.time_s, tot.kernel_time_s);
    out.classes.push_back(c);
  }
  std::sort(out.classes.begin(), out.classes.end(), [](const class_time& a, const class_time& b) {
    return a.time_s != b.time_s ? a.time_s > b.time_s : a.cls < b.cls;
  });

  // Opportunities: the top N by time saved at the roof.
  std::vector<std::int64_t> ranked;
  for (const auto& g : out.groups) {
    if (g.opportunity_s && *g.opportunity_s > 0.0) ranked.push_back(g.id);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [&](std::int64_t a, std::int64_t b) {
    return *out.groups[static_cast<std::size_t>(a)].opportunity_s > *out.groups[static_cast<std::size_t>(b)].opportunity_s;
  });
  if (ranked.size() > options.top) ranked.resize(options.top);
  out.opportunities = std::move(ranked);

  summarize_ranges(t, kernel_s, out, options.max_ranges);

  // Copies by kind.
  std::map<std::string, copy_summary> copies;
  for (const auto& c : t.copies) {
    auto& s = copies[c.kind];
    s.kind = c.kind;
    ++s.count;
    s.bytes += c.bytes;
    s.time_s += seconds(std::max<std::int64_t>(0, c.end_ns - c.start_ns));
  }
  for (auto& [kind, s] : copies) {
    s.achieved_bytes_per_s = rate_per_s(s.bytes, s.time_s);
    if (const link_ceiling* l = profile.link_for_copy(kind)) {
      s.link = l->id;
      s.link_bytes_per_s = l->one_direction_bytes_per_s();  // A copy runs one way.
      if (s.achieved_bytes_per_s) s.fraction_of_link = fraction_of_ceiling(*s.achieved_bytes_per_s, *s.link_bytes_per_s);
    }
    out.copies.push_back(std::move(s));
  }

  warnings.emit(out.warnings);
  if (tot.flagged_groups > 0) {
    out.warnings.push_back(fmt::format("{} group(s) flagged with impossible or suspicious numbers (see their flags)", tot.flagged_groups));
  }
  if (unplaced_s > 0.0) {
    const double unplaced = share(unplaced_s, tot.kernel_time_s);
    out.warnings.push_back(fmt::format("{} of kernel time could not be placed on the roofline (work or traffic unknown){}",
                                       unplaced < 0.0005 ? std::string("under 0.1%") : fmt::format("{:.1f}%", unplaced * 100.0),
                                       tot.communication_time_s > 0.0
                                           ? fmt::format("; besides, {:.1f}% is communication, held against links instead",
                                                         share(tot.communication_time_s, tot.kernel_time_s) * 100.0)
                                           : std::string()));
  }
  return out;
}

}  // namespace rafter

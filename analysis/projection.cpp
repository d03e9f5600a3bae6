#include "analysis/projection.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "analysis/analysis_document.hpp"
#include "analysis/analysis_metrics.hpp"
#include "analysis/posix_regex.hpp"
#include "core/error.hpp"
#include "core/machine_profile.hpp"
#include "core/units.hpp"

namespace rafter {

namespace {

std::optional<double> main_bandwidth(const machine_profile& p) {
  for (const char* level : {"hbm", "dram"}) {
    if (const memory_level* m = p.find_memory(level)) {
      if (const auto bw = m->roofline_bytes_per_s(); bw && *bw > 0.0) return bw;
    }
  }
  return std::nullopt;
}

/// Bandwidth of `level` on `p`; a main memory level (hbm, dram) falls back to p's main memory.
std::optional<double> level_bandwidth(const machine_profile& p, const std::string& level) {
  if (const memory_level* m = p.find_memory(level)) {
    if (const auto bw = m->roofline_bytes_per_s(); bw && *bw > 0.0) return bw;
  }
  if (level == "hbm" || level == "dram") return main_bandwidth(p);
  return std::nullopt;
}

bool unit_fits(const std::string& pipe, const compute_ceiling& c) {
  return pipe == "tensor" ? c.on_matrix_units() : c.on_vector_units();
}

const compute_ceiling* best_ceiling(const machine_profile& p, const std::string& precision, const std::string* pipe) {
  const compute_ceiling* best = nullptr;
  for (const auto& c : p.compute) {
    if (c.precision != precision || (pipe && !unit_fits(*pipe, c))) continue;
    if (!best || c.flop_per_s > best->flop_per_s) best = &c;
  }
  return best;
}

/// The ceiling a kernel of `precision` on `pipe` ("tensor", "cuda_core") runs against on `p`:
/// the same precision on the same kind of unit; for tensor work, else the same precision on the
/// CUDA cores (a machine without tensor cores for it); else the next wider precision the machine
/// has (tf32 -> fp32, bf16 -> fp16 -> fp32, fp8 -> fp16, ...), on the same kind of unit first.
/// CUDA-core work never takes a tensor ceiling: it does not run on tensor cores, whose rate is
/// many times the CUDA cores'. `fallback` says what was used when it is not an exact match.
const compute_ceiling* ceiling_for(const machine_profile& p, const std::string& precision, const std::string& pipe,
                                   std::string& fallback) {
  if (const auto* c = best_ceiling(p, precision, &pipe)) return c;
  const std::string vector_pipe = "cuda_core";
  if (pipe == "tensor") {
    if (const auto* c = best_ceiling(p, precision, &vector_pipe)) {
      fallback = precision + " on " + pipe + " -> " + c->id + " (the machine has no " + precision + " tensor ceiling)";
      return c;
    }
  }
  static const std::map<std::string, std::vector<std::string>> wider{
      {"tf32", {"fp32"}}, {"bf16", {"fp16", "fp32"}}, {"fp16", {"fp32"}}, {"fp8", {"fp16", "bf16", "fp32"}},
      {"fp6", {"fp8", "fp16", "fp32"}}, {"fp4", {"fp8", "fp16", "fp32"}}, {"int8", {"fp16", "fp32"}},
      {"int4", {"int8", "fp16", "fp32"}}};
  const auto it = wider.find(precision);
  if (it == wider.end()) return nullptr;
  for (const auto& w : it->second) {
    const compute_ceiling* c = best_ceiling(p, w, &pipe);
    if (!c && pipe == "tensor") c = best_ceiling(p, w, &vector_pipe);
    if (c) {
      fallback = precision + "." + pipe + " -> " + c->id + " (the machine has no " + precision + " ceiling)";
      return c;
    }
  }
  return nullptr;
}

std::optional<double> link_bandwidth(const machine_profile& p, const std::string& id) {
  for (const auto& l : p.links) {
    if (l.id == id && l.bytes_per_s > 0.0) return l.one_direction_bytes_per_s();
  }
  return std::nullopt;
}

struct ratio_range {
  double central = 1.0;  ///< t_B / t_A.
  double low = 1.0;
  double high = 1.0;
};

ratio_range spanning(double central, std::initializer_list<double> others) {
  ratio_range r{central, central, central};
  for (const double o : others) {
    r.low = std::min(r.low, o);
    r.high = std::max(r.high, o);
  }
  return r;
}

struct machines {
  const machine_profile& a;
  const machine_profile& b;
  double memory_ratio = 1.0;   ///< t_B / t_A for a main-memory-bound kernel: bw_A / bw_B.
  double fp32_ratio = 1.0;     ///< t_B / t_A for an fp32-vector-bound kernel.
  std::string memory_detail;
  std::string fp32_detail;
  /// No launch is projected faster than this (s): the analysis's floor, min(min_launch_s, the
  /// trace's shortest kernel), as `analyze` floors time at the roof.
  double launch_floor_s = 0.0;
};

/// The machine that lacks a figure, for a detail or warning: "A (name)", "B (name)" or "either machine".
std::string lacking(bool on_a, bool on_b, const machines& m) {
  if (!on_a && !on_b) return "either machine";
  return on_a ? "B (" + m.b.device.name + ")" : "A (" + m.a.device.name + ")";
}

/// An attention kernel whose name says it decodes (one query token per sequence over a KV cache:
/// FlashInfer's BatchDecode*, vLLM's paged_attention_v1/v2, "decode" kernels generally).
bool decode_attention(const kernel_group& g) {
  static const posix_regex decode("decode|paged_attention");  // case-insensitive, as class rules are
  return decode.search(g.display_name());
}

void warn_once(projection& out, const std::string& text) {
  if (std::find(out.warnings.begin(), out.warnings.end(), text) == out.warnings.end()) out.warnings.push_back(text);
}

projected_item project_group(const kernel_group& g, const machines& m, projection& out) {
  projected_item item;
  item.kind = "kernels";
  item.group = g.id;
  double roof_floor_s = 0.0;  // the group's work at B's roof, for all its launches (placed groups)
  item.name = g.display_name();
  item.cls = to_string(g.cls);
  item.count = g.count;
  item.time_a_s = g.total_s;
  ratio_range r;

  bool has_traffic = false;
  for (const auto& l : g.levels) has_traffic = has_traffic || l.bytes > 0.0;
  const bool has_work = g.work != work_source::none && (g.flop > 0.0 || has_traffic) && g.work_time_s > 0.0;

  if (g.cls == kernel_class::communication || g.limiter.kind == limiter_kind::communication) {
    // The link that measures the group's recorded collective (nccl_allreduce, ...) when both
    // machines have it, else the fastest link both have.
    std::optional<double> la;
    std::optional<double> lb;
    std::string id;
    if (!g.link_ceiling.empty()) {
      const auto a = link_bandwidth(m.a, g.link_ceiling);
      const auto b = link_bandwidth(m.b, g.link_ceiling);
      if (a && b && *a > 0.0) {
        la = a;
        lb = b;
        id = g.link_ceiling;
      }
    }
    const bool by_collective = !id.empty();
    for (const auto& l : m.a.links) {
      if (by_collective) break;
      const auto other = link_bandwidth(m.b, l.id);
      if (other && l.bytes_per_s > 0.0 && (!la || l.one_direction_bytes_per_s() > *la)) {
        la = l.one_direction_bytes_per_s();
        lb = other;
        id = l.id;
      }
    }
    if (la && lb) {
      const double ratio = *la / *lb;
      r = spanning(ratio, {1.0});
      item.method = "link";
      item.detail = fmt::format("{} {} -> {}", id, format_bandwidth(*la), format_bandwidth(*lb));
    } else {
      item.method = "kept";
      item.detail = "no link ceiling on both machines";
      warn_once(out, "communication kernels kept as measured: the two profiles share no link ceiling");
    }
  } else if (g.limiter.kind == limiter_kind::launch_overhead) {
    r = spanning(1.0, {m.memory_ratio});
    item.method = "kept";
    item.detail = "launch-bound: " + g.limiter.rule;
  } else if (has_work) {
    // Roof time of the work launches on each machine: max(FLOP / P, bytes_l / B_l).
    double roof_a = 0.0;
    double roof_b = 0.0;
    std::optional<double> compute_ratio;
    std::string detail;
    if (g.flop > 0.0 && !g.precision.empty()) {
      std::string fb_a;
      std::string fb_b;
      const compute_ceiling* pa = ceiling_for(m.a, g.precision, g.pipe, fb_a);
      const compute_ceiling* pb = ceiling_for(m.b, g.precision, g.pipe, fb_b);
      if (pa && pb) {
        roof_a = g.flop / pa->flop_per_s;
        roof_b = g.flop / pb->flop_per_s;
        compute_ratio = pa->flop_per_s / pb->flop_per_s;
        detail = fmt::format("{} {} -> {} {}", pa->id, format_flops(pa->flop_per_s), pb->id, format_flops(pb->flop_per_s));
        if (!fb_b.empty()) warn_once(out, "compute ceiling fallback on B: " + fb_b);
        if (!fb_a.empty()) warn_once(out, "compute ceiling fallback on A: " + fb_a);
      } else {
        warn_once(out, "no " + g.precision + " ceiling on " + std::string(pa ? "B" : "A") +
                           ": those groups are projected by their traffic only");
      }
    }
    std::optional<double> binding_ratio;
    std::optional<double> main_ratio;
    for (const auto& l : g.levels) {
      if (!(l.bytes > 0.0)) continue;
      const auto ba = level_bandwidth(m.a, l.level);
      const auto bb = level_bandwidth(m.b, l.level);
      if (!ba || !bb) {
        if (ba) warn_once(out, "B has no bandwidth for level \"" + l.level + "\": its traffic is left out of B's roof");
        continue;
      }
      roof_a = std::max(roof_a, l.bytes / *ba);
      roof_b = std::max(roof_b, l.bytes / *bb);
      if (l.level == g.binding) binding_ratio = *ba / *bb;
      if (l.level == "hbm" || l.level == "dram") main_ratio = *ba / *bb;
      detail += fmt::format("{}{} {} -> {}", detail.empty() ? "" : "; ", l.level, format_bandwidth(*ba), format_bandwidth(*bb));
    }
    if (roof_a > 0.0 && roof_b > 0.0) {
      const double ratio = roof_b / roof_a;
      const double memory_only = binding_ratio.value_or(main_ratio.value_or(m.memory_ratio));
      // Far below every roof on A (latency, occupancy, too little parallelism): faster roofs on B
      // need not help it, so its range reaches the time kept as measured.
      const bool below_every_roof = g.limiter.kind == limiter_kind::latency;
      r = below_every_roof ? spanning(ratio, {compute_ratio.value_or(ratio), memory_only, 1.0})
                           : spanning(ratio, {compute_ratio.value_or(ratio), memory_only});
      // Nothing runs faster than B's roof: the time of the group's work at B's roof, scaled to all
      // its launches as `analyze` scales roof time.
      roof_floor_s = roof_b * g.total_s / g.work_time_s;
      item.method = "roofline";
      item.detail = detail + fmt::format("; roof time x{:.3g}; limiter on A: {}", ratio, to_string(g.limiter.kind));
    } else {
      r = spanning(m.memory_ratio, {m.fp32_ratio});
      item.method = "bandwidth";
      item.detail = "work known but no roof on both machines; " + m.memory_detail;
    }
  } else if ((g.cls == kernel_class::gemm || g.cls == kernel_class::attention) && !decode_attention(g)) {
    r = spanning(m.fp32_ratio, {m.memory_ratio});
    item.method = "compute";
    item.detail = "no work recorded; " + m.fp32_detail;
  } else if (g.cls == kernel_class::attention) {
    // Decode attention reads the KV cache once per token: about 2 x (query heads per KV head)
    // FLOP per byte, far below any GPU's ridge, so main memory bandwidth bounds it.
    r = spanning(m.memory_ratio, {m.fp32_ratio});
    item.method = "bandwidth";
    item.detail = "no work recorded; decode attention (reads the KV cache: memory-bound); " + m.memory_detail;
  } else {
    r = spanning(m.memory_ratio, {m.fp32_ratio});
    item.method = "bandwidth";
    item.detail = "no work recorded; " + m.memory_detail;
  }
  // Floors: B's roof for the work (above), and no launch faster than the launch floor, as
  // `analyze` floors roof time. The launch part is capped at t_A: launches recorded without a time
  // (placeholder times) took no measured time to floor.
  const double floor_s = std::max(roof_floor_s, std::min(g.total_s, floored_roof_time_s(0.0, g.count, m.launch_floor_s)));
  item.time_b_s = g.total_s * r.central;
  item.low_s = g.total_s * r.low;
  item.high_s = g.total_s * r.high;
  if (floor_s > item.low_s) {
    item.floored = true;
    item.low_s = floor_s;
    item.time_b_s = std::max(item.time_b_s, floor_s);
    item.high_s = std::max(item.high_s, item.time_b_s);
  }
  return item;
}

projected_item project_copy(const copy_summary& c, const machines& m, projection& out) {
  projected_item item;
  item.kind = "copies";
  item.name = c.kind;
  item.cls = "memcpy";
  item.count = c.count;
  item.time_a_s = c.time_s;
  // The link each machine would carry the copy over, as `analyze` picks it (a measured
  // h2d_pinned before the datasheet's pcie).
  ratio_range r;
  if (c.kind == "h2d" || c.kind == "d2h" || c.kind == "p2p") {
    const link_ceiling* link_a = m.a.link_for_copy(c.kind);
    const link_ceiling* link_b = m.b.link_for_copy(c.kind);
    if (link_a && link_b) {
      const double la = link_a->one_direction_bytes_per_s();
      const double lb = link_b->one_direction_bytes_per_s();
      r = spanning(la / lb, {1.0});
      item.method = "link";
      item.detail = link_a->id == link_b->id
                        ? fmt::format("{} {} -> {}", link_a->id, format_bandwidth(la), format_bandwidth(lb))
                        : fmt::format("{} {} -> {} {}", link_a->id, format_bandwidth(la), link_b->id, format_bandwidth(lb));
    } else {
      item.method = "kept";
      item.detail = "no " + c.kind + " link ceiling on " + lacking(link_a != nullptr, link_b != nullptr, m);
      warn_once(out, c.kind + " copies kept as measured: " + item.detail);
    }
  } else if (c.kind == "d2d" || c.kind == "memset") {
    r = spanning(m.memory_ratio, {1.0});
    item.method = "bandwidth";
    item.detail = m.memory_detail;
  } else {
    item.method = "kept";
    item.detail = "no ceiling for copies of kind " + c.kind;
  }
  item.time_b_s = c.time_s * r.central;
  item.low_s = c.time_s * r.low;
  item.high_s = c.time_s * r.high;
  return item;
}

void add(projected_total& t, const projected_item& i) {
  t.time_a_s += i.time_a_s;
  t.time_b_s += i.time_b_s;
  t.low_s += i.low_s;
  t.high_s += i.high_s;
}

}  // namespace

projection project_workload(const analysis_document& on_a, const machine_profile& from, const machine_profile& to,
                            const std::string& from_file, const std::string& to_file) {
  projection out;
  out.trace_file = on_a.trace_file;
  out.from_file = from_file;
  out.to_file = to_file;
  out.from_name = from.device.name;
  out.to_name = to.device.name;

  machines m{from, to, 1.0, 1.0, {}, {}};
  const auto bw_a = main_bandwidth(from);
  const auto bw_b = main_bandwidth(to);
  if (!bw_a) throw input_error(from_file, "memory", "no main memory (hbm or dram) bandwidth: nothing to project from");
  if (!bw_b) throw input_error(to_file, "memory", "no main memory (hbm or dram) bandwidth: nothing to project onto");
  m.memory_ratio = *bw_a / *bw_b;
  m.memory_detail = fmt::format("main memory {} -> {}", format_bandwidth(*bw_a), format_bandwidth(*bw_b));
  std::string ignored;
  const compute_ceiling* fa = ceiling_for(from, "fp32", "cuda_core", ignored);
  const compute_ceiling* fb = ceiling_for(to, "fp32", "cuda_core", ignored);
  if (fa && fb) {
    m.fp32_ratio = fa->flop_per_s / fb->flop_per_s;
    m.fp32_detail = fmt::format("{} {} -> {} {}", fa->id, format_flops(fa->flop_per_s), fb->id, format_flops(fb->flop_per_s));
  } else {
    m.fp32_ratio = m.memory_ratio;
    const std::string where = lacking(fa != nullptr, fb != nullptr, m);
    m.fp32_detail = "no fp32 ceiling on " + where + "; " + m.memory_detail;
    warn_once(out, "no fp32 ceiling on " + where + ": kernels without work scale by main memory bandwidth");
  }

  // The analysis's own floor; an analysis document from before it was recorded: derived alike
  // from its groups' shortest launches.
  m.launch_floor_s = on_a.thresholds.min_launch_s;
  if (on_a.totals.launch_floor_s) {
    m.launch_floor_s = *on_a.totals.launch_floor_s;
  } else {
    for (const auto& g : on_a.groups) {
      if (g.min_s > 0.0) m.launch_floor_s = std::min(m.launch_floor_s, g.min_s);
    }
  }
  // What the analysis of A could not do weighs on every projection made from it (what the trace
  // format never records, "not in the trace: ...", is in the analysis itself).
  for (const auto& w : on_a.warnings) {
    if (!w.starts_with("not in the trace:")) warn_once(out, "analysis of A: " + w);
  }
  if (on_a.totals.kernels > 0 && !(on_a.totals.kernel_time_s > 0.0)) {
    warn_once(out, "A's kernels have no recorded time (the trace holds counters without durations): there is no time to "
                   "project");
  }
  for (const auto& g : on_a.groups) out.items.push_back(project_group(g, m, out));
  const bool any_by_work = std::any_of(out.items.begin(), out.items.end(), [](const projected_item& i) {
    return i.method == "roofline" && i.time_a_s > 0.0;
  });
  if (!any_by_work && on_a.totals.kernel_time_s > 0.0) {
    warn_once(out, "no kernel group of A has its own work (counters or shape estimates) to project by: every group "
                   "scales by class ratios (gemm and attention by the fp32 ceiling, decode attention and the rest by "
                   "main memory, communication by links)");
  }
  for (const auto& c : on_a.copies) out.items.push_back(project_copy(c, m, out));

  for (const kernel_class cls : all_kernel_classes) {
    projected_total t;
    t.name = to_string(cls);
    bool any = false;
    for (const auto& i : out.items) {
      if (i.kind == "kernels" && i.cls == t.name) {
        add(t, i);
        any = true;
      }
    }
    if (any) out.classes.push_back(t);
  }
  projected_total copies;
  copies.name = "copies";
  for (const auto& i : out.items) {
    if (i.kind == "copies") add(copies, i);
  }
  out.kernel_time.name = "kernel_time";
  for (const auto& i : out.items) {
    if (i.kind == "kernels") add(out.kernel_time, i);
  }
  if (copies.time_a_s > 0.0) out.classes.push_back(copies);

  double busy_a = 0.0;
  double span_a = 0.0;
  for (const auto& d : on_a.devices) {
    busy_a += d.busy_s;
    span_a += d.span_s;
    out.idle_s += d.idle_s;
  }
  const double work_a = out.kernel_time.time_a_s + copies.time_a_s;
  const auto scaled = [&](double work_b) { return work_a > 0.0 ? busy_a * work_b / work_a : busy_a; };
  out.busy_time = {"busy_time", busy_a, scaled(out.kernel_time.time_b_s + copies.time_b_s),
                   scaled(out.kernel_time.low_s + copies.low_s), scaled(out.kernel_time.high_s + copies.high_s), {}};
  out.span_time = {"span_time", span_a, out.busy_time.time_b_s + out.idle_s, out.busy_time.low_s + out.idle_s,
                   out.busy_time.high_s + out.idle_s, {}};

  out.assumptions = {
      "A kernel group with known work and traffic keeps its efficiency against its binding roof: t_B = t_A x R_B / R_A, "
      "R = max(FLOP / compute ceiling, bytes at each level / that level's bandwidth). Range: the time scaled by the "
      "compute ceilings alone and by the binding memory level alone; for a group far below every roof on A (limiter "
      "latency), to kept as measured (up to it when B is faster, down to it when B is slower).",
      "A kernel group without recorded work scales by main memory bandwidth (gemm and attention: by the fp32 vector "
      "ceiling, but decode attention, which reads a KV cache, by main memory); range: between the two ratios.",
      "Launch-bound groups are kept as measured (range up to the main memory ratio); communication kernels scale by "
      "the link that measures their recorded collective (nccl_allreduce, ...) when both profiles have it, else by the "
      "fastest link both machines have (range down to kept as measured).",
      "Copies scale by link ceilings: h2d and d2h by pcie, p2p by nvlink, d2d and memset by main memory (range down to "
      "kept as measured).",
      "Idle time and launch gaps are kept as measured; busy time scales with projected kernel plus copy time, and end "
      "to end = busy + idle.",
      "The workload is the same: the same kernels, launch shapes and library choices on B; a library that picks "
      "different kernels on B (e.g. without tensor cores) is not modelled beyond the ceiling fallbacks listed.",
  };
  return out;
}

void attach_measurement(projection& p, const analysis_document& measured, const std::string& file) {
  p.measured_file = file;
  std::int64_t launches_a = 0;
  for (const auto& i : p.items) {
    if (i.kind == "kernels") launches_a += i.count;
  }
  const std::int64_t launches_b = measured.totals.kernels;
  if (launches_a > 0 && std::abs(static_cast<double>(launches_b - launches_a)) > 0.1 * static_cast<double>(launches_a)) {
    warn_once(p, fmt::format("the measured run on B has {} kernel launches against {} on A ({:+.0f}%): it may not be "
                             "the same work, and the errors below then mix the two runs' differences with the model's",
                             launches_b, launches_a,
                             100.0 * static_cast<double>(launches_b - launches_a) / static_cast<double>(launches_a)));
  }
  for (auto& t : p.classes) {
    double time = 0.0;
    if (t.name == "copies") {
      for (const auto& c : measured.copies) time += c.time_s;
    } else {
      for (const auto& c : measured.classes) {
        if (to_string(c.cls) == t.name) time += c.time_s;
      }
    }
    t.measured_b_s = time;
  }
  // Classes measured on B that A did not have.
  for (const auto& c : measured.classes) {
    const std::string name = to_string(c.cls);
    const bool present = std::any_of(p.classes.begin(), p.classes.end(), [&](const auto& t) { return t.name == name; });
    if (!present && c.time_s > 0.0) p.classes.push_back({name, 0.0, 0.0, 0.0, 0.0, c.time_s});
  }
  p.kernel_time.measured_b_s = measured.totals.kernel_time_s;
  double busy = 0.0;
  double span = 0.0;
  for (const auto& d : measured.devices) {
    busy += d.busy_s;
    span += d.span_s;
  }
  p.busy_time.measured_b_s = busy;
  p.span_time.measured_b_s = span;
}

}  // namespace rafter

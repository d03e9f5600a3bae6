#include "analysis/analysis_comparison.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "analysis/analysis_document.hpp"
#include "analysis/group_aggregate.hpp"
#include "analysis/kernel_name.hpp"
#include "core/error.hpp"

namespace rafter {

namespace {

comparison_side side_of(const analysis_document& d, const std::string& file) {
  comparison_side s;
  s.file = file;
  s.schema = std::string(analysis_document::schema_kind) + "/" + std::to_string(analysis_document::schema_major);
  s.name = d.machine_name;
  s.obtained = "trace " + d.trace_file + (d.trace_tool.empty() ? "" : " (" + d.trace_tool + ")") + " on " + d.machine_file;
  s.compute = d.compute;
  s.memory = d.memory;
  s.links = d.links;
  return s;
}

metric_delta value_metric(const std::string& name, const std::string& section, const std::string& unit,
                          std::optional<double> a, std::optional<double> b) {
  metric_delta m;
  m.name = name;
  m.section = section;
  m.unit = unit;
  if (a) set_a(m, *a);
  if (b) set_b(m, *b);
  return m;
}

struct totals {
  double busy = 0.0, idle = 0.0, span = 0.0, gaps = 0.0, copies = 0.0;
};

totals totals_of(const analysis_document& d) {
  totals t;
  for (const auto& dev : d.devices) {
    t.busy += dev.busy_s;
    t.idle += dev.idle_s;
    t.span += dev.span_s;
    t.gaps += dev.gap_total_s;
  }
  for (const auto& c : d.copies) t.copies += c.time_s;
  return t;
}

void add_time(const analysis_document& a, const analysis_document& b, comparison& out) {
  const totals ta = totals_of(a);
  const totals tb = totals_of(b);
  out.metrics.push_back(value_metric("kernel_time", "time", "s", a.totals.kernel_time_s, b.totals.kernel_time_s));
  out.metrics.push_back(value_metric("busy_time", "time", "s", ta.busy, tb.busy));
  out.metrics.push_back(value_metric("idle_time", "time", "s", ta.idle, tb.idle));
  out.metrics.push_back(value_metric("span_time", "time", "s", ta.span, tb.span));
  out.metrics.push_back(value_metric("gap_time", "time", "s", ta.gaps, tb.gaps));
  out.metrics.push_back(value_metric("copy_time", "time", "s", ta.copies, tb.copies));
  out.metrics.push_back(value_metric("kernels", "time", "count", static_cast<double>(a.totals.kernels),
                                     static_cast<double>(b.totals.kernels)));
}

void add_classes(const analysis_document& a, const analysis_document& b, comparison& out) {
  for (const kernel_class cls : all_kernel_classes) {
    const auto find = [cls](const analysis_document& d) -> const class_time* {
      for (const auto& c : d.classes) {
        if (c.cls == cls && c.kernels > 0) return &c;
      }
      return nullptr;
    };
    const class_time* ca = find(a);
    const class_time* cb = find(b);
    if (!ca && !cb) continue;
    const std::string name = std::string("class.") + to_string(cls);
    // A class missing on one side had zero time there: the rule still applies.
    out.metrics.push_back(value_metric(name + ".time", "class", "s", ca ? ca->time_s : 0.0, cb ? cb->time_s : 0.0));
    out.metrics.push_back(value_metric(name + ".kernels", "class", "count", ca ? static_cast<double>(ca->kernels) : 0.0,
                                       cb ? static_cast<double>(cb->kernels) : 0.0));
  }
}

/// Kernel time per range name of one analysis. A name recorded on the host and on the device
/// (Kineto's user_annotation and its gpu_user_annotation twin) covers the same kernels: the host
/// side counts, the device side only where the host has none. Domains of one side are summed.
std::map<std::string, double> range_times(const analysis_document& d) {
  std::map<std::string, double> host;
  std::map<std::string, double> device;
  for (const auto& r : d.ranges) (r.gpu_side ? device : host)[r.name] += r.kernel_time_s;
  for (const auto& [name, t] : device) host.emplace(name, t);  // kept where the host has the name
  return host;
}

void add_ranges(const analysis_document& a, const analysis_document& b, comparison& out) {
  std::vector<std::string> order;
  const std::map<std::string, double> ta = range_times(a);
  const std::map<std::string, double> tb = range_times(b);
  std::set<std::string> seen;
  for (const auto* d : {&a, &b}) {
    for (const auto& r : d->ranges) {
      if (seen.insert(r.name).second) order.push_back(r.name);
    }
  }
  for (const auto& name : order) {
    const auto ia = ta.find(name);
    const auto ib = tb.find(name);
    out.metrics.push_back(value_metric("range." + name + ".time", "range", "s",
                                       ia == ta.end() ? std::nullopt : std::optional<double>(ia->second),
                                       ib == tb.end() ? std::nullopt : std::optional<double>(ib->second)));
  }
  if (a.ranges_omitted > 0 || b.ranges_omitted > 0) {
    out.notes.push_back(fmt::format("ranges left out of the analyses (A: {}, B: {}) are not compared", a.ranges_omitted,
                                    b.ranges_omitted));
  }
}

std::string shape_text(const kernel_group& g) {
  const auto d = [](const std::optional<dim3_value>& v) { return v ? fmt::format("{}x{}x{}", v->x, v->y, v->z) : std::string("?"); };
  return d(g.grid) + "/" + d(g.block);
}

/// The level whose arithmetic intensity stands for one group: the binding level, else the main
/// memory level, else the first level; nullptr when the group has none.
const level_placement* group_level(const kernel_group& g) {
  const level_placement* pick = nullptr;
  for (const auto& l : g.levels) {
    if (l.level == g.binding) pick = &l;
  }
  for (const auto& l : g.levels) {
    if (!pick && (l.level == "hbm" || l.level == "dram")) pick = &l;
  }
  if (!pick && !g.levels.empty()) pick = &g.levels.front();
  return pick;
}

using key_function = std::function<std::string(const kernel_group&)>;

/// One side of a row: sums of time and launches; the roofline position of its one group, or the
/// aggregate over its placed groups when it holds several (docs/metrics.md, "Comparisons").
void fill_side(group_match& m, const analysis_document& d, const std::vector<std::size_t>& idx, bool side_a) {
  std::vector<const kernel_group*> groups;
  const kernel_group* largest = nullptr;
  for (const std::size_t i : idx) {
    const kernel_group& g = d.groups[i];
    groups.push_back(&g);
    (side_a ? m.groups_a : m.groups_b).push_back(g.id);
    (side_a ? m.count_a : m.count_b) += g.count;
    (side_a ? m.time_a_s : m.time_b_s) += g.total_s;
    if (!largest || g.total_s > largest->total_s) largest = &g;
  }
  if (!largest) return;
  (side_a ? m.name_a : m.name_b) = largest->display_name();
  if (m.cls.empty()) m.cls = to_string(largest->cls);
  auto& ai = side_a ? m.ai_a : m.ai_b;
  auto& flop_per_s = side_a ? m.flop_per_s_a : m.flop_per_s_b;
  auto& limiter = side_a ? m.limiter_a : m.limiter_b;
  auto& binding = side_a ? m.binding_a : m.binding_b;
  auto& level = side_a ? m.level_a : m.level_b;
  auto& placed_share = side_a ? m.placed_share_a : m.placed_share_b;
  auto& dominant = side_a ? m.dominant_limiter_a : m.dominant_limiter_b;
  auto& limiter_share = side_a ? m.limiter_share_a : m.limiter_share_b;
  if (groups.size() == 1) {
    const kernel_group& g = *largest;
    if (const level_placement* l = group_level(g)) {
      ai = l->arithmetic_intensity;
      if (ai) level = l->level;
    }
    flop_per_s = g.achieved_flop_per_s;
    limiter = limiter_text(g);
    binding = g.binding;
    if (g.total_s > 0.0) placed_share = g.placed() ? 1.0 : 0.0;
    dominant = limiter;
    limiter_share = 1.0;
    return;
  }
  const group_aggregate agg = aggregate_groups(groups);
  ai = agg.intensity;
  level = ai ? agg.level : std::string();
  flop_per_s = agg.flop_per_s;
  limiter = agg.limiter;
  binding = agg.binding;
  placed_share = agg.placed_share;
  dominant = agg.dominant_limiter;
  limiter_share = agg.limiter_share;
}

void match_groups(const analysis_document& a, const analysis_document& b, comparison& out) {
  std::vector<bool> used_a(a.groups.size(), false);
  std::vector<bool> used_b(b.groups.size(), false);
  const std::vector<std::pair<std::string, key_function>> passes{
      {"name+shape", [](const kernel_group& g) { return normalize_kernel_name(g.display_name()) + " @ " + shape_text(g); }},
      {"name", [](const kernel_group& g) { return normalize_kernel_name(g.display_name()); }},
      {"name (digits masked)", [](const kernel_group& g) { return normalize_kernel_name(g.display_name(), true); }},
      {"class", [](const kernel_group& g) { return std::string(to_string(g.cls)); }},
  };
  for (const auto& [label, key] : passes) {
    std::vector<std::string> order;
    std::map<std::string, std::vector<std::size_t>> ka;
    std::map<std::string, std::vector<std::size_t>> kb;
    for (std::size_t i = 0; i < a.groups.size(); ++i) {
      if (used_a[i]) continue;
      const std::string k = key(a.groups[i]);
      if (!ka.count(k)) order.push_back(k);
      ka[k].push_back(i);
    }
    for (std::size_t i = 0; i < b.groups.size(); ++i) {
      if (!used_b[i]) kb[key(b.groups[i])].push_back(i);
    }
    for (const auto& k : order) {
      const auto ib = kb.find(k);
      if (ib == kb.end()) continue;
      group_match m;
      m.match = label;
      m.key = k;
      fill_side(m, a, ka[k], true);
      fill_side(m, b, ib->second, false);
      for (const std::size_t i : ka[k]) used_a[i] = true;
      for (const std::size_t i : ib->second) used_b[i] = true;
      out.groups.push_back(std::move(m));
    }
  }
  for (std::size_t i = 0; i < a.groups.size(); ++i) {
    if (used_a[i]) continue;
    group_match m;
    m.match = "only_a";
    m.key = normalize_kernel_name(a.groups[i].display_name());
    fill_side(m, a, {i}, true);
    out.groups.push_back(std::move(m));
  }
  for (std::size_t i = 0; i < b.groups.size(); ++i) {
    if (used_b[i]) continue;
    group_match m;
    m.match = "only_b";
    m.key = normalize_kernel_name(b.groups[i].display_name());
    fill_side(m, b, {i}, false);
    out.groups.push_back(std::move(m));
  }
}

}  // namespace

comparison compare_analyses(const analysis_document& a, const analysis_document& b, const std::string& file_a,
                            const std::string& file_b) {
  comparison out;
  out.subject = "analysis";
  out.a = side_of(a, file_a);
  out.b = side_of(b, file_b);
  add_time(a, b, out);
  add_classes(a, b, out);
  add_ranges(a, b, out);
  match_groups(a, b, out);
  bool common_class = false;
  for (const auto& m : out.metrics) {
    if (m.section == "class" && m.unit == "s" && m.a && m.b && *m.a > 0.0 && *m.b > 0.0) common_class = true;
  }
  if (!common_class) {
    throw input_error(file_b, "classes", "no kernel class has time in both analyses (" + file_a +
                                             "); nothing to compare");
  }
  if (a.machine_name != b.machine_name) {
    out.notes.push_back("the analyses were placed on different machines (" + a.machine_name + ", " + b.machine_name +
                        "): kernel groups are matched by name and class, times compared as measured");
  }
  std::size_t class_matches = 0;
  for (const auto& g : out.groups) class_matches += g.match == "class" ? 1 : 0;
  if (class_matches > 0) {
    out.notes.push_back(fmt::format("{} kernel class(es) matched as a whole: their kernels differ in name between A and B "
                                    "(library kernels chosen per GPU); such a row sums the class's leftover groups on each "
                                    "side, and its AI, FLOP/s and limiter are aggregates over the placed ones",
                                    class_matches));
  }
  return out;
}

}  // namespace rafter

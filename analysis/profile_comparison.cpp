#include "analysis/profile_comparison.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "analysis/ridge_ceilings.hpp"
#include "core/error.hpp"
#include "core/machine_profile.hpp"
#include "core/units.hpp"

namespace rafter {

namespace {

/// A figure with its spread [lo, hi].
struct figure {
  double value = 0.0;
  double lo = 0.0;
  double hi = 0.0;
};

figure with_spread(double value, const std::optional<sample_stats>& s) {
  if (!s) return {value, value, value};
  return {value, std::min(value, s->min), std::max(value, s->max)};
}

/// value_a / value_b with the interval of the quotient.
figure quotient(const figure& num, const figure& den) {
  return {num.value / den.value, num.lo / den.hi, num.hi / den.lo};
}

std::string main_level(const machine_profile& p) {
  if (p.find_memory("hbm")) return "hbm";
  if (p.find_memory("dram")) return "dram";
  return {};
}

/// The quantity `memory_level::roofline_bytes_per_s` picks, and its spread.
std::optional<std::pair<std::string, figure>> roofline_bandwidth(const memory_level& m) {
  const std::pair<const char*, const std::optional<double>*> order[] = {
      {"read", &m.read_bytes_per_s}, {"copy", &m.copy_bytes_per_s}, {"triad", &m.triad_bytes_per_s},
      {"write", &m.write_bytes_per_s}};
  for (const auto& [name, value] : order) {
    if (!*value || **value <= 0.0) continue;
    const auto s = m.samples.find(name);
    return std::make_pair(std::string(name),
                          with_spread(**value, s == m.samples.end() ? std::nullopt : std::optional<sample_stats>(s->second)));
  }
  return std::nullopt;
}

std::optional<figure> memory_quantity(const memory_level& m, const std::string& q) {
  const std::optional<double>* value = nullptr;
  if (q == "read") value = &m.read_bytes_per_s;
  if (q == "write") value = &m.write_bytes_per_s;
  if (q == "copy") value = &m.copy_bytes_per_s;
  if (q == "triad") value = &m.triad_bytes_per_s;
  if (q == "latency") value = &m.latency_s;
  if (!value || !*value) return std::nullopt;
  const auto s = m.samples.find(q);
  return with_spread(**value, s == m.samples.end() ? std::nullopt : std::optional<sample_stats>(s->second));
}

const compute_ceiling* ceiling_with_id(const machine_profile& p, const std::string& id) {
  for (const auto& c : p.compute) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

void put_a(metric_delta& m, const figure& f, std::string label) {
  set_a(m, f.value, f.lo, f.hi);
  m.label_a = std::move(label);
}
void put_b(metric_delta& m, const figure& f, std::string label) {
  set_b(m, f.value, f.lo, f.hi);
  m.label_b = std::move(label);
}

std::string label_of(const compute_ceiling& c) { return c.id + " (" + to_string(c.source) + ")"; }

comparison_side side_of(const machine_profile& p, const std::string& file) {
  comparison_side s;
  s.file = file;
  s.schema = std::string(machine_profile::schema_kind) + "/" + std::to_string(machine_profile::schema_major);
  s.name = p.device.name;
  s.obtained = p.device.obtained;
  for (const auto& c : p.compute) s.compute.push_back({c.id, c.precision, c.unit, c.flop_per_s, c.source, {}});
  for (const auto& m : p.memory) {
    if (const auto bw = roofline_bandwidth(m)) s.memory.push_back({m.level, {}, {}, bw->second.value, m.source, bw->first});
  }
  for (const auto& l : p.links) s.links.push_back({l.id, {}, {}, l.bytes_per_s, l.source, l.note});
  return s;
}

/// Keys in first-seen order, A first.
template <typename Key>
void remember(std::vector<Key>& order, const Key& key) {
  if (std::find(order.begin(), order.end(), key) == order.end()) order.push_back(key);
}

void add_compute(const machine_profile& a, const machine_profile& b, comparison& out) {
  std::vector<std::string> keys;
  std::map<std::string, const compute_ceiling*> best_a;
  std::map<std::string, const compute_ceiling*> best_b;
  for (const auto& c : a.compute) {
    const std::string key = c.precision + "." + unit_family(c.unit);
    remember(keys, key);
    if (!best_a[key] || c.flop_per_s > best_a[key]->flop_per_s) best_a[key] = &c;
  }
  for (const auto& c : b.compute) {
    const std::string key = c.precision + "." + unit_family(c.unit);
    remember(keys, key);
    if (!best_b[key] || c.flop_per_s > best_b[key]->flop_per_s) best_b[key] = &c;
  }
  for (const auto& key : keys) {
    const compute_ceiling* ca = best_a[key];
    const compute_ceiling* cb = best_b[key];
    const compute_ceiling* any = ca ? ca : cb;
    metric_delta m;
    m.section = "compute";
    m.unit = compute_rate_unit(any->precision);
    m.name = "compute." + any->precision + "." + any->unit;
    if (ca) put_a(m, with_spread(ca->flop_per_s, ca->samples), label_of(*ca));
    if (cb) put_b(m, with_spread(cb->flop_per_s, cb->samples), label_of(*cb));
    if (ca && cb && ca->unit != cb->unit) {
      m.aliases.push_back("compute." + cb->precision + "." + cb->unit);
      m.note = ca->unit + " units on A matched with " + cb->unit + " units on B (both dense matrix engines)";
    }
    out.metrics.push_back(std::move(m));
  }
  // Ceilings with the same longer id on both sides ("fp64.vector.fma"), each on its own row.
  for (const auto& ca : a.compute) {
    const compute_ceiling* cb = b.find_compute(ca.id);
    if (!cb || out.find("compute." + ca.id)) continue;
    metric_delta m;
    m.section = "compute";
    m.unit = compute_rate_unit(ca.precision);
    m.name = "compute." + ca.id;
    put_a(m, with_spread(ca.flop_per_s, ca.samples), label_of(ca));
    put_b(m, with_spread(cb->flop_per_s, cb->samples), label_of(*cb));
    out.metrics.push_back(std::move(m));
  }
}

struct level_pair {
  const memory_level* a = nullptr;
  const memory_level* b = nullptr;
  bool main = false;
  [[nodiscard]] const std::string& level() const { return a ? a->level : b->level; }
};

std::vector<level_pair> pair_levels(const machine_profile& a, const machine_profile& b, comparison& out) {
  const std::string main_a = main_level(a);
  const std::string main_b = main_level(b);
  std::vector<level_pair> pairs;
  std::vector<std::string> used_b;
  for (const auto& m : a.memory) {
    level_pair p;
    p.a = &m;
    p.b = b.find_memory(m.level);
    if (!p.b && m.level == main_a && !main_b.empty() && !a.find_memory(main_b)) {
      p.b = b.find_memory(main_b);
      out.notes.push_back(main_a + " on A matched with " + main_b + " on B: each device's main memory");
    }
    p.main = m.level == main_a && (!p.b || p.b->level == main_b);
    if (p.b) used_b.push_back(p.b->level);
    pairs.push_back(p);
  }
  for (const auto& m : b.memory) {
    if (std::find(used_b.begin(), used_b.end(), m.level) != used_b.end()) continue;
    pairs.push_back({nullptr, &m, m.level == main_b});
  }
  return pairs;
}

void add_memory(const std::vector<level_pair>& pairs, comparison& out) {
  static const char* const quantities[] = {"read", "write", "copy", "triad", "latency"};
  for (const auto& p : pairs) {
    for (const char* q : quantities) {
      const auto fa = p.a ? memory_quantity(*p.a, q) : std::nullopt;
      const auto fb = p.b ? memory_quantity(*p.b, q) : std::nullopt;
      if (!fa && !fb) continue;
      metric_delta m;
      m.section = "memory";
      m.unit = std::string(q) == "latency" ? "s" : "B/s";
      m.name = "memory." + p.level() + "." + q;
      if (fa) put_a(m, *fa, p.a->level + " " + q + " (" + to_string(p.a->source) + ")");
      if (fb) put_b(m, *fb, p.b->level + " " + q + " (" + to_string(p.b->source) + ")");
      if (p.a && p.b && p.a->level != p.b->level) {
        m.aliases.push_back("memory." + p.b->level + "." + q);
        m.note = "main memory: " + p.a->level + " on A, " + p.b->level + " on B";
      }
      if (p.main) m.aliases.push_back(std::string("memory.main.") + q);
      out.metrics.push_back(std::move(m));
    }
  }
}

void add_links(const machine_profile& a, const machine_profile& b, comparison& out) {
  std::vector<std::string> ids;
  for (const auto& l : a.links) remember(ids, l.id);
  for (const auto& l : b.links) remember(ids, l.id);
  const auto find = [](const machine_profile& p, const std::string& id) -> const link_ceiling* {
    for (const auto& l : p.links) {
      if (l.id == id) return &l;
    }
    return nullptr;
  };
  for (const auto& id : ids) {
    const link_ceiling* la = find(a, id);
    const link_ceiling* lb = find(b, id);
    metric_delta m;
    m.section = "link";
    m.unit = "B/s";
    m.name = "link." + id;
    // One figure counting both directions and the other one: both compared one way.
    const auto both_ways = [](const link_ceiling& l) { return l.one_direction_bytes_per_s() != l.bytes_per_s; };
    const bool one_way = la && lb && both_ways(*la) != both_ways(*lb);
    const auto shown = [&](const link_ceiling& l) {
      const std::string label = id + " (" + to_string(l.source) + (one_way && both_ways(l) ? ", one direction: half the aggregate)" : ")");
      const figure f = one_way && both_ways(l) ? with_spread(l.one_direction_bytes_per_s(), std::nullopt)
                                                : with_spread(l.bytes_per_s, l.samples);
      return std::pair{f, label};
    };
    if (la) put_a(m, shown(*la).first, shown(*la).second);
    if (lb) put_b(m, shown(*lb).first, shown(*lb).second);
    if (la && lb && la->note != lb->note && !la->note.empty() && !lb->note.empty()) {
      m.note = "A: " + la->note + "; B: " + lb->note;
    }
    out.metrics.push_back(std::move(m));
    if ((la && la->latency_s) || (lb && lb->latency_s)) {
      metric_delta lat;
      lat.section = "link";
      lat.unit = "s";
      lat.name = "link." + id + ".latency";
      if (la && la->latency_s) put_a(lat, {*la->latency_s, *la->latency_s, *la->latency_s}, id + " latency");
      if (lb && lb->latency_s) put_b(lat, {*lb->latency_s, *lb->latency_s, *lb->latency_s}, id + " latency");
      out.metrics.push_back(std::move(lat));
    }
  }
}

void add_ridges(const machine_profile& a, const machine_profile& b, const std::vector<level_pair>& pairs,
                comparison& out) {
  const auto ids = ridge_ceilings(out.a, out.b);
  const compute_ceiling* ta = ids ? ceiling_with_id(a, ids->first) : nullptr;
  const compute_ceiling* tb = ids ? ceiling_with_id(b, ids->second) : nullptr;
  if (!ta || !tb) {
    out.notes.push_back("no ridge points: A and B have no floating-point precision and kind of unit in common");
    return;
  }
  for (const auto& p : pairs) {
    const auto bwa = p.a ? roofline_bandwidth(*p.a) : std::nullopt;
    const auto bwb = p.b ? roofline_bandwidth(*p.b) : std::nullopt;
    if (!bwa && !bwb) continue;
    metric_delta m;
    m.section = "ridge";
    m.unit = "FLOP/byte";
    m.name = "ridge." + p.level();
    if (bwa) put_a(m, quotient(with_spread(ta->flop_per_s, ta->samples), bwa->second), ta->id + " / " + p.a->level + " " + bwa->first);
    if (bwb) put_b(m, quotient(with_spread(tb->flop_per_s, tb->samples), bwb->second), tb->id + " / " + p.b->level + " " + bwb->first);
    if (p.a && p.b && p.a->level != p.b->level) m.aliases.push_back("ridge." + p.b->level);
    if (p.main) m.aliases.push_back("ridge.main");
    m.note = "at " + ta->precision + "." + unit_family(ta->unit) +
             ", the fastest floating-point precision and kind of unit both sides have";
    out.metrics.push_back(std::move(m));
  }
}

void add_balance(const machine_profile& a, const machine_profile& b, const std::vector<level_pair>& pairs,
                 comparison& out) {
  const level_pair* main = nullptr;
  for (const auto& p : pairs) {
    if (p.main) {
      main = &p;
      break;
    }
  }
  // Main memory of each side, even when the pair holds only one of them.
  const memory_level* ma = nullptr;
  const memory_level* mb = nullptr;
  for (const auto& p : pairs) {
    if (p.main && p.a) ma = p.a;
    if (p.main && p.b) mb = p.b;
  }
  if (!main) return;
  const auto bwa = ma ? roofline_bandwidth(*ma) : std::nullopt;
  const auto bwb = mb ? roofline_bandwidth(*mb) : std::nullopt;
  std::vector<std::string> precisions;
  std::map<std::string, const compute_ceiling*> best_a;
  std::map<std::string, const compute_ceiling*> best_b;
  for (const auto& c : a.compute) {
    if (is_integer_precision(c.precision)) continue;  // OP/byte is no FLOP/byte balance
    remember(precisions, c.precision);
    if (!best_a[c.precision] || c.flop_per_s > best_a[c.precision]->flop_per_s) best_a[c.precision] = &c;
  }
  for (const auto& c : b.compute) {
    if (is_integer_precision(c.precision)) continue;
    remember(precisions, c.precision);
    if (!best_b[c.precision] || c.flop_per_s > best_b[c.precision]->flop_per_s) best_b[c.precision] = &c;
  }
  for (const auto& precision : precisions) {
    const compute_ceiling* ca = best_a[precision];
    const compute_ceiling* cb = best_b[precision];
    if (!(ca && bwa) && !(cb && bwb)) continue;
    metric_delta m;
    m.section = "balance";
    m.unit = "FLOP/byte";
    m.name = "balance." + precision;
    if (ca && bwa) put_a(m, quotient(with_spread(ca->flop_per_s, ca->samples), bwa->second), ca->id + " / " + ma->level + " " + bwa->first);
    if (cb && bwb) put_b(m, quotient(with_spread(cb->flop_per_s, cb->samples), bwb->second), cb->id + " / " + mb->level + " " + bwb->first);
    if (ca && cb && unit_family(ca->unit) != unit_family(cb->unit)) {
      m.note = "the precision's top ceiling is on " + ca->unit + " units on A, " + cb->unit + " units on B";
    }
    out.metrics.push_back(std::move(m));
  }
}

}  // namespace

comparison compare_profiles(const machine_profile& a, const machine_profile& b, const std::string& file_a,
                            const std::string& file_b) {
  comparison out;
  out.subject = "machine";
  out.a = side_of(a, file_a);
  out.b = side_of(b, file_b);
  if (a.device.kind != b.device.kind) {
    out.warnings.push_back(fmt::format(
        "A is a {} ({}) and B a {} ({}): a cross-kind comparison; ratios mix different kinds of device, not a "
        "regression or a generation step",
        to_string(a.device.kind), a.device.name, to_string(b.device.kind), b.device.name));
  }
  add_compute(a, b, out);
  const auto pairs = pair_levels(a, b, out);
  add_memory(pairs, out);
  add_links(a, b, out);
  add_ridges(a, b, pairs, out);
  add_balance(a, b, pairs, out);
  const bool any_common = std::any_of(out.metrics.begin(), out.metrics.end(), [](const auto& m) { return m.both(); });
  if (!any_common) {
    throw input_error(file_b, "", "no compute ceiling, memory level or link in common with " + file_a +
                                      "; nothing to compare");
  }
  return out;
}

}  // namespace rafter

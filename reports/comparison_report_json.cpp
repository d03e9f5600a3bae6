#include "reports/comparison_report_json.hpp"

#include <cmath>
#include <optional>

#include "analysis/comparison.hpp"
#include "core/version.hpp"
#include "reports/comparison_format.hpp"

namespace rafter {

namespace {

json number(std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}

json side_json(const comparison_side& s) {
  json out;
  out["file"] = s.file;
  out["schema"] = s.schema;
  out["name"] = s.name;
  out["obtained"] = s.obtained;
  json compute = json::array();
  for (const auto& c : s.compute) {
    compute.push_back({{"id", c.id}, {"precision", c.precision}, {"unit", c.unit}, {"flop_per_s", number(c.per_s)},
                       {"source", to_string(c.source)}});
  }
  json memory = json::array();
  for (const auto& m : s.memory) {
    memory.push_back({{"level", m.id}, {"bytes_per_s", number(m.per_s)}, {"source", to_string(m.source)}});
  }
  json links = json::array();
  for (const auto& l : s.links) {
    links.push_back({{"id", l.id}, {"bytes_per_s", number(l.per_s)}, {"source", to_string(l.source)}});
  }
  out["compute"] = std::move(compute);
  out["memory"] = std::move(memory);
  out["links"] = std::move(links);
  return out;
}

json metric_json(const metric_delta& m) {
  json out;
  out["name"] = m.name;
  out["aliases"] = m.aliases;
  out["section"] = m.section;
  out["unit"] = m.unit;
  out["a"] = number(m.a);
  out["b"] = number(m.b);
  out["a_min"] = m.a ? number(m.a_lo) : json(nullptr);
  out["a_max"] = m.a ? number(m.a_hi) : json(nullptr);
  out["b_min"] = m.b ? number(m.b_lo) : json(nullptr);
  out["b_max"] = m.b ? number(m.b_hi) : json(nullptr);
  out["ratio"] = number(ratio(m));
  out["change"] = number(relative_change(m));
  out["verdict"] = change_verdict(m);
  out["label_a"] = m.label_a;
  out["label_b"] = m.label_b;
  if (!m.note.empty()) out["note"] = m.note;
  return out;
}

json group_json(const group_match& g) {
  json out;
  out["match"] = g.match;
  out["key"] = g.key;
  out["class"] = g.cls;
  out["name_a"] = g.name_a;
  out["name_b"] = g.name_b;
  out["groups_a"] = g.groups_a;
  out["groups_b"] = g.groups_b;
  out["count_a"] = g.count_a;
  out["count_b"] = g.count_b;
  out["time_a_s"] = number(g.time_a_s);
  out["time_b_s"] = number(g.time_b_s);
  out["ai_a"] = number(g.ai_a);
  out["ai_b"] = number(g.ai_b);
  out["flop_per_s_a"] = number(g.flop_per_s_a);
  out["flop_per_s_b"] = number(g.flop_per_s_b);
  out["limiter_a"] = g.limiter_a;
  out["limiter_b"] = g.limiter_b;
  out["binding_a"] = g.binding_a;
  out["binding_b"] = g.binding_b;
  out["level_a"] = g.level_a;
  out["level_b"] = g.level_b;
  out["placed_share_a"] = number(g.placed_share_a);
  out["placed_share_b"] = number(g.placed_share_b);
  out["dominant_limiter_a"] = g.dominant_limiter_a;
  out["dominant_limiter_b"] = g.dominant_limiter_b;
  out["limiter_share_a"] = number(g.limiter_share_a);
  out["limiter_share_b"] = number(g.limiter_share_b);
  return out;
}

json rule_json(const rule_outcome& r) {
  json out;
  out["rule"] = r.rule;
  out["metric"] = r.metric;
  out["unit"] = r.unit;
  out["a"] = number(r.a);
  out["b"] = number(r.b);
  out["a_min"] = number(r.a_lo);
  out["a_max"] = number(r.a_hi);
  out["b_min"] = number(r.b_lo);
  out["b_max"] = number(r.b_hi);
  out["change"] = number(r.change);
  out["threshold"] = number(r.threshold);
  out["status"] = to_string(r.status);
  out["message"] = r.message;
  return out;
}

}  // namespace

json comparison_to_json(const comparison& c) {
  json out;
  out["schema"] = std::string(comparison::schema_kind) + "/" + std::to_string(comparison::schema_major);
  out["generator"] = {{"tool", "rafter"}, {"version", version_string}};
  out["subject"] = c.subject;
  out["result"] = c.any_rule_failed() ? "fail" : "pass";
  out["a"] = side_json(c.a);
  out["b"] = side_json(c.b);
  json rules = json::array();
  for (const auto& r : c.rules) rules.push_back(rule_json(r));
  out["rules"] = std::move(rules);
  json metrics = json::array();
  for (const auto& m : c.metrics) metrics.push_back(metric_json(m));
  out["metrics"] = std::move(metrics);
  json groups = json::array();
  for (const auto& g : c.groups) groups.push_back(group_json(g));
  out["groups"] = std::move(groups);
  out["notes"] = c.notes;
  out["warnings"] = c.warnings;
  return out;
}

}  // namespace rafter

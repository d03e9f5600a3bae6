#include "reports/projection_report_json.hpp"

#include <cmath>
#include <optional>

#include "analysis/projection.hpp"
#include "core/version.hpp"

namespace rafter {

namespace {

json number(std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}

json total_json(const projected_total& t) {
  return {{"name", t.name},          {"time_a_s", number(t.time_a_s)}, {"time_b_s", number(t.time_b_s)},
          {"low_s", number(t.low_s)}, {"high_s", number(t.high_s)},     {"measured_b_s", number(t.measured_b_s)},
          {"error", number(t.error())}, {"measured_in_range", t.measured_b_s ? json(t.measured_in_range()) : json(nullptr)}};
}

}  // namespace

json projection_to_json(const projection& p) {
  json out;
  out["schema"] = std::string(projection::schema_kind) + "/" + std::to_string(projection::schema_major);
  out["generator"] = {{"tool", "rafter"}, {"version", version_string}};
  out["trace_file"] = p.trace_file;
  out["from"] = {{"file", p.from_file}, {"name", p.from_name}};
  out["to"] = {{"file", p.to_file}, {"name", p.to_name}};
  out["measured_file"] = p.measured_file.empty() ? json(nullptr) : json(p.measured_file);
  out["assumptions"] = p.assumptions;
  out["warnings"] = p.warnings;
  out["idle_s"] = number(p.idle_s);
  out["totals"] = json::array({total_json(p.kernel_time), total_json(p.busy_time), total_json(p.span_time)});
  json classes = json::array();
  for (const auto& t : p.classes) classes.push_back(total_json(t));
  out["classes"] = std::move(classes);
  json items = json::array();
  for (const auto& i : p.items) {
    items.push_back({{"kind", i.kind},
                     {"group", i.group},
                     {"name", i.name},
                     {"class", i.cls},
                     {"count", i.count},
                     {"time_a_s", number(i.time_a_s)},
                     {"time_b_s", number(i.time_b_s)},
                     {"low_s", number(i.low_s)},
                     {"high_s", number(i.high_s)},
                     {"method", i.method},
                     {"detail", i.detail},
                     {"floored", i.floored}});
  }
  out["items"] = std::move(items);
  return out;
}

}  // namespace rafter

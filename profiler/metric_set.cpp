#include "profiler/metric_set.hpp"

#include <algorithm>
#include <regex>
#include <set>

#include "core/json_file.hpp"
#include "core/json_reader.hpp"

namespace rafter::profiler {

metric_set metric_set::load(const std::filesystem::path& path) {
  return from_json(read_json_file(path), path.string());
}

metric_set metric_set::from_json(const json& document, const std::string& file) {
  const json_reader root(document, file, "");
  const std::string schema = root.req_string("schema");
  if (schema != "rafter.collector_metrics/1") {
    root.fail("schema", "expected \"rafter.collector_metrics/1\", got \"" + schema + "\"");
  }
  metric_set set;
  std::set<std::string> seen;
  for (const json_reader& m : root.req_object_array("metrics")) {
    metric_spec spec;
    spec.name = m.req_string("name");
    if (spec.name.empty() || spec.name.find('.') == std::string::npos) {
      m.fail("name", "expected a metric with its rollup (\"dram__bytes.sum\"), got \"" + spec.name + "\"");
    }
    if (!seen.insert(spec.name).second) m.fail("name", "duplicate metric \"" + spec.name + "\"");
    const std::string role = m.req_string("role");
    if (role == "flop") {
      spec.kind = metric_spec::role::flop;
    } else if (role == "bytes") {
      spec.kind = metric_spec::role::bytes;
    } else if (role == "sm_clock_hz") {
      spec.kind = metric_spec::role::sm_clock_hz;
    } else if (role == "duration_s") {
      spec.kind = metric_spec::role::duration_s;
    } else if (role == "raw") {
      spec.kind = metric_spec::role::raw;
    } else {
      m.fail("role", "expected flop, bytes, sm_clock_hz, duration_s or raw, got \"" + role + "\"");
    }
    if (spec.kind == metric_spec::role::flop || spec.kind == metric_spec::role::bytes) {
      spec.key = m.req_string("key");
      if (spec.key.empty()) m.fail("key", "must not be empty");
    }
    if (const auto w = m.opt_number("weight")) {
      if (*w <= 0.0) m.fail("weight", "must be positive");
      spec.weight = *w;
    }
    spec.chips = m.opt_string_array("chips");
    set.m_metrics.push_back(std::move(spec));
  }
  if (set.m_metrics.empty()) root.fail("metrics", "must list at least one metric");
  for (const json_reader& n : root.opt_object_array("never_replayed")) {
    std::string pattern = n.req_string("pattern");
    try {
      (void)std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      n.fail("pattern", "not a valid regular expression \"" + pattern + "\": " + e.what());
    }
    if (n.req_string("why").empty()) n.fail("why", "must say why these kernels cannot be replayed");
    set.m_never_replayed.push_back(std::move(pattern));
  }
  return set;
}

std::vector<std::string> metric_set::names_for_chip(std::string_view chip) const {
  std::vector<std::string> names;
  for (const auto& m : m_metrics) {
    if (m.chips.empty() || std::find(m.chips.begin(), m.chips.end(), chip) != m.chips.end()) names.push_back(m.name);
  }
  return names;
}

kernel_metrics metric_set::to_kernel_metrics(const std::map<std::string, double>& values,
                                             std::string_view chip) const {
  kernel_metrics out;
  std::set<std::string> incomplete_flop;
  std::set<std::string> incomplete_bytes;
  for (const auto& m : m_metrics) {
    if (!m.chips.empty() && std::find(m.chips.begin(), m.chips.end(), chip) == m.chips.end()) continue;
    const auto it = values.find(m.name);
    if (it == values.end()) {
      if (m.kind == metric_spec::role::flop) incomplete_flop.insert(m.key);
      if (m.kind == metric_spec::role::bytes) incomplete_bytes.insert(m.key);
      continue;
    }
    const double v = it->second;
    switch (m.kind) {
      case metric_spec::role::flop:
        out.flop[m.key] += m.weight * v;
        out.raw[m.name] = v;
        break;
      case metric_spec::role::bytes:
        out.bytes[m.key] += m.weight * v;
        out.raw[m.name] = m.weight * v;
        break;
      case metric_spec::role::sm_clock_hz:
        out.sm_clock_hz = m.weight * v;
        out.raw[m.name] = m.weight * v;
        break;
      case metric_spec::role::duration_s:
        out.duration_s = m.weight * v;
        out.raw[m.name] = m.weight * v;
        break;
      case metric_spec::role::raw: out.raw[m.name] = m.weight * v; break;
    }
  }
  for (const auto& key : incomplete_flop) out.flop.erase(key);
  for (const auto& key : incomplete_bytes) out.bytes.erase(key);
  return out;
}

}  // namespace rafter::profiler

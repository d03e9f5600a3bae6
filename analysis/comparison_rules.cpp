#include "analysis/comparison_rules.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/units.hpp"

namespace rafter {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return out;
}

/// The segments of a metric name: split at dots, except that a range's name (`range.<name>.time`,
/// which may hold dots: "model.forward") is one segment.
std::vector<std::string_view> metric_segments(std::string_view name) {
  constexpr std::string_view head = "range.";
  const std::size_t last_dot = name.rfind('.');
  if (name.starts_with(head) && last_dot != std::string_view::npos && last_dot > head.size()) {
    return {name.substr(0, head.size() - 1), name.substr(head.size(), last_dot - head.size()), name.substr(last_dot + 1)};
  }
  return split(name, '.');
}

bool segments_match(std::string_view pattern, std::string_view name) {
  const auto p = split(pattern, '.');
  const auto n = metric_segments(name);
  if (p.size() != n.size()) return false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] != "*" && p[i] != n[i]) return false;
  }
  return true;
}

std::string percent_text(double fraction) {
  if (std::isinf(fraction)) return fraction > 0 ? "+inf %" : "-inf %";
  return fmt::format("{:+.2f} %", fraction * 100.0);
}

}  // namespace

const char* to_string(rule_status status) noexcept {
  switch (status) {
    case rule_status::pass: return "pass";
    case rule_status::fail: return "fail";
    case rule_status::inconclusive: return "inconclusive";
  }
  return "pass";
}

comparison_rule parse_rule(std::string_view text) {
  const std::string_view rule = trim(text);
  const std::string shown(rule);
  const auto bad = [&](const std::string& why) {
    return usage_error("--fail-on '" + shown + "': " + why + " (expected METRIC:+N% or METRIC:-N%, e.g. busy_time:+5%)");
  };
  const std::size_t colon = rule.rfind(':');
  if (colon == std::string_view::npos) throw bad("no ':' between the metric and the threshold");
  const std::string_view pattern = trim(rule.substr(0, colon));
  std::string_view threshold = trim(rule.substr(colon + 1));
  if (pattern.empty()) throw bad("no metric name before ':'");
  for (const auto segment : split(pattern, '.')) {
    if (segment.empty()) throw bad("empty segment in the metric name");
  }
  if (threshold.empty()) throw bad("no threshold after ':'");
  comparison_rule out;
  out.text = shown;
  out.pattern = std::string(pattern);
  if (threshold.front() == '+') {
    out.sign = +1;
  } else if (threshold.front() == '-') {
    out.sign = -1;
  } else {
    throw bad("the threshold needs a sign: + fails on an increase, - on a decrease");
  }
  threshold.remove_prefix(1);
  if (threshold.empty() || threshold.back() != '%') throw bad("the threshold must end in '%'");
  threshold.remove_suffix(1);
  double value = 0.0;
  const auto [end, ec] = std::from_chars(threshold.data(), threshold.data() + threshold.size(), value,
                                         std::chars_format::fixed);
  if (ec != std::errc{} || end != threshold.data() + threshold.size() || !std::isfinite(value)) {
    throw bad("'" + std::string(threshold) + "' is not a number");
  }
  if (value < 0.0) throw bad("the percentage must not be negative; put the direction in the sign");
  if (out.sign < 0 && value >= 100.0) throw bad("a decrease of 100 % or more cannot happen to a positive quantity");
  out.percent = value;
  return out;
}

std::vector<comparison_rule> parse_rules(std::string_view text) {
  std::vector<comparison_rule> out;
  const auto items = split(text, ',');
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (trim(items[i]).empty()) {
      throw usage_error(fmt::format("--fail-on '{}': rule {} of {} is empty (expected RULE[,RULE]..., "
                                    "no leading, trailing or doubled ',')",
                                    text, i + 1, items.size()));
    }
    out.push_back(parse_rule(items[i]));
  }
  return out;
}

bool rule_matches(const std::string& pattern, const metric_delta& m) {
  if (pattern == m.name) return true;
  for (const auto& alias : m.aliases) {
    if (pattern == alias) return true;
  }
  if (pattern.find('*') == std::string::npos) return false;
  if (segments_match(pattern, m.name)) return true;
  for (const auto& alias : m.aliases) {
    if (segments_match(pattern, alias)) return true;
  }
  return false;
}

rule_outcome evaluate_rule(const comparison_rule& rule, const metric_delta& m) {
  rule_outcome out;
  out.rule = rule.text;
  out.metric = m.name;
  out.unit = m.unit;
  out.a = m.a.value_or(0.0);
  out.b = m.b.value_or(0.0);
  out.a_lo = m.a_lo;
  out.a_hi = m.a_hi;
  out.b_lo = m.b_lo;
  out.b_hi = m.b_hi;
  out.threshold = rule.threshold();
  const double inf = std::numeric_limits<double>::infinity();
  if (out.a != 0.0) {
    out.change = out.b / out.a - 1.0;
  } else {
    out.change = out.b == 0.0 ? 0.0 : (out.b > 0.0 ? inf : -inf);
  }
  const double factor = 1.0 + out.threshold;
  bool breaks = false;
  bool certain = false;
  if (same_value(m)) {
    out.change = 0.0;  // rounding of sums, not change: no rule breaks
  } else if (rule.sign > 0) {
    breaks = out.b > out.a * factor;
    certain = m.b_lo > m.a_hi * factor;
  } else {
    breaks = out.b < out.a * factor;
    certain = m.b_hi < m.a_lo * factor;
  }
  out.status = !breaks ? rule_status::pass : (certain ? rule_status::fail : rule_status::inconclusive);
  const std::string limit = fmt::format("{}{} %", rule.sign > 0 ? "+" : "-", rule.percent);
  switch (out.status) {
    case rule_status::pass:
      out.message = fmt::format("{} changed {} (limit {}): pass", m.name, percent_text(out.change), limit);
      break;
    case rule_status::fail:
      out.message = fmt::format("{} changed {} (limit {}): FAIL", m.name, percent_text(out.change), limit);
      break;
    case rule_status::inconclusive:
      out.message = fmt::format(
          "{} changed {} (limit {}): INCONCLUSIVE, too noisy to decide: the spreads overlap (A {} to {}, "
          "B {} to {}); fails the gate, re-measure with less noise",
          m.name, percent_text(out.change), limit, format_in_unit(m.a_lo, m.unit), format_in_unit(m.a_hi, m.unit),
          format_in_unit(m.b_lo, m.unit), format_in_unit(m.b_hi, m.unit));
      break;
  }
  return out;
}

std::vector<rule_outcome> evaluate_rules(const std::vector<comparison_rule>& rules,
                                         const std::vector<metric_delta>& metrics, const std::string& name_a,
                                         const std::string& name_b) {
  std::vector<rule_outcome> out;
  for (const auto& rule : rules) {
    std::vector<std::string> one_sided;
    std::size_t matched = 0;
    for (const auto& m : metrics) {
      if (!rule_matches(rule.pattern, m)) continue;
      if (!m.both()) {
        one_sided.push_back(m.name + (m.a ? " (only in " + name_a + ")" : " (only in " + name_b + ")"));
        continue;
      }
      out.push_back(evaluate_rule(rule, m));
      ++matched;
    }
    if (matched > 0) continue;
    if (!one_sided.empty()) {
      throw usage_error("--fail-on '" + rule.text + "': " + one_sided.front() +
                        ": a rule needs the quantity on both sides");
    }
    std::string known;
    std::size_t shown = 0;
    for (const auto& m : metrics) {
      if (!m.both()) continue;
      if (shown == 6) {
        known += ", ...";
        break;
      }
      known += (shown++ == 0 ? "" : ", ") + m.name;
    }
    throw usage_error("--fail-on '" + rule.text + "': no metric named '" + rule.pattern +
                      "' in this comparison (metrics include: " + (known.empty() ? "none" : known) +
                      "; all are listed in the JSON output)");
  }
  return out;
}

}  // namespace rafter

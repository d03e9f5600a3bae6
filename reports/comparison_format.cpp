#include "reports/comparison_format.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/units.hpp"

namespace rafter {

std::string format_metric_value(std::optional<double> value, const std::string& unit) {
  if (!value) return "n/a";
  return format_in_unit(*value, unit);
}

std::string format_change(double fraction) {
  if (std::isnan(fraction)) return "n/a";
  if (std::isinf(fraction)) return fraction > 0 ? "+inf %" : "-inf %";
  return fmt::format("{:+.2f} %", fraction * 100.0);
}

std::string format_ratio(std::optional<double> r) {
  if (!r || !std::isfinite(*r)) return "n/a";
  return fmt::format("{:.3g}x", *r);
}

std::string change_verdict(const metric_delta& m) {
  if (m.a && !m.b) return "only in A";
  if (!m.a && m.b) return "only in B";
  if (!m.both()) return "n/a";
  if (same_value(m)) return "same";
  if (within_noise(m)) return "within noise";
  return *m.b > *m.a ? "higher" : "lower";
}

std::string format_spread(const metric_delta& m, bool side_a) {
  const auto& value = side_a ? m.a : m.b;
  const double lo = side_a ? m.a_lo : m.b_lo;
  const double hi = side_a ? m.a_hi : m.b_hi;
  if (!value || (lo == *value && hi == *value)) return {};
  return "[" + format_metric_value(lo, m.unit) + ", " + format_metric_value(hi, m.unit) + "]";
}

std::string format_group_counts(const group_match& g) {
  if (!g.aggregated()) return {};
  return fmt::format("{} vs {} groups", g.groups_a.size(), g.groups_b.size());
}

std::string format_group_ai(const group_match& g, bool side_a) {
  const auto& ai = side_a ? g.ai_a : g.ai_b;
  if (!ai || !std::isfinite(*ai)) return "-";
  std::string out = fmt::format("{:.3g}", *ai);
  if (!g.aggregated()) return out;
  const auto& level = side_a ? g.level_a : g.level_b;
  const auto& share = side_a ? g.placed_share_a : g.placed_share_b;
  out += " (" + (level.empty() ? std::string("?") : level);
  if (share) out += fmt::format(", {:.0f}% of time placed", *share * 100.0);
  return out + ")";
}

std::string format_group_limiter(const group_match& g, bool side_a) {
  const auto& limiter = side_a ? g.limiter_a : g.limiter_b;
  if (limiter.empty()) return "-";
  if (limiter != "mixed") return limiter;
  const auto& dominant = side_a ? g.dominant_limiter_a : g.dominant_limiter_b;
  const auto& share = side_a ? g.limiter_share_a : g.limiter_share_b;
  if (dominant.empty() || !share) return limiter;
  return fmt::format("mixed: {:.0f}% {}", *share * 100.0, dominant);
}

}  // namespace rafter

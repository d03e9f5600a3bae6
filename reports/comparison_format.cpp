#include "reports/comparison_format.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/units.hpp"

namespace rafter {

std::string format_metric_value(std::optional<double> value, const std::string& unit) {
  if (!value || !std::isfinite(*value)) return "n/a";
  if (unit == "FLOP/s") return format_flops(*value);
  if (unit == "B/s") return format_bandwidth(*value);
  if (unit == "s") return format_seconds(*value);
  if (unit == "FLOP/byte") {
    if (*value >= 100.0) return fmt::format("{:.0f} FLOP/byte", *value);
    return fmt::format("{:.3g} FLOP/byte", *value);
  }
  if (unit == "count") return fmt::format("{:.0f}", *value);
  if (unit.empty()) return fmt::format("{:.4g}", *value);
  return format_si(*value, unit);
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
  if (*m.a == *m.b) return "same";
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

}  // namespace rafter

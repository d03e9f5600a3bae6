#include "analysis/metric_delta.hpp"

#include <algorithm>
#include <cmath>

namespace rafter {

std::optional<double> ratio(const metric_delta& m) noexcept {
  if (!m.both() || *m.a == 0.0) return std::nullopt;
  return *m.b / *m.a;
}

std::optional<double> relative_change(const metric_delta& m) noexcept {
  const auto r = ratio(m);
  if (!r) return std::nullopt;
  return *r - 1.0;
}

bool same_value(const metric_delta& m) noexcept {
  if (!m.both()) return false;
  return std::fabs(*m.b - *m.a) <= 1e-9 * std::max(std::fabs(*m.a), std::fabs(*m.b));
}

bool within_noise(const metric_delta& m) noexcept {
  if (!m.both() || same_value(m)) return false;
  return m.a_hi >= m.b_lo && m.b_hi >= m.a_lo;
}

void set_a(metric_delta& m, double value) noexcept { set_a(m, value, value, value); }
void set_b(metric_delta& m, double value) noexcept { set_b(m, value, value, value); }

void set_a(metric_delta& m, double value, double lo, double hi) noexcept {
  m.a = value;
  m.a_lo = std::min(lo, value);
  m.a_hi = std::max(hi, value);
}

void set_b(metric_delta& m, double value, double lo, double hi) noexcept {
  m.b = value;
  m.b_lo = std::min(lo, value);
  m.b_hi = std::max(hi, value);
}

}  // namespace rafter

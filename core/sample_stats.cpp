#include "core/sample_stats.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace rafter {

double sample_stats::relative_spread() const noexcept {
  return median == 0.0 ? 0.0 : (max - min) / median;
}

sample_stats sample_stats::of(std::span<const double> values) {
  if (values.empty()) throw std::invalid_argument("sample_stats::of: no values");
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  sample_stats s;
  s.n = static_cast<int>(n);
  s.min = sorted.front();
  s.max = sorted.back();
  s.median = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  return s;
}

sample_stats sample_stats::reciprocal_scaled(double work) const noexcept {
  sample_stats r = *this;
  r.median = work / median;
  r.min = work / max;
  r.max = work / min;
  return r;
}

}  // namespace rafter

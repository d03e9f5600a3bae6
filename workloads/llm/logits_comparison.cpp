#include "workloads/llm/logits_comparison.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace rafter::llm {

logits_comparison compare_logits(std::span<const float> gpu, std::span<const float> reference) {
  if (gpu.size() != reference.size()) throw std::invalid_argument("compare_logits: sizes differ");
  logits_comparison c;
  double err_sq = 0.0;
  double ref_sq = 0.0;
  for (std::size_t i = 0; i < gpu.size(); ++i) {
    const double g = gpu[i];
    const double r = reference[i];
    if (!std::isfinite(g)) {
      c.finite = false;
      c.max_abs_error = INFINITY;
      c.worst_index = i;
      continue;
    }
    const double e = std::abs(g - r);
    if (e > c.max_abs_error) {
      c.max_abs_error = e;
      c.worst_index = i;
    }
    c.reference_max_abs = std::max(c.reference_max_abs, std::abs(r));
    err_sq += (g - r) * (g - r);
    ref_sq += r * r;
  }
  c.relative_l2 = ref_sq > 0.0 ? std::sqrt(err_sq / ref_sq) : (err_sq > 0.0 ? INFINITY : 0.0);
  return c;
}

bool within(const logits_comparison& c, const logits_tolerance& t) {
  return c.finite && c.max_abs_error <= t.max_abs_fraction * c.reference_max_abs && c.relative_l2 <= t.relative_l2;
}

bool acceptable_argmax(int gpu_token, std::span<const float> reference_row, double tolerance_abs) {
  if (gpu_token < 0 || static_cast<std::size_t>(gpu_token) >= reference_row.size()) return false;
  const float best = *std::max_element(reference_row.begin(), reference_row.end());
  return static_cast<double>(reference_row[static_cast<std::size_t>(gpu_token)]) >= best - tolerance_abs;
}

}  // namespace rafter::llm

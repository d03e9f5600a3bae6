#include "analysis/ridge_ceilings.hpp"

#include <cmath>
#include <map>

namespace rafter {

std::string unit_family(const std::string& unit) { return unit == "matrix" ? "tensor" : unit; }

bool floating_point_precision(const std::string& precision) {
  return precision.starts_with("fp") || precision == "tf32" || precision == "bf16";
}

namespace {

/// The highest ceiling of each floating-point "precision.unit family".
std::map<std::string, const ceiling_entry*> best_by_key(const comparison_side& s) {
  std::map<std::string, const ceiling_entry*> best;
  for (const auto& c : s.compute) {
    if (!(c.per_s > 0.0) || !floating_point_precision(c.precision)) continue;
    const ceiling_entry*& slot = best[c.precision + "." + unit_family(c.unit)];
    if (!slot || c.per_s > slot->per_s) slot = &c;
  }
  return best;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> ridge_ceilings(const comparison_side& a, const comparison_side& b) {
  const auto best_a = best_by_key(a);
  const auto best_b = best_by_key(b);
  std::optional<std::pair<std::string, std::string>> out;
  double top = 0.0;
  for (const auto& [key, ca] : best_a) {
    const auto cb = best_b.find(key);
    if (cb == best_b.end()) continue;
    const double mean = std::sqrt(ca->per_s * cb->second->per_s);
    if (mean > top) {
      top = mean;
      out = std::pair{ca->id, cb->second->id};
    }
  }
  return out;
}

}  // namespace rafter

#include "analysis/roofline.hpp"

#include <algorithm>

#include "core/machine_profile.hpp"
#include "core/units.hpp"

namespace rafter {

double attainable_flop_per_s(double ai, double peak_flop_per_s, double bytes_per_s) noexcept {
  return std::min(peak_flop_per_s, ai * bytes_per_s);
}

double ridge_point(double peak_flop_per_s, double bytes_per_s) noexcept {
  return peak_flop_per_s / bytes_per_s;
}

std::optional<hierarchical_bound> hierarchical_attainable(std::optional<double> peak_flop_per_s,
                                                          const std::vector<level_intensity>& levels) {
  if (!peak_flop_per_s && levels.empty()) return std::nullopt;
  hierarchical_bound bound;
  bool have = false;
  if (peak_flop_per_s) {
    bound.flop_per_s = *peak_flop_per_s;
    have = true;
  }
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const double roof = levels[i].ai * levels[i].bytes_per_s;
    if (!have || roof < bound.flop_per_s) {
      bound.flop_per_s = roof;
      bound.binding_level = i;
      have = true;
    }
  }
  return bound;
}

roofline::roofline(std::vector<compute_roof> compute, std::vector<memory_roof> memory)
    : m_compute(std::move(compute)), m_memory(std::move(memory)) {}

roofline roofline::from_profile(const machine_profile& profile) {
  std::vector<compute_roof> compute;
  for (const auto& c : profile.compute) {
    if (!is_integer_precision(c.precision)) compute.push_back({c.id, c.flop_per_s});  // integer ops are not FLOP
  }
  std::vector<memory_roof> memory;
  for (const auto& m : profile.memory) {
    if (const auto bw = m.roofline_bytes_per_s(); bw && *bw > 0.0) memory.push_back({m.level, *bw});
  }
  return roofline(std::move(compute), std::move(memory));
}

std::optional<compute_roof> roofline::top_compute() const {
  if (m_compute.empty()) return std::nullopt;
  return *std::max_element(m_compute.begin(), m_compute.end(),
                           [](const auto& a, const auto& b) { return a.flop_per_s < b.flop_per_s; });
}

std::optional<memory_roof> roofline::slowest_memory() const {
  if (m_memory.empty()) return std::nullopt;
  return *std::min_element(m_memory.begin(), m_memory.end(),
                           [](const auto& a, const auto& b) { return a.bytes_per_s < b.bytes_per_s; });
}

std::optional<double> roofline::attainable(double ai, const std::string& compute_id,
                                           const std::string& level) const {
  const auto c = std::find_if(m_compute.begin(), m_compute.end(), [&](const auto& r) { return r.id == compute_id; });
  const auto m = std::find_if(m_memory.begin(), m_memory.end(), [&](const auto& r) { return r.level == level; });
  if (c == m_compute.end() || m == m_memory.end()) return std::nullopt;
  return attainable_flop_per_s(ai, c->flop_per_s, m->bytes_per_s);
}

}  // namespace rafter

#include "microbench/plateau.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "core/sample_stats.hpp"
#include "core/units.hpp"

namespace rafter {

namespace {

double median_of(std::span<const double> v) { return sample_stats::of(v).median; }

// Robust per-point noise of log(y): MAD of first differences, scaled to a standard deviation.
double estimate_noise(const std::vector<double>& logy, double floor) {
  if (logy.size() < 3) return floor;
  std::vector<double> diffs;
  for (std::size_t i = 1; i < logy.size(); ++i) diffs.push_back(logy[i] - logy[i - 1]);
  const double med = median_of(diffs);
  std::vector<double> dev;
  for (double d : diffs) dev.push_back(std::fabs(d - med));
  const double sigma = 1.4826 * median_of(dev) / std::sqrt(2.0);
  return std::max(sigma, floor);
}

struct segment {
  std::size_t first;
  std::size_t last;  // inclusive
};

// Optimal segmentation of logy into constant pieces minimizing SSE + penalty * segments.
std::vector<segment> segment_curve(const std::vector<double>& logy, double penalty) {
  const std::size_t n = logy.size();
  std::vector<double> s1(n + 1, 0.0), s2(n + 1, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    s1[i + 1] = s1[i] + logy[i];
    s2[i + 1] = s2[i] + logy[i] * logy[i];
  }
  auto sse = [&](std::size_t i, std::size_t j) {  // points i..j-1
    const double len = static_cast<double>(j - i);
    const double sum = s1[j] - s1[i];
    return std::max(0.0, (s2[j] - s2[i]) - sum * sum / len);
  };
  std::vector<double> best(n + 1, std::numeric_limits<double>::infinity());
  std::vector<std::size_t> cut(n + 1, 0);
  best[0] = 0.0;
  for (std::size_t j = 1; j <= n; ++j) {
    for (std::size_t i = 0; i < j; ++i) {
      const double cost = best[i] + sse(i, j) + penalty;
      if (cost < best[j]) {
        best[j] = cost;
        cut[j] = i;
      }
    }
  }
  std::vector<segment> out;
  for (std::size_t j = n; j > 0; j = cut[j]) out.push_back({cut[j], j - 1});
  std::reverse(out.begin(), out.end());
  return out;
}

plateau make_plateau(std::span<const double> x, std::span<const double> y, std::size_t first, std::size_t last) {
  std::vector<double> values(y.begin() + static_cast<std::ptrdiff_t>(first),
                             y.begin() + static_cast<std::ptrdiff_t>(last) + 1);
  plateau p;
  p.x_min = x[first];
  p.x_max = x[last];
  p.value = median_of(values);
  p.points = static_cast<int>(last - first + 1);
  return p;
}

}  // namespace

std::vector<plateau> detect_plateaus(std::span<const double> x, std::span<const double> y,
                                     const plateau_options& options) {
  if (x.size() != y.size()) throw std::invalid_argument("detect_plateaus: x and y differ in size");
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (!(y[i] > 0.0) || !std::isfinite(y[i])) throw std::invalid_argument("detect_plateaus: y must be positive");
    if (i > 0 && !(x[i] > x[i - 1])) throw std::invalid_argument("detect_plateaus: x must increase");
  }
  if (y.empty()) return {};
  std::vector<double> logy;
  for (double v : y) logy.push_back(std::log(v));
  const double sigma = estimate_noise(logy, options.noise_floor);
  const double penalty = options.penalty_scale * sigma * sigma * std::log(std::max<double>(3.0, static_cast<double>(y.size())));

  // Keep the flat core of each segment: trim transition points at either end. A noisy curve
  // widens the tolerance (2.5 sigma of log y is about 2.5 sigma relative).
  const double tolerance = std::max(options.edge_tolerance, 2.5 * sigma);
  struct span_index {
    std::size_t first;
    std::size_t last;
  };
  std::vector<span_index> kept;
  for (const segment& s : segment_curve(logy, penalty)) {
    std::size_t first = s.first;
    std::size_t last = s.last;
    while (last >= first) {
      const double med = make_plateau(x, y, first, last).value;
      const double dev_first = std::fabs(y[first] / med - 1.0);
      const double dev_last = std::fabs(y[last] / med - 1.0);
      if (dev_first <= tolerance && dev_last <= tolerance) break;
      if (first == last) {
        first = last + 1;
        break;
      }
      if (dev_first >= dev_last) ++first; else --last;
    }
    if (last >= first && static_cast<int>(last - first + 1) >= options.min_points) kept.push_back({first, last});
  }

  // Merge neighbours that are one level.
  std::vector<span_index> merged;
  for (const auto& k : kept) {
    if (!merged.empty()) {
      const double a = make_plateau(x, y, merged.back().first, merged.back().last).value;
      const double b = make_plateau(x, y, k.first, k.last).value;
      if (std::max(a, b) / std::min(a, b) < options.merge_ratio) {
        merged.back().last = k.last;
        continue;
      }
    }
    merged.push_back(k);
  }
  std::vector<plateau> out;
  for (const auto& m : merged) out.push_back(make_plateau(x, y, m.first, m.last));
  return out;
}

std::vector<plateau> detect_plateaus(const curve& c, const plateau_options& options) {
  std::vector<double> x, y;
  for (const auto& p : c.points) {
    x.push_back(p.x);
    y.push_back(p.y.median);
  }
  return detect_plateaus(x, y, options);
}

std::string step_name(const std::string& level, int step) { return fmt::format("{}.step{}", level, step); }

std::string stepped_level(const std::string& name) {
  const std::size_t at = name.rfind(".step");
  if (at == std::string::npos || at == 0 || at + 5 == name.size()) return "";
  const bool digits = std::all_of(name.begin() + static_cast<std::ptrdiff_t>(at + 5), name.end(),
                                  [](char c) { return c >= '0' && c <= '9'; });
  return digits ? name.substr(0, at) : "";
}

std::vector<std::string> level_and_steps(const std::string& level, const std::map<std::string, memory_level>& levels) {
  std::vector<std::string> out;
  if (levels.contains(level)) out.push_back(level);
  for (int step = 1; levels.contains(step_name(level, step)); ++step) out.push_back(step_name(level, step));
  return out;
}

level_match match_levels(std::vector<plateau> plateaus, const std::vector<level_bound>& bounds,
                         const std::string& beyond_level, const std::string& y_unit, plateau_naming naming) {
  level_match result;
  std::vector<std::string> names;
  std::map<std::string, int> seen;  // plateaus so far per level (and beyond)
  for (const auto& p : plateaus) {  // in order of x
    const double centre = std::sqrt(std::max(p.x_min, 1.0) * std::max(p.x_max, 1.0));
    const level_bound* holder = nullptr;
    for (const auto& b : bounds) {
      if (centre <= b.capacity_bytes) {
        holder = &b;
        break;
      }
    }
    // A plateau running past twice the largest capacity holds main-memory points, whatever its
    // centre (a cache's hits are at most half of a random footprint twice its size): it is
    // `beyond_level`, and the last level is left to a plateau inside it. A VM's 480 MiB L3 under a
    // write curve from 64 MiB to 3 GiB named the DRAM bandwidth l3. Latency steps: only after the
    // last level has its plateau (a VM reporting 260 MB of L3 named its DRAM latency l3.step1);
    // the first such plateau is that level's, the OS reporting less than the cache holds.
    if (holder == &bounds.back() && p.x_max > 2.0 * holder->capacity_bytes &&
        (naming != plateau_naming::steps || seen.count(holder->level) > 0)) {
      holder = nullptr;
    }
    std::string name = holder ? holder->level : beyond_level;
    const int before = seen[name]++;
    if (before == 1 && holder && !holder->far_level.empty()) {
      name = holder->far_level;
    } else if (before > 0 && naming == plateau_naming::steps) {
      const int step = before - (holder && !holder->far_level.empty() ? 1 : 0);
      const std::string stepped = step_name(name, step);
      if (holder) {
        result.warnings.push_back(fmt::format(
            "a second plateau inside {}'s {} ({} at {} .. {}) is named {}: a TLB step, or {} holds less than the device "
            "reports (a VM's cache partitioning)",
            name, format_capacity(holder->capacity_bytes), format_si(p.value, y_unit), format_capacity(p.x_min),
            format_capacity(p.x_max), stepped, name));
      }
      name = stepped;
    }
    names.push_back(name);
  }
  // One plateau per level: the one with most points keeps the name.
  for (std::size_t i = 0; i < plateaus.size(); ++i) {
    for (std::size_t j = 0; j < plateaus.size(); ++j) {
      if (i != j && names[i] == names[j] && !names[i].empty() &&
          (plateaus[j].points > plateaus[i].points || (plateaus[j].points == plateaus[i].points && j < i))) {
        result.warnings.push_back(fmt::format(
            "two plateaus fall in {} ({} and {}); the one spanning {} .. {} is left unnamed", names[i],
            format_si(plateaus[i].value, y_unit), format_si(plateaus[j].value, y_unit),
            format_capacity(plateaus[i].x_min), format_capacity(plateaus[i].x_max)));
        names[i].clear();
        break;
      }
    }
  }
  for (std::size_t i = 0; i < plateaus.size(); ++i) plateaus[i].level = names[i];

  double previous = 0.0;
  for (const auto& b : bounds) {
    const auto it = std::find_if(plateaus.begin(), plateaus.end(), [&](const plateau& p) { return p.level == b.level; });
    if (it == plateaus.end()) {
      if (!b.may_be_unresolved) {
        result.warnings.push_back(fmt::format("no plateau found for {} ({}): the sweep did not resolve this level",
                                              b.level, format_capacity(b.capacity_bytes)));
      }
    } else if (it->x_max > 2.0 * b.capacity_bytes || it->x_max < 0.25 * b.capacity_bytes ||
               (previous > 0.0 && it->x_min < 0.5 * previous)) {
      result.warnings.push_back(fmt::format("{} plateau spans {} .. {}, but the device reports {} for it", b.level,
                                            format_capacity(it->x_min), format_capacity(it->x_max),
                                            format_capacity(b.capacity_bytes)));
    }
    previous = b.capacity_bytes;
  }
  if (!bounds.empty() && std::none_of(plateaus.begin(), plateaus.end(),
                                      [&](const plateau& p) { return p.level == beyond_level; })) {
    result.warnings.push_back(fmt::format("no plateau beyond {} ({}): the sweep may not reach far enough for {}",
                                          bounds.back().level, format_capacity(bounds.back().capacity_bytes),
                                          beyond_level));
  }
  result.plateaus = std::move(plateaus);
  return result;
}

namespace {

std::vector<const curve_point*> points_inside(const curve& c, const plateau& p) {
  std::vector<const curve_point*> inside;
  for (const auto& pt : c.points) {
    if (pt.x >= p.x_min && pt.x <= p.x_max) inside.push_back(&pt);
  }
  std::sort(inside.begin(), inside.end(), [](auto a, auto b) { return a->y.median < b->y.median; });
  return inside;
}

}  // namespace

const curve_point* median_point(const curve& c, const plateau& p) {
  const auto inside = points_inside(c, p);
  return inside.empty() ? nullptr : inside[inside.size() / 2];
}

const curve_point* highest_point(const curve& c, const plateau& p) {
  const auto inside = points_inside(c, p);
  return inside.empty() ? nullptr : inside.back();
}

std::optional<range_median> median_between(const curve& c, double from_bytes, double to_bytes) {
  std::vector<double> ys;
  for (const auto& pt : c.points) {
    if (pt.x >= from_bytes && pt.x <= to_bytes) ys.push_back(pt.y.median);
  }
  if (ys.size() < 2) return std::nullopt;
  std::sort(ys.begin(), ys.end());
  return range_median{ys[ys.size() / 2], ys.size()};
}

}  // namespace rafter

#include "analysis/analysis_metrics.hpp"

#include <algorithm>

namespace rafter {

std::optional<double> arithmetic_intensity(double flop, double bytes) noexcept {
  if (!(bytes > 0.0)) return std::nullopt;
  return flop / bytes;
}

std::optional<double> rate_per_s(double amount, double seconds) noexcept {
  if (!(seconds > 0.0)) return std::nullopt;
  return amount / seconds;
}

std::optional<double> fraction_of_ceiling(double achieved, double ceiling) noexcept {
  if (!(ceiling > 0.0)) return std::nullopt;
  return achieved / ceiling;
}

std::optional<double> time_at_roof_s(double flop, std::optional<double> peak_flop_per_s,
                                     const std::vector<std::pair<double, double>>& levels) noexcept {
  std::optional<double> t;
  if (peak_flop_per_s && *peak_flop_per_s > 0.0) t = flop / *peak_flop_per_s;
  for (const auto& [bytes, bytes_per_s] : levels) {
    if (!(bytes_per_s > 0.0)) continue;
    const double level_time = bytes / bytes_per_s;
    if (!t || level_time > *t) t = level_time;
  }
  return t;
}

double floored_roof_time_s(double roof_time_s, std::int64_t launches, double launch_floor_s) noexcept {
  return std::max(roof_time_s, static_cast<double>(launches) * launch_floor_s);
}

double opportunity_s(double time_s, double roof_time_s) noexcept { return std::max(0.0, time_s - roof_time_s); }

std::int64_t union_length_ns(std::vector<interval_ns>& intervals) {
  std::sort(intervals.begin(), intervals.end(),
            [](const interval_ns& a, const interval_ns& b) { return a.start_ns < b.start_ns; });
  std::int64_t total = 0;
  bool open = false;
  std::int64_t cur_start = 0, cur_end = 0;
  for (const auto& iv : intervals) {
    if (iv.end_ns <= iv.start_ns) continue;
    if (!open || iv.start_ns > cur_end) {
      if (open) total += cur_end - cur_start;
      cur_start = iv.start_ns;
      cur_end = iv.end_ns;
      open = true;
    } else {
      cur_end = std::max(cur_end, iv.end_ns);
    }
  }
  if (open) total += cur_end - cur_start;
  return total;
}

concurrency_stats concurrency(const std::vector<interval_ns>& intervals) {
  // Sweep over +1 at each start and -1 at each end; ends sort before starts at the same instant
  // so back-to-back kernels do not count as concurrent.
  std::vector<std::pair<std::int64_t, int>> events;
  events.reserve(intervals.size() * 2);
  for (const auto& iv : intervals) {
    if (iv.end_ns <= iv.start_ns) continue;
    events.emplace_back(iv.start_ns, +1);
    events.emplace_back(iv.end_ns, -1);
  }
  std::sort(events.begin(), events.end());
  concurrency_stats out;
  int active = 0;
  std::int64_t last = 0;
  for (const auto& [t, delta] : events) {
    if (active >= 2) out.overlapped_ns += t - last;
    active += delta;
    out.max_active = std::max(out.max_active, active);
    last = t;
  }
  return out;
}

std::vector<std::int64_t> gaps_before_ns(const std::vector<interval_ns>& sorted_intervals) {
  std::vector<std::int64_t> gaps(sorted_intervals.size(), 0);
  std::int64_t max_end = 0;
  for (std::size_t k = 0; k < sorted_intervals.size(); ++k) {
    const auto& iv = sorted_intervals[k];
    if (k > 0 && iv.start_ns > max_end) gaps[k] = iv.start_ns - max_end;
    max_end = k == 0 ? iv.end_ns : std::max(max_end, iv.end_ns);
  }
  return gaps;
}

double share(double part, double total) noexcept { return total > 0.0 ? part / total : 0.0; }

}  // namespace rafter

#include "analysis/limiter.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

namespace rafter {

namespace {
constexpr std::array<limiter_kind, 6> k_all{limiter_kind::compute,         limiter_kind::memory,
                                            limiter_kind::latency,         limiter_kind::launch_overhead,
                                            limiter_kind::communication,   limiter_kind::unknown};

/// A fraction as a percentage with one decimal, a trailing ".0" dropped ("59.9%", "60%"): whole
/// percents would show 59.86% as "60%" beside "below 60%".
std::string pct(double fraction) {
  std::string s = fmt::format("{:.1f}", fraction * 100.0);
  if (s.ends_with(".0")) s.resize(s.size() - 2);
  return s + "%";
}
}  // namespace

const char* to_string(limiter_kind kind) noexcept {
  switch (kind) {
    case limiter_kind::compute: return "compute";
    case limiter_kind::memory: return "memory";
    case limiter_kind::latency: return "latency";
    case limiter_kind::launch_overhead: return "launch_overhead";
    case limiter_kind::communication: return "communication";
    case limiter_kind::unknown: return "unknown";
  }
  return "unknown";
}

std::optional<limiter_kind> limiter_kind_from_string(std::string_view name) noexcept {
  for (const limiter_kind k : k_all) {
    if (name == to_string(k)) return k;
  }
  return std::nullopt;
}

limiter_verdict decide_limiter(const limiter_inputs& in, const limiter_thresholds& t) {
  if (in.cls == kernel_class::communication) {
    if (in.link_fraction) {
      return {limiter_kind::communication, in.link_ceiling,
              fmt::format("communication kernel (class rule); bus bandwidth {:.0f}% of {}", *in.link_fraction * 100.0, in.link_ceiling)};
    }
    return {limiter_kind::communication, in.link,
            in.link.empty() ? "communication kernel (class rule); the profile has no link ceiling"
                            : "communication kernel (class rule); bounded by the links, fastest " + in.link};
  }
  if (in.mean_s < t.short_kernel_s && in.mean_s > 0.0 && in.mean_gap_before_s >= t.launch_gap_ratio * in.mean_s) {
    return {limiter_kind::launch_overhead, "",
            fmt::format("mean time {:.3g} us below {:.3g} us, and the mean idle gap before each launch {:.3g} us is at least {:.3g} x the mean time",
                        in.mean_s * 1e6, t.short_kernel_s * 1e6, in.mean_gap_before_s * 1e6, t.launch_gap_ratio)};
  }
  if (!in.compute_fraction && !in.memory_fraction) {
    return {limiter_kind::unknown, "", "work and traffic unknown: not placed on the roofline"};
  }
  const double c = in.compute_fraction.value_or(0.0);
  const double m = in.memory_fraction.value_or(0.0);
  const std::string c_text = in.compute_fraction ? "compute " + pct(c) + " of " + in.compute_ceiling : "compute unknown";
  const std::string m_text = in.memory_fraction
                                 ? "memory " + pct(m) + " of " + in.memory_level + (in.traffic_estimated ? " (estimated traffic: each operand moved once)" : "")
                                 : "memory unknown";
  const std::string both = c_text + ", " + m_text;
  const bool compute_higher = c >= m;
  const limiter_verdict higher = compute_higher ? limiter_verdict{limiter_kind::compute, in.compute_ceiling, ""}
                                                : limiter_verdict{limiter_kind::memory, in.memory_level, ""};
  limiter_verdict v = higher;
  if (std::max(c, m) >= t.high_throughput) {
    v.rule = both + fmt::format(": {} at or above {} (high throughput)", compute_higher ? "compute" : "memory", pct(t.high_throughput));
  } else if (c < t.latency_bound && m < t.latency_bound) {
    v = {limiter_kind::latency, "", both + fmt::format(": both below {} (latency or occupancy)", pct(t.latency_bound))};
  } else if (std::fabs(c - m) >= t.balanced) {
    v.rule = both + fmt::format(": {} higher by at least {}", compute_higher ? "compute" : "memory", pct(t.balanced));
  } else {
    v.rule = both + fmt::format(": balanced (within {}), the higher named", pct(t.balanced));
  }
  return v;
}

}  // namespace rafter

#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace rafter {

/// The derived metrics of `rafter analyze`, one small function each; every formula is written in
/// docs/metrics.md ("Trace analysis"). Inputs and outputs in SI base units (s, bytes, FLOP) except
/// where a name says `_ns` (trace timestamps, integer nanoseconds).

/// A half-open time interval [start_ns, end_ns) on one device.
struct interval_ns {
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
};

/// FLOP per byte: flop / bytes. Nothing when bytes <= 0.
[[nodiscard]] std::optional<double> arithmetic_intensity(double flop, double bytes) noexcept;

/// amount / seconds (FLOP/s from FLOP, B/s from bytes). Nothing when seconds <= 0.
[[nodiscard]] std::optional<double> rate_per_s(double amount, double seconds) noexcept;

/// achieved / ceiling, the fraction of a roof reached (1 = at the roof). Nothing when ceiling <= 0.
[[nodiscard]] std::optional<double> fraction_of_ceiling(double achieved, double ceiling) noexcept;

/// The shortest time the work could take on this machine: max(flop / peak, max_i bytes_i / bw_i),
/// i.e. flop / hierarchical attainable when flop > 0. `peak` absent: only the memory terms.
/// `levels` holds (bytes, bytes_per_s) pairs. Nothing when no term is defined.
[[nodiscard]] std::optional<double> time_at_roof_s(double flop, std::optional<double> peak_flop_per_s,
                                                   const std::vector<std::pair<double, double>>& levels) noexcept;

/// Time at the roof of `launches` launches when none runs faster than `launch_floor_s` (launch
/// and ramp-up cost time no roof models): max(roof_time_s, launches x launch_floor_s).
[[nodiscard]] double floored_roof_time_s(double roof_time_s, std::int64_t launches, double launch_floor_s) noexcept;

/// Time saved if the kernels ran at the roof: max(0, time_s - roof_time_s).
[[nodiscard]] double opportunity_s(double time_s, double roof_time_s) noexcept;

/// Busy time of a device: the length of the union of the intervals (overlapping kernels count once).
/// Sorts `intervals` by start. Intervals with end <= start add nothing.
[[nodiscard]] std::int64_t union_length_ns(std::vector<interval_ns>& intervals);

/// The time during which at least two intervals overlap, and the largest number overlapping at
/// once. Sorts a copy of the interval ends internally.
struct concurrency_stats {
  std::int64_t overlapped_ns = 0;  ///< Time with >= 2 intervals active.
  int max_active = 0;
};
[[nodiscard]] concurrency_stats concurrency(const std::vector<interval_ns>& intervals);

/// Idle gaps between busy stretches of a device: sorted by start, the gap before interval k is
/// max(0, start_k - max(end_j, j < k)); the first interval has no gap. Returns one value per
/// interval (0 for the first and for overlapping ones), in the order of `sorted_intervals`.
[[nodiscard]] std::vector<std::int64_t> gaps_before_ns(const std::vector<interval_ns>& sorted_intervals);

/// Fraction of a total: part / total, 0 when total <= 0.
[[nodiscard]] double share(double part, double total) noexcept;

}  // namespace rafter

#pragma once

#include <cstdint>
#include <optional>

namespace rafter {

/// Whole-trace totals of an analysis. Kernel time is the sum of kernel durations.
struct analysis_totals {
  std::int64_t kernels = 0;
  std::int64_t groups = 0;
  std::int64_t copies = 0;
  std::int64_t ranges = 0;
  double kernel_time_s = 0.0;
  double measured_time_s = 0.0;   ///< Time of groups whose work came from counters.
  double estimated_time_s = 0.0;  ///< ... from shape estimates.
  double unknown_time_s = 0.0;    ///< ... with no work known.
  /// Of measured and estimated time, the launches with no work of their own (no counters, no op
  /// shapes), placed at their group's rate: extrapolated, not known.
  double extrapolated_time_s = 0.0;
  double placed_time_s = 0.0;     ///< Time of groups placed on the roofline.
  double placed_fraction = 0.0;   ///< placed / kernel time.
  double opportunity_s = 0.0;     ///< Sum over groups.
  /// Time of communication groups (NCCL and friends), which no roofline places; `collective_time_s`
  /// of it in groups with a bus bandwidth (recorded collectives).
  double communication_time_s = 0.0;
  double collective_time_s = 0.0;
  std::int64_t flagged_groups = 0;  ///< Groups with impossible or suspicious numbers.
  /// No launch runs at its roof faster than this (s): min(min_launch_s, the trace's shortest
  /// kernel of non-zero length). Every group's roof time is floored by it; a projection from
  /// this analysis uses the same floor. Absent in older documents: nothing.
  std::optional<double> launch_floor_s;
};

}  // namespace rafter

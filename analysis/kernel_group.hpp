#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/kernel_class.hpp"
#include "analysis/level_placement.hpp"
#include "analysis/limiter.hpp"
#include "analysis/work_source.hpp"
#include "core/trace.hpp"

namespace rafter {

/// All launches of one kernel with one launch shape (same recorded name, grid and block), placed
/// on the hierarchical roofline as one point. Times in s, work in FLOP, traffic in bytes.
struct kernel_group {
  std::int64_t id = 0;   ///< Rank by total time, 0 = most time. Unique in the analysis.
  std::string name;      ///< As recorded (possibly mangled).
  std::string demangled;  ///< Empty when the trace had none.
  std::optional<dim3_value> grid;
  std::optional<dim3_value> block;
  kernel_class cls = kernel_class::other;
  std::int64_t count = 0;
  double total_s = 0.0;
  double mean_s = 0.0;
  double min_s = 0.0;
  double max_s = 0.0;
  double mean_gap_before_s = 0.0;  ///< Mean idle time of the device just before each launch.

  work_source work = work_source::none;
  std::int64_t work_count = 0;  ///< Launches that carried the work used (measured or estimated).
  double work_time_s = 0.0;     ///< Their time (the counter tool's own duration when recorded).
  std::string estimate_formula;  ///< For estimates: the formula's name in docs/metrics.md.
  double flop = 0.0;             ///< Over the work launches, all precisions and pipes.
  std::map<std::string, double> flop_by_kind;  ///< "<precision>.<pipe>" -> FLOP.
  std::string precision;  ///< Of the dominant kind ("bf16"); empty when no FLOP.
  std::string pipe;       ///< "tensor" or "cuda_core"; empty when no FLOP.
  bool pipe_assumed = false;  ///< True for estimates: the pipe follows from class and precision, not a counter.

  std::string compute_ceiling;  ///< Id of the machine's ceiling for that precision and pipe; empty when none.
  std::optional<double> compute_ceiling_flop_per_s;
  std::optional<double> achieved_flop_per_s;  ///< flop / work_time_s.
  std::optional<double> compute_fraction;     ///< achieved / compute ceiling.
  std::vector<level_placement> levels;
  std::optional<double> attainable_flop_per_s;  ///< Hierarchical: min over the compute roof and every level.
  std::string binding;  ///< The roof that binds: a level name, or the compute ceiling id.
  std::optional<double> memory_fraction;  ///< Highest fraction of bandwidth over the levels.
  std::string memory_level;               ///< Its level.

  /// Communication kernels with recorded collectives (docs/metrics.md, "Collectives in traces").
  std::string collective;               ///< Of the first such launch ("allreduce"); empty when none.
  std::int64_t collective_count = 0;    ///< Launches with a recorded collective and a bus factor.
  std::optional<double> bus_bytes_per_s;  ///< Sum of S x bus factor over them / their time.
  std::string link_ceiling;               ///< Profile link that measures the collective ("nccl_allreduce").
  std::optional<double> link_ceiling_bytes_per_s;
  std::optional<double> link_fraction;    ///< bus_bytes_per_s / link_ceiling_bytes_per_s.

  limiter_verdict limiter;
  std::optional<double> roof_time_s;    ///< Time at the roof for all launches (scaled from the work launches).
  std::optional<double> opportunity_s;  ///< total_s - roof_time_s, >= 0.
  std::vector<std::string> flags;       ///< Impossible or suspicious numbers, in words.

  /// The name to show people: demangled when there is one.
  [[nodiscard]] const std::string& display_name() const noexcept { return demangled.empty() ? name : demangled; }
  /// Placed on the roofline: its time at the roof is known.
  [[nodiscard]] bool placed() const noexcept { return roof_time_s.has_value(); }
};

}  // namespace rafter

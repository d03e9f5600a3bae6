#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "analysis/kernel_class.hpp"
#include "analysis/limiter_thresholds.hpp"

namespace rafter {

/// What limits a kernel group (docs/metrics.md, "Limiter").
enum class limiter_kind {
  compute,          ///< Near a compute roof; detail names the ceiling (pipe and precision).
  memory,           ///< Near a bandwidth roof; detail names the memory level.
  latency,          ///< Far below every roof: latency, occupancy or too little parallelism.
  launch_overhead,  ///< Short kernels with idle gaps before them: launch-bound.
  communication,    ///< Collective / peer traffic (NCCL and friends); detail names the link ceiling.
  unknown           ///< Work and traffic unknown and no timing rule applies: not placed.
};

[[nodiscard]] const char* to_string(limiter_kind kind) noexcept;
[[nodiscard]] std::optional<limiter_kind> limiter_kind_from_string(std::string_view name) noexcept;

/// A verdict and the evidence for it, so a reader can disagree.
struct limiter_verdict {
  limiter_kind kind = limiter_kind::unknown;
  std::string detail;  ///< Ceiling id ("bf16.tensor"), memory level ("hbm") or link id ("nvlink").
  std::string rule;    ///< The rule that fired with its numbers: "compute 86% of bf16.tensor >= 80%".
};

/// What the rules look at, for one kernel group.
struct limiter_inputs {
  kernel_class cls = kernel_class::other;
  std::optional<double> compute_fraction;  ///< Achieved / compute ceiling; nothing when either is unknown.
  std::string compute_ceiling;             ///< Id of that ceiling.
  std::optional<double> memory_fraction;   ///< Highest achieved / bandwidth over the levels.
  std::string memory_level;                ///< The level of that highest fraction.
  bool traffic_estimated = false;          ///< Traffic is a shape estimate (a lower bound).
  double mean_s = 0.0;                     ///< Mean kernel time.
  double mean_gap_before_s = 0.0;          ///< Mean idle gap on the device before each launch.
  std::string link;                        ///< Fastest link ceiling of the machine, for communication.
  /// Communication with a recorded collective: its bus bandwidth / the link ceiling that measures
  /// that collective (`link_ceiling`); nothing when either is unknown.
  std::optional<double> link_fraction;
  std::string link_ceiling;
};

/// The limiter rules, in order: communication (class); launch overhead (mean time <
/// short_kernel_s and mean gap >= launch_gap_ratio x mean time); with a compute or memory
/// fraction known, Nsight Compute's SOL rule (either >= high_throughput: the higher one; both <
/// latency_bound: latency; |compute - memory| >= balanced: the higher one; else the higher one,
/// called balanced); otherwise unknown.
[[nodiscard]] limiter_verdict decide_limiter(const limiter_inputs& in, const limiter_thresholds& t);

}  // namespace rafter

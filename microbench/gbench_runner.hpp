#pragma once

#include <functional>
#include <string>

#include "core/sample_stats.hpp"

namespace rafter {

/// How long and how often one measurement point runs under Google Benchmark.
struct timing_policy {
  int repetitions = 5;           ///< Repetitions per attempt (each one a GB repetition).
  double min_time_s = 0.01;      ///< Minimum measured time of one repetition.
  double warmup_s = 0.005;       ///< GB warm-up before the first repetition.
  double settle_cv = 0.05;       ///< A point has settled when the repetitions' CV is at most this.
  int max_attempts = 3;          ///< Attempts (repetitions doubling each time) before flagging.
};

/// Measures `one_iteration` (which does a fixed amount of work and returns the seconds it took)
/// with Google Benchmark as the harness: registration, warm-up, the iteration count, repetitions
/// and the statistics (median, min, max and CV aggregates) are GB's. When the repetitions' CV
/// exceeds `settle_cv` the point is measured again with twice the repetitions, up to
/// `max_attempts`; if it still has not settled, the last result is returned with
/// `settled == false`. Returns seconds per iteration. Polls the interrupt flag and throws
/// `interrupted_error` after an interrupted run. An exception from `one_iteration` ends the
/// measurement and is rethrown, unchanged, once Google Benchmark has returned (never across it).
[[nodiscard]] sample_stats measure_with_gbench(const std::string& name, const std::function<double()>& one_iteration,
                                               const timing_policy& policy);

}  // namespace rafter

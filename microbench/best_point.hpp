#pragma once

#include <optional>

#include "core/sample_stats.hpp"

namespace rafter {

/// The point of a size sweep with the highest median so far: where a link's ceiling is quoted.
struct best_point {
  std::optional<sample_stats> stats;  ///< Empty until the first offer.
  double x = 0.0;                     ///< Its size (bytes).
  int repeats = 0;                    ///< Repetitions per sample there; 0 where not recorded.

  /// Keeps `s` (at size `at`) when its median is higher than the best so far.
  void offer(const sample_stats& s, double at, int repeats_per_sample = 0) {
    if (!stats || s.median > stats->median) {
      stats = s;
      x = at;
      repeats = repeats_per_sample;
    }
  }
};

}  // namespace rafter

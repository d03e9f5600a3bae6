#pragma once

#include <span>

namespace rafter {

/// Summary of repeated measurements of one quantity, in that quantity's unit.
/// Invariant: min <= median <= max, n >= 1.
struct sample_stats {
  double median = 0.0;
  double min = 0.0;
  double max = 0.0;
  int n = 0;
  /// False when the repetitions did not settle within the bounded budget (spread above tolerance);
  /// such a result is reported and flagged, never hidden.
  bool settled = true;

  /// Relative spread (max - min) / median; 0 when median is 0.
  [[nodiscard]] double relative_spread() const noexcept;

  /// Statistics of `values` (at least one). `settled` is left true.
  [[nodiscard]] static sample_stats of(std::span<const double> values);

  /// Maps a time statistic to a rate statistic: rate = work / time, so min and max swap.
  [[nodiscard]] sample_stats reciprocal_scaled(double work) const noexcept;
};

}  // namespace rafter

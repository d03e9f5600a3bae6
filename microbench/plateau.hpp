#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/machine_profile.hpp"

namespace rafter {

/// Plateau detection: turns a curve y(x) sampled at increasing x (bandwidth or latency versus
/// working set) into flat stretches, one per memory level. Nothing here knows about CPUs or GPUs:
/// the host and CUDA backends feed it their curves and their cache sizes.
///
/// Method: an optimal piecewise-constant fit of log(y) by dynamic programming, with a per-segment
/// penalty of `penalty_scale * sigma^2 * ln(n)`, where sigma is the curve's own point-to-point noise
/// (robust MAD estimate, floored at `noise_floor`). Segment ends that deviate from the segment's
/// median by more than max(`edge_tolerance`, 2.5 sigma) are transition points and are trimmed; segments left with
/// fewer than `min_points` points are transitions, not levels. Neighbouring plateaus whose values
/// differ by less than `merge_ratio` are one level.
struct plateau_options {
  int min_points = 3;
  double edge_tolerance = 0.06;  ///< Relative deviation from the segment median.
  double merge_ratio = 1.08;     ///< max(a, b) / min(a, b) below which neighbours merge.
  double penalty_scale = 4.0;
  double noise_floor = 0.01;     ///< Minimum relative noise assumed (1%).
};

/// Plateaus of the curve (x strictly increasing, y > 0), in order of x, with `level` empty.
/// Throws std::invalid_argument when the spans differ in size, x is not increasing or a y <= 0.
[[nodiscard]] std::vector<plateau> detect_plateaus(std::span<const double> x, std::span<const double> y,
                                                   const plateau_options& options = {});

/// Convenience: detect on a curve's medians.
[[nodiscard]] std::vector<plateau> detect_plateaus(const curve& c, const plateau_options& options = {});

/// A memory level the device reports, with the capacity a working set can occupy before it spills
/// to the next level (bytes, all instances the measurement uses together).
struct level_bound {
  std::string level;
  double capacity_bytes = 0.0;
  /// A partitioned cache (a GPU L2 split into a near and a far partition): when set, a second
  /// plateau inside this level's range, after the first, takes this name ("l2.far") instead of
  /// competing with the first for `level`.
  std::string far_level = {};
  /// A level the curve may not resolve (its capacity less than an octave beyond the level before
  /// it leaves too few points between them): no plateau for it gives no warning.
  bool may_be_unresolved = false;
};

/// How several plateaus inside one level's range (or beyond the largest capacity) are named.
enum class plateau_naming {
  /// They compete: the one with most points keeps the name, the others are left unnamed (with a
  /// warning). Bandwidth curves: a level's ceiling is its longest flat stretch.
  one_per_level,
  /// The first (smallest working set) keeps the name, later ones are `<name>.step1`, `.step2`, ...
  /// (with a warning inside a cache level; none beyond the largest capacity, where TLB steps are
  /// expected). Latency curves: a level's latency is its hit latency, and the steps after it are
  /// TLB reach, or a cache holding less than the OS reports (a VM's cache partitioning).
  steps,
};

/// "<level>.step<step>": the name plateau_naming::steps gives the step-th later plateau of `level`.
[[nodiscard]] std::string step_name(const std::string& level, int step);

/// The level a step name belongs to ("dram" for "dram.step2"); "" when `name` is not a step name.
[[nodiscard]] std::string stepped_level(const std::string& name);

/// Of `level` and its steps (step1, step2, ... up to the first missing), those in `levels`, in that
/// order: a profile lists a level's latency steps right after it.
[[nodiscard]] std::vector<std::string> level_and_steps(const std::string& level,
                                                       const std::map<std::string, memory_level>& levels);

/// Result of matching plateaus to levels.
struct level_match {
  std::vector<plateau> plateaus;       ///< The input plateaus with `level` set ("" when unmatched).
  std::vector<std::string> warnings;   ///< Cross-check findings, one line each.
};

/// Names each plateau after the level whose capacity range (previous capacity, capacity] holds the
/// plateau's geometric centre; plateaus beyond the largest capacity, or reaching past twice it,
/// are `beyond_level` ("dram", "hbm"). When two plateaus claim one level, the second of a level with a `far_level` becomes
/// that far level; otherwise `naming` decides. Cross-checks: a reported level without a plateau
/// (unless it `may_be_unresolved`), or a plateau whose end lies far (> 2x) from the capacity the
/// device reports, gives a warning. `bounds` must be sorted by capacity. `y_unit` ("B/s", "s")
/// only formats the warnings.
[[nodiscard]] level_match match_levels(std::vector<plateau> plateaus, const std::vector<level_bound>& bounds,
                                       const std::string& beyond_level, const std::string& y_unit,
                                       plateau_naming naming = plateau_naming::one_per_level);

/// The point of `c` inside plateau `p` (x_min <= x <= x_max) whose median is the middle one (the
/// upper middle one of an even count): a level's latency is its median, with its statistics.
/// nullptr when no point lies inside.
[[nodiscard]] const curve_point* median_point(const curve& c, const plateau& p);

/// The point of `c` inside plateau `p` with the highest median: a bandwidth ceiling is the best
/// sustained rate at any working set of the level (as ERT and gpu-benches report the best
/// trial), which a machine whose speed drifts between samples (a VM's neighbours) reaches only at
/// times. nullptr when no point lies inside.
[[nodiscard]] const curve_point* highest_point(const curve& c, const plateau& p);

/// The median of a curve's point medians over a working-set range, and how many points it took.
struct range_median {
  double value = 0.0;  ///< In the curve's y unit.
  std::size_t points = 0;
};

/// The median of the points with from_bytes <= x <= to_bytes; nullopt with fewer than two. A
/// stand-in for a level's plateau where the segmentation found none but the range surely belongs
/// to the level: at most half the L1 is L1, 4x the last-level cache and beyond is DRAM, whatever a
/// noisy or still-rising curve (TLB reach, prefetchers, a VM's drifting speed) made of it.
[[nodiscard]] std::optional<range_median> median_between(const curve& c, double from_bytes, double to_bytes);

}  // namespace rafter

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rafter {

/// Kernel groups of two analyses that do the same work, matched (docs/metrics.md, "Comparisons"):
/// first by normalized name and launch shape, then by normalized name, then by normalized name with
/// digit runs masked, then by class where library kernel names differ across GPUs. A row may hold
/// several groups per side; its times and launches are then sums. Times in s.
struct group_match {
  /// How the two sides were matched: "name+shape", "name", "name (digits masked)", "class"; "only_a" / "only_b"
  /// for kernels found on one side only.
  std::string match;
  std::string key;   ///< The matching key (normalized name, or class).
  std::string cls;   ///< Kernel class (of A, else B).
  std::string name_a;  ///< Display name of A's largest group; empty when only in B.
  std::string name_b;
  std::vector<std::int64_t> groups_a;  ///< Group ids in A's analysis.
  std::vector<std::int64_t> groups_b;
  std::int64_t count_a = 0;  ///< Launches.
  std::int64_t count_b = 0;
  double time_a_s = 0.0;  ///< Total kernel time.
  double time_b_s = 0.0;
  /// Roofline position of each side. With one group on a side, that group's own figures:
  /// arithmetic intensity at its binding level, else main memory (FLOP/byte), achieved FLOP/s,
  /// limiter and binding roof. With several (a row that aggregates groups, typically the class
  /// pass), aggregates over the side's placed groups (analysis/group_aggregate.hpp): AI = sum FLOP
  /// / sum bytes at one level, FLOP/s = sum FLOP / sum work time, the limiter and binding roof only
  /// when every placed group agrees (every group, when none is placed), else "mixed".
  std::optional<double> ai_a, ai_b;
  std::optional<double> flop_per_s_a, flop_per_s_b;
  std::string limiter_a, limiter_b;
  std::string binding_a, binding_b;
  std::string level_a, level_b;  ///< Memory level of ai_a / ai_b; empty when no AI.
  /// Share of the side's time (time_a_s) in the groups its figures come from: 1 or 0 for one group
  /// (placed or not), the placed groups' time / the row's time for several. Nothing when no time.
  std::optional<double> placed_share_a, placed_share_b;
  /// The limiter with the most placed time (equal to limiter_a unless that is "mixed") and its
  /// share of the placed time (1 when every placed group agrees). Empty / nothing when none.
  std::string dominant_limiter_a, dominant_limiter_b;
  std::optional<double> limiter_share_a, limiter_share_b;

  /// True when a side holds more than one group: its figures are aggregates.
  [[nodiscard]] bool aggregated() const noexcept { return groups_a.size() > 1 || groups_b.size() > 1; }
};

}  // namespace rafter

#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/kernel_group.hpp"

namespace rafter {

/// The roofline position of several kernel groups taken together: one side of a comparison row
/// that matched more than one group (docs/metrics.md, "Comparisons"). Every figure comes from sums
/// over the *placed groups* (placed on the roofline, `kernel_group::placed()`, with traffic recorded
/// at `level`), so that it reads like one group's figures; `placed_share` says how much of the
/// row's time they hold. Times in s, intensity in FLOP/byte, rates in FLOP/s.
struct group_aggregate {
  std::string level;  ///< Memory level of `intensity` (see `aggregate_level`); empty when no group is placed.
  double time_s = 0.0;         ///< Sum of `total_s` over all groups.
  double placed_time_s = 0.0;  ///< Sum of `total_s` over the placed groups.
  std::optional<double> placed_share;  ///< placed_time_s / time_s; nothing when time_s = 0.
  std::optional<double> intensity;     ///< aggregate_intensity at `level`.
  std::optional<double> flop_per_s;    ///< aggregate_flop_per_s; nothing when the placed groups have no FLOP.
  /// The placed groups' common limiter ("memory (hbm)"), "mixed" when they differ. When no group is
  /// placed, the same over all groups (verdicts that need no placement: "communication (nvlink)",
  /// "launch_overhead", "unknown"). Empty only without groups.
  std::string limiter;
  std::string dominant_limiter;         ///< The limiter with the most time (= `limiter` unless mixed).
  std::optional<double> limiter_share;  ///< Its share of placed_time_s (of time_s when none placed); 1 when common.
  std::string binding;  ///< The placed groups' common binding roof, "mixed" when they differ, empty when none.
};

/// A group's limiter in words: "<kind>" or "<kind> (<detail>)", e.g. "compute (fp32.vector)".
[[nodiscard]] std::string limiter_text(const kernel_group& g);

/// The level at which several groups' intensity is taken: main memory ("hbm", else "dram") when any
/// placed group has traffic there, else the level with the most placed time; empty when no group
/// is placed. Main memory is the one level every estimate and most counter sets record.
[[nodiscard]] std::string aggregate_level(const std::vector<const kernel_group*>& groups);

/// The groups that count in an aggregate at `level`: placed, with a level_placement for `level`.
[[nodiscard]] std::vector<const kernel_group*> placed_at(const std::vector<const kernel_group*>& groups,
                                                         const std::string& level);

/// sum FLOP / sum bytes at `level`, over `placed` (FLOP/byte). Nothing when the bytes sum to 0.
/// Not the mean of the groups' intensities: a group weighs by its traffic.
[[nodiscard]] std::optional<double> aggregate_intensity(const std::vector<const kernel_group*>& placed,
                                                        const std::string& level);

/// sum FLOP / sum work time (`work_time_s`, the time of the launches that carried the work) over
/// `placed` (FLOP/s). Nothing when the FLOP sum to 0 (copy-like work) or the time to 0.
[[nodiscard]] std::optional<double> aggregate_flop_per_s(const std::vector<const kernel_group*>& placed);

/// Sum of `total_s` of `part` / sum of `total_s` of `all`; nothing when `all` has no time.
[[nodiscard]] std::optional<double> time_share(const std::vector<const kernel_group*>& part,
                                               const std::vector<const kernel_group*>& all);

/// Every figure of a group_aggregate over `groups` (one side of a row).
[[nodiscard]] group_aggregate aggregate_groups(const std::vector<const kernel_group*>& groups);

}  // namespace rafter

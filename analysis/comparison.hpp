#pragma once

#include <string>
#include <vector>

#include "analysis/comparison_side.hpp"
#include "analysis/group_match.hpp"
#include "analysis/metric_delta.hpp"
#include "analysis/rule_outcome.hpp"

namespace rafter {

/// The `rafter.comparison/1` document: two machine profiles or two analyses side by side, every
/// quantity as a `metric_delta`, and the outcome of each `--fail-on` rule. Schema in
/// docs/schemas.md; the JSON writer is reports/comparison_report_json.
struct comparison {
  static constexpr const char* schema_kind = "rafter.comparison";
  static constexpr int schema_major = 1;

  std::string subject;  ///< "machine" (two rafter.machine/1) or "analysis" (two rafter.analysis/1).
  comparison_side a;
  comparison_side b;
  std::vector<metric_delta> metrics;  ///< In section order; names unique.
  std::vector<group_match> groups;    ///< Analyses only: kernel groups matched across A and B.
  std::vector<rule_outcome> rules;    ///< One per (rule, metric) pair evaluated.
  std::vector<std::string> notes;     ///< How things were matched, what could not be compared.
  /// Caveats that change how every figure should be read (a CPU compared with a GPU). Shown before
  /// the rules in every output; never a failure on their own.
  std::vector<std::string> warnings;

  /// True when any rule's outcome fails the gate: `fail` or `inconclusive`.
  [[nodiscard]] bool any_rule_failed() const noexcept;
  /// The metric with `name` (or with `name` among its aliases); nullptr when none.
  [[nodiscard]] const metric_delta* find(const std::string& name) const noexcept;
};

}  // namespace rafter

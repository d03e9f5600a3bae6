#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/comparison_rule.hpp"
#include "analysis/metric_delta.hpp"
#include "analysis/rule_outcome.hpp"

namespace rafter {

/// `--fail-on` rules: parsing and evaluation against a comparison's metrics. Grammar and the
/// noise rule in docs/compare.md; formulas in docs/metrics.md ("Comparisons").

/// Parses one rule, `PATTERN:+N%` or `PATTERN:-N%` (N a non-negative decimal number). Throws
/// `usage_error` naming the rule and what is wrong with it.
[[nodiscard]] comparison_rule parse_rule(std::string_view text);

/// Parses a comma-separated list of rules, `RULE ("," RULE)*`. Throws `usage_error` on a bad rule
/// and on an empty one (an empty list, a leading, trailing or doubled comma), naming its position.
[[nodiscard]] std::vector<comparison_rule> parse_rules(std::string_view text);

/// True when `pattern` names `m`: equal to its name or one of its aliases, or, segment by dotted
/// segment, equal with `*` matching any one segment.
[[nodiscard]] bool rule_matches(const std::string& pattern, const metric_delta& m);

/// The outcome of `rule` on `m`, which must have both sides. With a = A's value, b = B's and
/// t = the signed threshold: a rule with t >= 0 breaks on the values when b > a (1 + t), a rule
/// with t < 0 when b < a (1 + t). It fails when it also breaks comparing the favourable ends of
/// the spreads (b_lo against a_hi for t >= 0, b_hi against a_lo for t < 0); when only the values
/// break it, it is `inconclusive`, which fails the gate too (see `fails_gate`). The message of an
/// inconclusive outcome carries both spreads.
[[nodiscard]] rule_outcome evaluate_rule(const comparison_rule& rule, const metric_delta& m);

/// Evaluates every rule on every metric it matches, in rule order then metric order. Throws
/// `usage_error` when a rule matches no metric, or only metrics that one side lacks (naming the
/// side and a few metric names that do exist).
[[nodiscard]] std::vector<rule_outcome> evaluate_rules(const std::vector<comparison_rule>& rules,
                                                       const std::vector<metric_delta>& metrics,
                                                       const std::string& name_a = "A", const std::string& name_b = "B");

}  // namespace rafter

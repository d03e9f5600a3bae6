#pragma once

#include <optional>
#include <string>

#include "analysis/group_match.hpp"
#include "analysis/metric_delta.hpp"

namespace rafter {

/// Text shared by the comparison renderers (Markdown, JUnit, HTML). Plain text: each renderer
/// escapes it for its own format.

/// A value in the metric's unit with a decimal prefix: "3.35 TB/s", "989 TFLOP/s", "1.50 ms",
/// "164 FLOP/byte", "42" (count). Missing or non-finite: "n/a".
[[nodiscard]] std::string format_metric_value(std::optional<double> value, const std::string& unit);

/// A relative change as a signed percentage with two decimals: "+64.30 %", "-2.00 %", "+inf %".
[[nodiscard]] std::string format_change(double fraction);

/// A ratio b / a: "1.64x"; "n/a" when missing or not finite.
[[nodiscard]] std::string format_ratio(std::optional<double> ratio);

/// What a metric row says about its change: "only in A", "only in B", "same", "within noise",
/// "higher", "lower".
[[nodiscard]] std::string change_verdict(const metric_delta& m);

/// The spread of one side as "[lo, hi]" in the metric's unit; empty when the side has none.
[[nodiscard]] std::string format_spread(const metric_delta& m, bool side_a);

/// How many groups a matched row holds per side, "102 vs 128 groups", when either side holds more
/// than one (its figures are then aggregates); empty otherwise.
[[nodiscard]] std::string format_group_counts(const group_match& g);

/// One side's arithmetic intensity in a kernel-group row: "11.3" for a row of one group per side;
/// "53.2 (hbm, 97% of time placed)" for an aggregated row (the level of the sums and the share of
/// the side's time in the placed groups); "-" when there is none.
[[nodiscard]] std::string format_group_ai(const group_match& g, bool side_a);

/// One side's limiter in a kernel-group row: the limiter ("compute (fp32.vector)"), or for groups
/// that disagree "mixed: 62% memory (hbm)" (the dominant limiter's share of the placed time); "-"
/// when there is none.
[[nodiscard]] std::string format_group_limiter(const group_match& g, bool side_a);

}  // namespace rafter

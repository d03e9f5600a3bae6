#pragma once

#include <optional>
#include <string>

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

}  // namespace rafter

#pragma once

#include <string>

namespace rafter {

/// One `--fail-on` rule: `PATTERN:SIGN PERCENT%` (grammar in docs/compare.md). `+5%` fails when
/// B is more than 5 % above A (b > a x 1.05); `-2%` fails when B is more than 2 % below A
/// (b < a x 0.98). The pattern is a metric name; a `*` segment matches any one dotted segment.
struct comparison_rule {
  std::string text;     ///< As written: "class.gemm.time:+3%".
  std::string pattern;  ///< "class.gemm.time", "compute.*.tensor".
  int sign = +1;        ///< +1: fails on an increase; -1: fails on a decrease.
  double percent = 0.0;  ///< Threshold in percent, >= 0.

  /// The threshold as a fraction with its sign: +0.03, -0.02.
  [[nodiscard]] double threshold() const noexcept { return sign * percent / 100.0; }
};

}  // namespace rafter

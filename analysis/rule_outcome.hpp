#pragma once

#include <optional>
#include <string>

namespace rafter {

/// pass: the change is within the threshold. fail: beyond it, even comparing the favourable ends
/// of both spreads. inconclusive: beyond it on the values, but not once the spreads of both sides
/// are taken into account: the measurements are too noisy to tell a regression from noise. An
/// inconclusive outcome fails the gate like `fail` (a noisy measurement must not switch the gate
/// off); it is reported under its own name so people know to re-measure rather than bisect.
enum class rule_status { pass, fail, inconclusive };

[[nodiscard]] const char* to_string(rule_status status) noexcept;

/// True for every outcome that makes `rafter compare` exit 1: `fail` and `inconclusive`.
[[nodiscard]] constexpr bool fails_gate(rule_status status) noexcept { return status != rule_status::pass; }

/// One rule evaluated on one metric (a rule with a `*` pattern gives one outcome per metric).
struct rule_outcome {
  std::string rule;    ///< As written: "memory.hbm.read:-2%".
  std::string metric;  ///< The metric's name.
  std::string unit;
  double a = 0.0;
  double b = 0.0;
  /// Spread of each side [lo, hi] in `unit` (min and max of the repetitions; equal to the value
  /// without samples).
  double a_lo = 0.0, a_hi = 0.0;
  double b_lo = 0.0, b_hi = 0.0;
  double change = 0.0;     ///< b / a - 1.
  double threshold = 0.0;  ///< Signed fraction: -0.02.
  rule_status status = rule_status::pass;
  std::string message;  ///< One line for people: "memory.hbm.read fell 39.1 % (limit -2 %)".
};

}  // namespace rafter

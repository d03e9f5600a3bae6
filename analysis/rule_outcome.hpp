#pragma once

#include <optional>
#include <string>

namespace rafter {

/// pass: the change is within the threshold. fail: beyond it, even comparing the favourable ends
/// of both spreads. within_noise: beyond it on the values, but not beyond it once the spreads of
/// both sides are taken into account; reported, never a failure.
enum class rule_status { pass, fail, within_noise };

[[nodiscard]] const char* to_string(rule_status status) noexcept;

/// One rule evaluated on one metric (a rule with a `*` pattern gives one outcome per metric).
struct rule_outcome {
  std::string rule;    ///< As written: "memory.hbm.read:-2%".
  std::string metric;  ///< The metric's name.
  std::string unit;
  double a = 0.0;
  double b = 0.0;
  double change = 0.0;     ///< b / a - 1.
  double threshold = 0.0;  ///< Signed fraction: -0.02.
  rule_status status = rule_status::pass;
  std::string message;  ///< One line for people: "memory.hbm.read fell 39.1 % (limit -2 %)".
};

}  // namespace rafter

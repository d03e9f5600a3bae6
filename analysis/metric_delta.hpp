#pragma once

#include <optional>
#include <string>
#include <vector>

namespace rafter {

/// One quantity of a comparison, on side A and on side B, with the spread each side carries.
/// Everything in SI base units (B/s, FLOP/s, s, FLOP/byte). Formulas in docs/metrics.md
/// ("Comparisons").
struct metric_delta {
  /// Dotted name that `--fail-on` rules address: "compute.bf16.tensor", "memory.hbm.read",
  /// "class.gemm.time". Unique in a comparison.
  std::string name;
  /// Other names the same quantity answers to: a tensor-core ceiling on one machine matched with a
  /// matrix-core ceiling on the other, HBM matched with DRAM as each device's main memory.
  std::vector<std::string> aliases;
  std::string section;  ///< "compute", "memory", "link", "ridge", "balance", "time", "class", "group", "range".
  std::string unit;     ///< "FLOP/s", "OP/s" (integer compute), "B/s", "s", "FLOP/byte", "count".
  std::string label_a;  ///< What this row is on A, in words or ids ("bf16.tensor, datasheet").
  std::string label_b;
  std::optional<double> a;  ///< Nothing when A has no such quantity.
  std::optional<double> b;
  /// Spread of each side: [lo, hi] around the value (min and max of repeated measurements). Equal
  /// to the value for a datasheet figure or a single observation.
  double a_lo = 0.0, a_hi = 0.0;
  double b_lo = 0.0, b_hi = 0.0;
  std::string note;  ///< How the two sides were matched, caveats.

  [[nodiscard]] bool both() const noexcept { return a.has_value() && b.has_value(); }
  [[nodiscard]] bool has_spread() const noexcept { return (a && (a_lo != *a || a_hi != *a)) || (b && (b_lo != *b || b_hi != *b)); }
};

/// b / a; nothing when either side is missing or a is 0.
[[nodiscard]] std::optional<double> ratio(const metric_delta& m) noexcept;
/// b / a - 1 (0.05 = B is 5 % higher); nothing when `ratio` is nothing.
[[nodiscard]] std::optional<double> relative_change(const metric_delta& m) noexcept;
/// True when both sides are present and equal to 1 part in 10^9: sums of the same durations taken
/// in another order differ in their last bits, which is rounding, not change.
[[nodiscard]] bool same_value(const metric_delta& m) noexcept;
/// True when both sides are present, differ (not `same_value`), and their spreads [lo, hi] overlap: the difference
/// is within the noise of the measurements.
[[nodiscard]] bool within_noise(const metric_delta& m) noexcept;

/// Sets a side's value with no spread (lo = hi = value).
void set_a(metric_delta& m, double value) noexcept;
void set_b(metric_delta& m, double value) noexcept;
/// Sets a side's value and spread; lo and hi are widened to include the value.
void set_a(metric_delta& m, double value, double lo, double hi) noexcept;
void set_b(metric_delta& m, double value, double lo, double hi) noexcept;

}  // namespace rafter

#pragma once

#include <optional>
#include <string>

namespace rafter {

/// A sum over projected items (one kernel class, all copies, the whole trace): measured on A,
/// projected on B with its range, and, when a trace recorded on B was given, measured on B and the
/// projection's relative error. Times in s.
struct projected_total {
  std::string name;  ///< "gemm", ..., "copies", "kernel_time", "busy_time", "span_time".
  double time_a_s = 0.0;
  double time_b_s = 0.0;
  double low_s = 0.0;
  double high_s = 0.0;
  std::optional<double> measured_b_s;  ///< From a trace recorded on B.

  /// (projected - measured) / measured; nothing without a measurement or when it is 0.
  [[nodiscard]] std::optional<double> error() const noexcept {
    if (!measured_b_s || *measured_b_s == 0.0) return std::nullopt;
    return (time_b_s - *measured_b_s) / *measured_b_s;
  }
  /// True when the measurement lies inside [low_s, high_s].
  [[nodiscard]] bool measured_in_range() const noexcept {
    return measured_b_s && *measured_b_s >= low_s && *measured_b_s <= high_s;
  }
};

}  // namespace rafter

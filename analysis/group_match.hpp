#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rafter {

/// Kernel groups of two analyses that do the same work, matched (docs/metrics.md, "Comparisons"):
/// first by normalized name and launch shape, then by normalized name, then by class and the
/// framework operator or kernel family where library kernel names differ across GPUs. Times in s.
struct group_match {
  /// How the two sides were matched: "name+shape", "name", "class+family"; "only_a" / "only_b"
  /// for kernels found on one side only.
  std::string match;
  std::string key;   ///< The matching key (normalized name, or class and family).
  std::string cls;   ///< Kernel class (of A, else B).
  std::string name_a;  ///< Display name of A's largest group; empty when only in B.
  std::string name_b;
  std::vector<std::int64_t> groups_a;  ///< Group ids in A's analysis.
  std::vector<std::int64_t> groups_b;
  std::int64_t count_a = 0;  ///< Launches.
  std::int64_t count_b = 0;
  double time_a_s = 0.0;  ///< Total kernel time.
  double time_b_s = 0.0;
  /// Roofline position of each side (of its largest placed group): arithmetic intensity at the
  /// binding or main memory level (FLOP/byte), achieved FLOP/s, limiter and binding roof.
  std::optional<double> ai_a, ai_b;
  std::optional<double> flop_per_s_a, flop_per_s_b;
  std::string limiter_a, limiter_b;
  std::string binding_a, binding_b;
};

}  // namespace rafter

#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace rafter {

struct machine_profile;

/// The roofline as a small value algebra. Arithmetic intensity (AI) is FLOP per byte moved at one
/// memory level; performance is FLOP/s. For one compute ceiling P and one bandwidth ceiling B:
///   attainable(AI) = min(P, AI * B),  ridge = P / B.
/// Properties (tested): attainable <= P and <= AI * B; monotone non-decreasing in AI; equal to P
/// at and beyond the ridge.

/// A horizontal roof.
struct compute_roof {
  std::string id;  ///< Compute ceiling id, "fp64.vector.fma".
  double flop_per_s = 0.0;
};

/// A slanted roof.
struct memory_roof {
  std::string level;  ///< "l1", "dram", ...
  double bytes_per_s = 0.0;
};

/// min(peak, ai * bandwidth). Requires peak > 0, bandwidth > 0, ai >= 0.
[[nodiscard]] double attainable_flop_per_s(double ai, double peak_flop_per_s, double bytes_per_s) noexcept;

/// peak / bandwidth: the AI (FLOP/byte) where a kernel stops being bandwidth-bound.
[[nodiscard]] double ridge_point(double peak_flop_per_s, double bytes_per_s) noexcept;

/// One memory level as a kernel sees it: the kernel's AI at that level (FLOP per byte moved there)
/// and the level's bandwidth ceiling (B/s).
struct level_intensity {
  double ai = 0.0;
  double bytes_per_s = 0.0;
};

/// The hierarchical roofline bound of one kernel: the lowest roof over the compute ceiling and
/// every memory level, and which one it is.
struct hierarchical_bound {
  double flop_per_s = 0.0;
  std::optional<std::size_t> binding_level;  ///< Index into the levels; nothing when the compute roof binds.
};

/// min(peak, min_i ai_i * bytes_per_s_i). `peak` absent: only the memory roofs bound. Nothing when
/// there is neither a peak nor a level. Requires peak > 0, every bytes_per_s > 0 and ai >= 0.
/// Properties (tested): never above any roof; monotone in each ai; equal to `attainable_flop_per_s`
/// with one level.
[[nodiscard]] std::optional<hierarchical_bound> hierarchical_attainable(std::optional<double> peak_flop_per_s,
                                                                       const std::vector<level_intensity>& levels);

/// A set of roofs (one machine).
class roofline {
public:
  roofline(std::vector<compute_roof> compute, std::vector<memory_roof> memory);

  /// All floating-point compute ceilings (integer ones count operations, not FLOP, and have no
  /// place on a FLOP/byte axis) and all memory levels with a bandwidth from `profile`.
  [[nodiscard]] static roofline from_profile(const machine_profile& profile);

  [[nodiscard]] const std::vector<compute_roof>& compute() const noexcept { return m_compute; }
  [[nodiscard]] const std::vector<memory_roof>& memory() const noexcept { return m_memory; }

  /// The highest compute roof, or nothing when there are none.
  [[nodiscard]] std::optional<compute_roof> top_compute() const;
  /// The slowest memory roof (the binding one for a kernel streaming from the farthest level).
  [[nodiscard]] std::optional<memory_roof> slowest_memory() const;

  /// Attainable FLOP/s under compute roof `compute_id` with AI `ai` at memory level `level`.
  /// Nothing when either roof is unknown.
  [[nodiscard]] std::optional<double> attainable(double ai, const std::string& compute_id,
                                                 const std::string& level) const;

private:
  std::vector<compute_roof> m_compute;
  std::vector<memory_roof> m_memory;
};

}  // namespace rafter

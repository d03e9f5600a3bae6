#pragma once

#include <cstddef>
#include <span>

namespace rafter::llm {

/// Agreement of one step's GPU logits with the CPU reference's.
struct logits_comparison {
  double max_abs_error = 0.0;      ///< max_i |gpu_i - ref_i|.
  std::size_t worst_index = 0;     ///< Where it occurs.
  double reference_max_abs = 0.0;  ///< max_i |ref_i|, the scale errors are judged against.
  double relative_l2 = 0.0;        ///< ||gpu - ref||_2 / ||ref||_2.
  bool finite = true;              ///< Every GPU value is finite.
};

/// Tolerances of the numerics check. BF16 activations differ between two correct
/// implementations by rounding flips (one BF16 unit, 2^-8 relative, on single elements) after
/// different FP32 accumulation orders; errors of the implementation (a wrong mask, rotation, or
/// index) move logits by a large fraction of their scale.
struct logits_tolerance {
  double max_abs_fraction = 0.03;  ///< max_abs_error <= this * reference_max_abs.
  double relative_l2 = 0.02;       ///< relative_l2 <= this.
};

/// The deepest model the tolerances hold for. Rounding flips add up over layers (about as
/// sqrt(layers): an emulated 32-layer model of head dimension 128 reached 2 % relative L2 with a
/// correct implementation, 8 layers 1 %), while a wrong mask moves a 2-layer model's logits by
/// 6.5 % or more: a depth-scaled tolerance would let such bugs through, a depth limit does not.
inline constexpr int max_checked_layers = 8;

[[nodiscard]] logits_comparison compare_logits(std::span<const float> gpu, std::span<const float> reference);
[[nodiscard]] bool within(const logits_comparison& c, const logits_tolerance& t);

/// The GPU's greedy token is an acceptable argmax of the reference row: its reference logit is
/// within `tolerance_abs` of the reference maximum (near-ties may legitimately pick another token).
[[nodiscard]] bool acceptable_argmax(int gpu_token, std::span<const float> reference_row, double tolerance_abs);

}  // namespace rafter::llm

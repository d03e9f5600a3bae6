#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rafter {

/// The recorded inputs of a framework op (Kineto's `Input Dims`, `Input type`, `Concrete
/// Inputs`), one entry per input in call order. A value type; a trace keeps each distinct one
/// once (`interned_op_inputs`).
struct op_inputs {
  /// Shape of each input, in elements per dimension ([] for scalars and for tensor lists).
  std::vector<std::vector<std::int64_t>> dims;
  /// Element type of each input as recorded ("c10::BFloat16", "float", "Scalar", "" when unknown).
  std::vector<std::string> types;
  /// Scalar arguments as recorded text, one per input ("" for tensors): `is_causal`, strides,
  /// reduction dims.
  std::vector<std::string> concrete;
  /// Shapes of the tensors of each tensor-list input (`TensorList`: aten::cat's first argument),
  /// aligned with `dims`: [] for inputs that are not lists. Empty when no input is a recorded list.
  std::vector<std::vector<std::vector<std::int64_t>>> list_dims;

  [[nodiscard]] bool empty() const noexcept { return dims.empty() && types.empty() && concrete.empty() && list_dims.empty(); }
  [[nodiscard]] bool operator==(const op_inputs&) const = default;
};

}  // namespace rafter

#pragma once

#include <optional>
#include <string>
#include <utility>

#include "analysis/comparison_side.hpp"

namespace rafter {

/// The compute ceilings two machines' ridge points are taken at, by id (A's, B's): of the
/// floating-point precisions and kinds of unit (matrix counts as tensor) both sides have, the one
/// whose best ceilings have the highest geometric mean sqrt(F_A * F_B) (symmetric in A and B).
/// Integer precisions are left out: their operations are not FLOP. nullopt when the sides share
/// no floating-point precision and kind of unit. Ceilings of zero or less are ignored.
[[nodiscard]] std::optional<std::pair<std::string, std::string>> ridge_ceilings(const comparison_side& a,
                                                                                 const comparison_side& b);

/// "tensor" for "matrix", else `unit`: the kind of unit a ceiling is compared by.
[[nodiscard]] std::string unit_family(const std::string& unit);

/// True for a floating-point precision (fp64 ... fp4, tf32, bf16).
[[nodiscard]] bool floating_point_precision(const std::string& precision);

}  // namespace rafter

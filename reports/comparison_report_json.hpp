#pragma once

#include "core/json.hpp"

namespace rafter {

struct comparison;

/// The `rafter.comparison/1` document (docs/schemas.md): both sides with their roofs, every
/// metric with its values, spreads, ratio and verdict, matched kernel groups (analyses), every
/// rule's outcome and the overall result. Absent or non-finite numbers are written as null.
/// Deterministic.
[[nodiscard]] json comparison_to_json(const comparison& c);

}  // namespace rafter

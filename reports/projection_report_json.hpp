#pragma once

#include "core/json.hpp"

namespace rafter {

struct projection;

/// The `rafter.projection/1` document (docs/schemas.md): inputs, assumptions, warnings, totals per
/// class and end to end (with the measurement on B and the error when one was given), and every
/// projected kernel group and copy kind. Absent or non-finite numbers are written as null.
[[nodiscard]] json projection_to_json(const projection& p);

}  // namespace rafter

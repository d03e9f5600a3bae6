#pragma once

#include <cstddef>
#include <string>

namespace rafter {

struct projection;

/// A Markdown summary of a projection: end to end and per class (A measured, B projected with its
/// range, B measured and the error when a measurement was given), the assumptions, warnings, and
/// the top `rows` kernel groups by time on A. Names in code spans with `|` escaped. Deterministic.
[[nodiscard]] std::string render_projection_markdown(const projection& p, std::size_t rows = 15);

}  // namespace rafter

#pragma once

#include <string>

namespace rafter {

struct projection;

/// One self-contained HTML5 page of a projection: inputs, end-to-end and per-class times (with
/// the range, and the measurement on B and the error when given), a bar chart of per-class time on
/// A and projected on B, assumptions, warnings and every projected item. No scripts, no external
/// resources; every piece of text is escaped. Deterministic.
[[nodiscard]] std::string render_projection_html(const projection& p);

}  // namespace rafter

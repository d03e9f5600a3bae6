#pragma once

#include <string>

namespace rafter {

struct comparison;

/// One self-contained HTML5 page of a comparison: both documents, the overall result and every
/// rule's outcome, one roofline chart with both machines' roofs overlaid (A solid, B dashed, each
/// in its own colour, ridge points of each side's main memory marked), then one table per
/// section and, for analyses, the matched kernel groups and those found on one side only.
///
/// Contract: no scripts, no external resources; every piece of document text (device names,
/// files, kernel names, rules, notes) is escaped. Deterministic.
[[nodiscard]] std::string render_comparison_html(const comparison& c);

}  // namespace rafter

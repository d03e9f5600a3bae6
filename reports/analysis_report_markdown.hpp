#pragma once

#include <cstddef>
#include <string>

namespace rafter {

struct analysis_document;

/// A Markdown summary of a `rafter.analysis/1` document that reads well as plain text in a CI log
/// and renders as tables in a pull-request comment: headline totals, devices, time by class, the
/// top opportunities with their limiter rules, the top `rows` kernel groups, ranges, copies and
/// warnings. Kernel names are shown in code spans, shortened to 100 characters, with `|` escaped,
/// so no name can break a table or inject markup. Deterministic.
[[nodiscard]] std::string render_analysis_markdown(const analysis_document& analysis, std::size_t rows = 15);

}  // namespace rafter

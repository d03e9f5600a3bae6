#pragma once

#include <cstddef>
#include <string>

namespace rafter {

struct comparison;

/// A Markdown report of a comparison for CI logs and pull-request comments: the overall result and
/// every rule's outcome first, then one table per section (values of A and B, B/A, verdict with
/// "within noise" where the spreads overlap, notes) and, for analyses, the top `rows` matched
/// kernel groups and those found on one side only. Names go in code spans with `|` escaped;
/// `<` and `>` in prose become entities. Deterministic.
[[nodiscard]] std::string render_comparison_markdown(const comparison& c, std::size_t rows = 20);

}  // namespace rafter

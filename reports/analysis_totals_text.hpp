#pragma once

#include <string>

#include "analysis/analysis_totals.hpp"

namespace rafter {

/// The headline's note on extrapolated time, shared by the Markdown and HTML reports:
/// "; 30.1% of kernel time is launches with no work of their own, placed at their group's rate",
/// empty when no launch was extrapolated.
[[nodiscard]] std::string extrapolated_text(const analysis_totals& t);

}  // namespace rafter

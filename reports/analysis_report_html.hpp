#pragma once

#include <cstddef>
#include <string>

namespace rafter {

struct analysis_document;

/// Limits that keep an analysis page small however large the trace: kernels are already grouped;
/// the chart and the tables show the groups with the most time and say how many they leave out.
struct analysis_html_limits {
  std::size_t max_points = 1500;  ///< Roofline points (groups), most time first.
  std::size_t max_rows = 400;     ///< Rows of the kernel-group table.
  std::size_t max_name_chars = 160;  ///< Kernel names longer than this are shortened ("...").
};

/// One self-contained HTML5 page for a `rafter.analysis/1` document: headline totals, warnings,
/// the hierarchical roofline (one point per kernel group, area proportional to its time, colour by
/// class, hover for name, launch shape, AI per level, achieved, attainable and limiter; ceilings
/// labelled with their source), the time breakdown by class, a timeline strip per device, and
/// sortable tables (opportunities, kernel groups, ranges, copies, devices, ceilings, rules).
///
/// Contract: no external resources and no network; every string from the analysis is escaped
/// (kernel names contain <, > and &); one small inline script sorts tables and the page reads
/// fully without it. Deterministic: same analysis, same bytes.
[[nodiscard]] std::string render_analysis_html(const analysis_document& analysis, const analysis_html_limits& limits = {});

}  // namespace rafter

#include "reports/projection_report_markdown.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "analysis/projection.hpp"
#include "core/units.hpp"
#include "reports/markdown_text.hpp"
#include "reports/comparison_format.hpp"

namespace rafter {

namespace {

std::string total_row(const projected_total& t, bool measured) {
  std::string row = fmt::format("| {} | {} | {} | {} – {} |", t.name, format_seconds(t.time_a_s), format_seconds(t.time_b_s),
                                format_seconds(t.low_s), format_seconds(t.high_s));
  if (measured) {
    row += fmt::format(" {} | {} | {} |", t.measured_b_s ? format_seconds(*t.measured_b_s) : "-",
                       t.error() ? format_change(*t.error()) : "-",
                       t.measured_b_s ? (t.measured_in_range() ? "yes" : "no") : "-");
  }
  return row + "\n";
}

}  // namespace

std::string render_projection_markdown(const projection& p, std::size_t rows) {
  const bool measured = !p.measured_file.empty();
  std::string out = "# rafter project\n\n";
  out += fmt::format("- **Trace**: {} (recorded on A)\n- **A**: {} ({})\n- **B**: {} ({})\n", markdown_code(p.trace_file),
                     markdown_text(p.from_name), markdown_code(p.from_file), markdown_text(p.to_name), markdown_code(p.to_file));
  if (measured) out += fmt::format("- **Measured on B**: {}\n", markdown_code(p.measured_file));
  out += "\n## Projected time\n\n";
  std::string head = "| | A measured | B projected | B range |";
  std::string rule = "|---|---:|---:|---|";
  if (measured) {
    head += " B measured | error | in range |";
    rule += "---:|---:|---|";
  }
  out += head + "\n" + rule + "\n";
  out += total_row(p.span_time, measured);
  out += total_row(p.busy_time, measured);
  out += total_row(p.kernel_time, measured);
  for (const auto& t : p.classes) out += total_row(t, measured);
  out += fmt::format("\nIdle time kept as measured: {}.\n\n## Assumptions\n\n", format_seconds(p.idle_s));
  for (const auto& a : p.assumptions) out += "- " + markdown_text(a) + "\n";
  if (!p.warnings.empty()) {
    out += "\n## Warnings\n\n";
    for (const auto& w : p.warnings) out += "- " + markdown_text(w) + "\n";
  }
  std::vector<const projected_item*> items;
  for (const auto& i : p.items) items.push_back(&i);
  std::stable_sort(items.begin(), items.end(), [](const auto* x, const auto* y) { return x->time_a_s > y->time_a_s; });
  out += fmt::format("\n## Top {} items by time on A\n\n| Kernel or copy | Class | Method | A | B | B range | Figures |\n"
                     "|---|---|---|---:|---:|---|---|\n",
                     std::min(rows, items.size()));
  for (std::size_t i = 0; i < items.size() && i < rows; ++i) {
    const auto& it = *items[i];
    out += fmt::format("| {} | {} | {} | {} | {} | {} – {} | {} |\n", markdown_code(it.name), it.cls, it.method,
                       format_seconds(it.time_a_s), format_seconds(it.time_b_s), format_seconds(it.low_s),
                       format_seconds(it.high_s), markdown_text(it.detail));
  }
  return out + "\n" + k_units_sentence + "\n";
}

}  // namespace rafter

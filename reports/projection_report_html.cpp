#include "reports/projection_report_html.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "analysis/projection.hpp"
#include "core/units.hpp"
#include "core/version.hpp"
#include "reports/comparison_format.hpp"
#include "reports/html_escape.hpp"
#include "reports/svg_chart.hpp"

namespace rafter {

namespace {

std::string esc(std::string_view text) { return html_escape(text); }

constexpr const char* k_style = R"css(
:root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1260px; margin: 0 auto; padding: 24px 24px 48px; }
header, section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 18px 22px; margin: 0 0 18px; }
h1 { font-size: 24px; margin: 0 0 8px; overflow-wrap: anywhere; }
h2 { font-size: 18px; margin: 0 0 10px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.lede { margin: 0 0 10px; color: #374151; max-width: 860px; }
svg.chart { width: 100%; max-width: 900px; height: auto; display: block; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
td code { overflow-wrap: anywhere; }
.detail { color: #374151; font-size: 12px; }
footer { color: var(--muted); font-size: 12px; text-align: center; }
)css";

std::string totals_table(const projection& p) {
  const bool measured = !p.measured_file.empty();
  std::string out = R"(<div class="table-wrap"><table><thead><tr><th></th><th class="num">A measured</th>)"
                    R"(<th class="num">B projected</th><th class="num">B range</th>)";
  if (measured) out += R"(<th class="num">B measured</th><th class="num">Error</th><th>In range</th>)";
  out += "</tr></thead><tbody>";
  std::vector<const projected_total*> rows{&p.span_time, &p.busy_time, &p.kernel_time};
  for (const auto& t : p.classes) rows.push_back(&t);
  for (const auto* t : rows) {
    out += "<tr><td>" + esc(t->name) + "</td><td class=\"num\">" + esc(format_seconds(t->time_a_s)) +
           "</td><td class=\"num\">" + esc(format_seconds(t->time_b_s)) + "</td><td class=\"num\">" +
           esc(format_seconds(t->low_s) + " – " + format_seconds(t->high_s)) + "</td>";
    if (measured) {
      out += "<td class=\"num\">" + esc(t->measured_b_s ? format_seconds(*t->measured_b_s) : "-") +
             "</td><td class=\"num\">" + esc(t->error() ? format_change(*t->error()) : "-") + "</td><td>" +
             (t->measured_b_s ? (t->measured_in_range() ? "yes" : "no") : "-") + "</td>";
    }
    out += "</tr>";
  }
  return out + "</tbody></table></div>";
}

std::string class_chart(const projection& p) {
  std::vector<const projected_total*> rows;
  for (const auto& t : p.classes) rows.push_back(&t);
  if (rows.empty()) return {};
  double lo = INFINITY;
  double hi = 0.0;
  for (const auto* t : rows) {
    for (const double v : {t->time_a_s, t->low_s, t->high_s, t->measured_b_s.value_or(0.0)}) {
      if (v > 0.0) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
  }
  if (!(hi > 0.0)) return {};
  const auto [y_min, y_max] = nice_log_range(lo / 2.0, hi * 2.0);
  svg_chart chart("projection-classes", 760, 380);
  chart.set_title("Time per kernel class: measured on A, projected on B with its range, measured on B");
  chart.set_x_axis({"Kernel class", axis_scale::linear, tick_style::plain, "", 0.0, static_cast<double>(rows.size()) + 1.0});
  chart.set_y_axis({"Time (s)", axis_scale::log, tick_style::decimal_si, "s", y_min, y_max});
  chart.set_legend_position(legend_position::below);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& t = *rows[i];
    const double x = static_cast<double>(i) + 1.0;
    if (t.time_a_s > 0.0) chart.add_marker({x - 0.15, t.time_a_s}, "#2563eb", t.name + " on A: " + format_seconds(t.time_a_s), 4.0);
    if (t.time_b_s > 0.0) {
      chart.add_whisker(x, std::max(t.low_s, y_min), t.high_s, "#ea580c");
      chart.add_marker({x, t.time_b_s}, "#ea580c",
                       t.name + " projected on B: " + format_seconds(t.time_b_s) + " (" + format_seconds(t.low_s) + " – " +
                           format_seconds(t.high_s) + ")",
                       4.0);
    }
    if (t.measured_b_s && *t.measured_b_s > 0.0) {
      chart.add_marker({x + 0.15, *t.measured_b_s}, "#16a34a", t.name + " measured on B: " + format_seconds(*t.measured_b_s), 4.0);
    }
    chart.add_label({x, y_min}, t.name, "#374151", text_anchor::middle, 0.0, -6.0, nudge::none);
  }
  chart.add_legend_entry("measured on A (" + p.from_name + ")", "#2563eb");
  chart.add_legend_entry("projected on B (" + p.to_name + "), whisker: range", "#ea580c");
  if (!p.measured_file.empty()) chart.add_legend_entry("measured on B", "#16a34a");
  return "<figure>" + chart.render() + "</figure>";
}

}  // namespace

std::string render_projection_html(const projection& p) {
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<title>" + esc(p.from_name) + " &#8594; " + esc(p.to_name) + " &#8212; rafter projection</title>\n";
  html += "<style>" + std::string(k_style) + "</style>\n</head>\n<body>\n<main>\n";
  html += "<header><h1>" + esc(p.from_name) + " &#8594; " + esc(p.to_name) + "</h1><dl class=\"facts\">";
  html += "<dt>Trace</dt><dd><code>" + esc(p.trace_file) + "</code> (recorded on A)</dd>";
  html += "<dt>A</dt><dd>" + esc(p.from_name) + " &#8212; <code>" + esc(p.from_file) + "</code></dd>";
  html += "<dt>B</dt><dd>" + esc(p.to_name) + " &#8212; <code>" + esc(p.to_file) + "</code></dd>";
  if (!p.measured_file.empty()) html += "<dt>Measured on B</dt><dd><code>" + esc(p.measured_file) + "</code></dd>";
  html += "</dl></header>\n";
  html += R"(<section id="totals"><h2>Projected time</h2><p class="lede">End to end, busy, kernel time and time )"
          R"(per class. Idle time and launch gaps are kept as measured on A ()" +
          esc(format_seconds(p.idle_s)) + ").</p>" + class_chart(p) + totals_table(p) + "</section>\n";
  html += R"(<section id="assumptions"><h2>Assumptions</h2><ul>)";
  for (const auto& a : p.assumptions) html += "<li>" + esc(a) + "</li>";
  html += "</ul>";
  if (!p.warnings.empty()) {
    html += "<h2>Warnings</h2><ul>";
    for (const auto& w : p.warnings) html += "<li>" + esc(w) + "</li>";
    html += "</ul>";
  }
  html += "</section>\n";
  std::vector<const projected_item*> items;
  for (const auto& i : p.items) items.push_back(&i);
  std::stable_sort(items.begin(), items.end(), [](const auto* x, const auto* y) { return x->time_a_s > y->time_a_s; });
  html += R"(<section id="items"><h2>Kernel groups and copies</h2><div class="table-wrap"><table><thead><tr>)"
          R"(<th>Kernel or copy</th><th>Class</th><th>Method</th><th class="num">Count</th><th class="num">A</th>)"
          R"(<th class="num">B</th><th class="num">B range</th><th>Figures</th></tr></thead><tbody>)";
  std::size_t shown = 0;
  for (const auto* i : items) {
    if (++shown > 300) break;
    html += "<tr><td><code>" + esc(i->name) + "</code></td><td>" + esc(i->cls) + "</td><td>" + esc(i->method) +
            "</td><td class=\"num\">" + std::to_string(i->count) + "</td><td class=\"num\">" +
            esc(format_seconds(i->time_a_s)) + "</td><td class=\"num\">" + esc(format_seconds(i->time_b_s)) +
            "</td><td class=\"num\">" + esc(format_seconds(i->low_s) + " – " + format_seconds(i->high_s)) +
            "</td><td class=\"detail\">" + esc(i->detail) + "</td></tr>";
  }
  html += "</tbody></table></div>";
  if (items.size() > 300) html += "<p>" + std::to_string(items.size() - 300) + " more in the JSON output.</p>";
  html += "</section>\n<footer>" + esc(k_units_sentence) + " Rendered by rafter " + esc(version_string) +
          " from a rafter.projection/1. Self-contained: no scripts, no external resources.</footer>\n</main>\n</body>\n</html>\n";
  return html;
}

}  // namespace rafter

#include "reports/comparison_report_html.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "analysis/comparison.hpp"
#include "analysis/ridge_ceilings.hpp"
#include "analysis/roofline.hpp"
#include "core/units.hpp"
#include "core/version.hpp"
#include "reports/comparison_format.hpp"
#include "reports/html_escape.hpp"
#include "reports/svg_chart.hpp"

namespace rafter {

namespace {

std::string esc(std::string_view text) { return html_escape(text); }

constexpr const char* k_color_a = "#2563eb";
constexpr const char* k_color_b = "#ea580c";

constexpr const char* k_style = R"css(
:root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1260px; margin: 0 auto; padding: 24px 24px 48px; }
header, section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 18px 22px; margin: 0 0 18px; }
h1 { font-size: 24px; margin: 0 0 8px; overflow-wrap: anywhere; }
h2 { font-size: 18px; margin: 0 0 10px; }
.side-a { color: #2563eb; font-weight: 600; }
.side-b { color: #ea580c; font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.result { font-size: 16px; font-weight: 700; margin: 12px 0 0; }
.result.fail { color: #b91c1c; }
.result.pass { color: #15803d; }
.lede { margin: 0 0 10px; color: #374151; max-width: 860px; }
.empty { color: var(--muted); font-style: italic; }
svg.chart { width: 100%; max-width: 900px; height: auto; display: block; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
td code { overflow-wrap: anywhere; }
.status-fail { color: #b91c1c; font-weight: 700; }
.status-pass { color: #15803d; }
.verdict-noise { color: #a16207; }
.spread { color: var(--muted); font-size: 11px; display: block; }
.note { color: #374151; font-size: 12px; }
footer { color: var(--muted); font-size: 12px; text-align: center; }
)css";

std::string status_cell(rule_status s) {
  switch (s) {
    case rule_status::fail: return R"(<td class="status-fail">FAIL</td>)";
    case rule_status::pass: return R"(<td class="status-pass">pass</td>)";
    case rule_status::inconclusive: return R"(<td class="status-fail">INCONCLUSIVE (too noisy to decide)</td>)";
  }
  return "<td></td>";
}

std::string header(const comparison& c) {
  std::string out = "<header><h1>" + esc(c.a.name) + " <span class=\"empty\">vs</span> " + esc(c.b.name) + "</h1>";
  out += "<dl class=\"facts\">";
  out += "<dt class=\"side-a\">A</dt><dd>" + esc(c.a.name) + " &#8212; <code>" + esc(c.a.file) + "</code> (" +
         esc(c.a.schema) + ")" + (c.a.obtained.empty() ? "" : "; " + esc(c.a.obtained)) + "</dd>";
  out += "<dt class=\"side-b\">B</dt><dd>" + esc(c.b.name) + " &#8212; <code>" + esc(c.b.file) + "</code> (" +
         esc(c.b.schema) + ")" + (c.b.obtained.empty() ? "" : "; " + esc(c.b.obtained)) + "</dd>";
  out += "</dl>";
  for (const auto& w : c.warnings) out += R"(<p class="result fail">Warning: )" + esc(w) + "</p>";
  if (c.rules.empty()) {
    out += R"(<p class="result">No --fail-on rules were given.</p>)";
  } else if (c.any_rule_failed()) {
    out += R"(<p class="result fail">Result: FAIL</p>)";
  } else {
    out += R"(<p class="result pass">Result: pass</p>)";
  }
  return out + "</header>";
}

std::string rules_section(const comparison& c) {
  std::string out = R"(<section id="rules"><h2>Rules</h2>)";
  if (c.rules.empty()) return out + R"(<p class="empty">No --fail-on rules were given.</p></section>)";
  out += R"(<p class="lede">A rule fails when B moved past the limit even comparing the favourable ends of both )"
         R"(spreads. When only the values pass the limit, the spreads overlap and the outcome is inconclusive: too )"
         R"(noisy to decide, and it fails the gate too (re-measure with less noise).</p>)";
  out += R"(<div class="table-wrap"><table><thead><tr><th>Rule</th><th>Metric</th><th class="num">A</th>)"
         R"(<th class="num">B</th><th class="num">Change</th><th class="num">Limit</th><th>Outcome</th></tr></thead><tbody>)";
  for (const auto& r : c.rules) {
    out += "<tr><td><code>" + esc(r.rule) + "</code></td><td><code>" + esc(r.metric) + "</code></td><td class=\"num\">" +
           esc(format_metric_value(r.a, r.unit)) + "</td><td class=\"num\">" + esc(format_metric_value(r.b, r.unit)) +
           "</td><td class=\"num\">" + esc(format_change(r.change)) + "</td><td class=\"num\">" +
           esc(format_change(r.threshold)) + "</td>" + status_cell(r.status) + "</tr>";
  }
  return out + "</tbody></table></div></section>";
}

struct roof_set {
  std::vector<ceiling_entry> compute;  ///< Highest first.
  std::vector<ceiling_entry> memory;   ///< Fastest first.
};

roof_set sorted_roofs(const comparison_side& s) {
  roof_set r;
  for (const auto& c : s.compute) {
    if (c.per_s > 0.0 && !is_integer_precision(c.precision)) r.compute.push_back(c);  // OP/s: no FLOP/s roof
  }
  for (const auto& m : s.memory) {
    if (m.per_s > 0.0) r.memory.push_back(m);
  }
  std::stable_sort(r.compute.begin(), r.compute.end(), [](const auto& x, const auto& y) { return x.per_s > y.per_s; });
  std::stable_sort(r.memory.begin(), r.memory.end(), [](const auto& x, const auto& y) { return x.per_s > y.per_s; });
  return r;
}

/// `ridge_id`: the compute ceiling the ridge dots are taken at (`ridge_ceilings`); the top roof when
/// empty or absent.
void draw_side(svg_chart& chart, const roof_set& r, const std::string& ridge_id, const std::string& tag,
               const char* color, line_dash dash, double x_min, double x_max, double y_min, bool labels_right) {
  // Compute roofs within 5 % of each other share one label.
  for (std::size_t first = 0; first < r.compute.size();) {
    std::size_t last = first;
    while (last + 1 < r.compute.size() && r.compute[last + 1].per_s * 1.05 >= r.compute[first].per_s) ++last;
    std::string ids;
    for (std::size_t k = first; k <= last; ++k) {
      const auto& roof = r.compute[k];
      ids += (ids.empty() ? "" : ", ") + roof.id;
      const double start = r.memory.empty() ? x_min : std::max(x_min, roof.per_s / r.memory.front().per_s);
      chart.add_line({{start, roof.per_s}, {x_max, roof.per_s}}, color, first == 0 ? 2.4 : 1.4, dash,
                     tag + " " + roof.id + ": " + format_flops(roof.per_s) + ", " + to_string(roof.source),
                     first == 0 ? 1.0 : 0.75);
    }
    const std::string text = tag + " · " + ids + " · " + format_flops(r.compute[first].per_s);
    if (labels_right) {
      chart.add_label({x_max, r.compute[first].per_s}, text, color, text_anchor::end, -6.0, -5.0, nudge::vertical, 0.0,
                      first == 0);
    } else {
      chart.add_label({x_min, r.compute[first].per_s}, text, color, text_anchor::start, 6.0, -5.0, nudge::vertical, 0.0,
                      first == 0);
    }
    first = last + 1;
  }
  const ceiling_entry* at = r.compute.empty() ? nullptr : &r.compute.front();
  for (const auto& c : r.compute) {
    if (c.id == ridge_id) at = &c;
  }
  for (const auto& roof : r.memory) {
    const double end = r.compute.empty() ? x_max : ridge_point(r.compute.front().per_s, roof.per_s);
    const std::string text = tag + " " + roof.id + (roof.note.empty() ? "" : " " + roof.note) + " · " +
                             format_bandwidth(roof.per_s);
    chart.add_line({{x_min, x_min * roof.per_s}, {end, end * roof.per_s}}, color, 2.0, dash, text);
    chart.add_legend_entry(text, color, dash);
    if (!at) continue;
    const double ridge = ridge_point(at->per_s, roof.per_s);
    chart.add_line({{ridge, y_min}, {ridge, at->per_s}}, color, 1.0, line_dash::dotted, {}, 0.7);
    chart.add_marker({ridge, at->per_s}, color,
                     tag + " ridge of " + roof.id + ": " + fmt::format("{:.3g}", ridge) + " FLOP/byte = " +
                         format_flops(at->per_s) + " (" + at->id + ") / " + format_bandwidth(roof.per_s),
                     4.0);
  }
}

std::string roofline_section(const comparison& c) {
  std::string out = R"(<section id="roofline"><h2>Rooflines overlaid</h2>)";
  const roof_set a = sorted_roofs(c.a);
  const roof_set b = sorted_roofs(c.b);
  if ((a.compute.empty() && a.memory.empty()) || (b.compute.empty() && b.memory.empty())) {
    return out + R"(<p class="empty">One side has no compute ceiling and no memory bandwidth, so there is no roofline )"
                 R"(to overlay.</p></section>)";
  }
  // x: every ridge with about 1.5 decades of margin; y: from the lowest roof to above the top one.
  double ai_lo = INFINITY;
  double ai_hi = 0.0;
  double y_high = 0.0;
  double y_low = INFINITY;
  for (const roof_set* r : {&a, &b}) {
    if (!r->compute.empty()) {
      y_high = std::max(y_high, r->compute.front().per_s);
      y_low = std::min(y_low, r->compute.back().per_s / 3.0);
    }
    if (!r->compute.empty() && !r->memory.empty()) {
      ai_lo = std::min(ai_lo, ridge_point(r->compute.front().per_s, r->memory.front().per_s) / 30.0);
      ai_hi = std::max(ai_hi, ridge_point(r->compute.front().per_s, r->memory.back().per_s) * 30.0);
    }
  }
  if (!(ai_hi > 0.0)) {
    ai_lo = 0.01;
    ai_hi = 100.0;
  }
  double x_min = std::pow(10.0, std::floor(std::log10(ai_lo)));
  double x_max = std::pow(10.0, std::ceil(std::log10(ai_hi)));
  while (std::log10(x_max / x_min) < 3.5) {
    x_min /= 10.0;
    if (std::log10(x_max / x_min) < 3.5) x_max *= 10.0;
  }
  for (const roof_set* r : {&a, &b}) {
    if (!r->memory.empty()) {
      y_low = std::min(y_low, r->memory.back().per_s * x_min);
      if (y_high == 0.0) y_high = r->memory.front().per_s * x_max;
    }
  }
  const double y_min = std::pow(10.0, std::floor(std::log10(y_low)));
  double y_max = nice_log_range(y_high * 2.0, y_high * 2.0).second;
  if (y_max / y_min < 100.0) y_max = y_min * 100.0;

  svg_chart chart("comparison-roofline");
  chart.set_title("Rooflines of " + c.a.name + " (A, solid) and " + c.b.name + " (B, dashed)");
  chart.set_x_axis({"Arithmetic intensity (FLOP/byte)", axis_scale::log, tick_style::plain, "", x_min, x_max});
  chart.set_y_axis({"Attainable performance (FLOP/s)", axis_scale::log, tick_style::decimal_si, "FLOP/s", y_min, y_max});
  chart.set_legend_position(legend_position::below);
  const auto ridge_ids = ridge_ceilings(c.a, c.b);
  draw_side(chart, a, ridge_ids ? ridge_ids->first : "", "A", k_color_a, line_dash::solid, x_min, x_max, y_min, true);
  draw_side(chart, b, ridge_ids ? ridge_ids->second : "", "B", k_color_b, line_dash::dashed, x_min, x_max, y_min, false);
  out += R"(<p class="lede">Attainable performance = min(compute roof, arithmetic intensity × bandwidth) for each )"
         R"(machine: <span class="side-a">A</span> solid, <span class="side-b">B</span> dashed. Dots mark each )"
         R"(memory level's ridge point against )";
  out += ridge_ids ? esc("the compute roof both machines have at the fastest floating-point precision and kind of "
                         "unit (A: " + ridge_ids->first + ", B: " + ridge_ids->second + "), as the ridge rows do")
                   : std::string("that machine's top compute roof (the two share no floating-point precision)");
  out += R"(; a kernel of that precision left of its machine's ridge is bandwidth-bound there.</p>)";
  out += "<figure>" + chart.render() + "</figure>";
  return out + "</section>";
}

struct section_title {
  const char* section;
  const char* title;
};
constexpr section_title k_sections[] = {
    {"time", "Time"},
    {"class", "Time by kernel class"},
    {"range", "Time by NVTX range"},
    {"compute", "Compute ceilings"},
    {"memory", "Memory"},
    {"link", "Links"},
    {"ridge", "Ridge points (compute ceiling at the fastest floating-point precision both have / level bandwidth)"},
    {"balance", "LLM balance: FLOP per byte of main memory, per precision"},
};

std::string value_cell(const metric_delta& m, bool side_a) {
  std::string out = "<td class=\"num\">" + esc(format_metric_value(side_a ? m.a : m.b, m.unit));
  if (const auto spread = format_spread(m, side_a); !spread.empty()) {
    out += "<span class=\"spread\">" + esc(spread) + "</span>";
  }
  return out + "</td>";
}

std::string metric_section(const comparison& c, const section_title& s) {
  std::vector<const metric_delta*> rows;
  for (const auto& m : c.metrics) {
    if (m.section == s.section) rows.push_back(&m);
  }
  if (rows.empty()) return {};
  std::string out = "<section id=\"" + esc(s.section) + "\"><h2>" + esc(s.title) + "</h2>";
  out += R"(<div class="table-wrap"><table><thead><tr><th>Metric</th><th class="num">A</th><th class="num">B</th>)"
         R"(<th class="num">B/A</th><th>Verdict</th><th>What</th></tr></thead><tbody>)";
  for (const auto* m : rows) {
    const std::string verdict = change_verdict(*m);
    std::string what;
    if (!m->label_a.empty() || !m->label_b.empty()) {
      what = "A: " + esc(m->label_a.empty() ? "-" : m->label_a) + "<br>B: " + esc(m->label_b.empty() ? "-" : m->label_b);
    }
    if (!m->note.empty()) what += (what.empty() ? "" : "<br>") + std::string("<span class=\"note\">") + esc(m->note) + "</span>";
    out += "<tr><td><code>" + esc(m->name) + "</code></td>" + value_cell(*m, true) + value_cell(*m, false) +
           "<td class=\"num\">" + esc(format_ratio(ratio(*m))) + "</td><td" +
           (verdict == "within noise" ? " class=\"verdict-noise\"" : "") + ">" + esc(verdict) + "</td><td>" + what +
           "</td></tr>";
  }
  return out + "</tbody></table></div></section>";
}

std::string opt_text(const std::optional<double>& v, const char* unit) {
  if (!v) return "-";
  if (std::string(unit) == "FLOP/s") return format_flops(*v);
  return fmt::format("{:.3g}", *v);
}

std::string groups_section(const comparison& c) {
  if (c.groups.empty()) return {};
  std::vector<const group_match*> rows;
  for (const auto& g : c.groups) rows.push_back(&g);
  std::stable_sort(rows.begin(), rows.end(), [](const auto* x, const auto* y) {
    return std::max(x->time_a_s, x->time_b_s) > std::max(y->time_a_s, y->time_b_s);
  });
  std::string out = R"(<section id="groups"><h2>Kernel groups</h2>)";
  out += R"(<p class="lede">Kernels matched by normalized name and launch shape, then by name, then by name with digits )"
         R"(masked, then by class where library kernels differ in name across GPUs. AI is at the binding or main memory )"
         R"(level. A row whose Match says <em>N vs M groups</em> sums N kernel groups of A against M of B: times are )"
         R"(sums; AI (sum FLOP / sum bytes at the level shown), FLOP/s (sum FLOP / sum work time) and the limiter (shown )"
         R"(only when all agree) are over the placed groups, whose share of the side's time is given. It compares the )"
         R"(class as a whole, not one kernel with another.</p>)";
  out += R"(<div class="table-wrap"><table><thead><tr><th>Kernel A</th><th>Kernel B</th><th>Class</th><th>Match</th>)"
         R"(<th class="num">Time A</th><th class="num">Time B</th><th class="num">B/A</th><th class="num">AI A</th>)"
         R"(<th class="num">AI B</th><th class="num">FLOP/s A</th><th class="num">FLOP/s B</th><th>Limiter A</th>)"
         R"(<th>Limiter B</th></tr></thead><tbody>)";
  const auto kernel = [](const std::string& name, std::size_t n) {
    std::string cell = "<code>" + esc(name) + "</code>";
    if (n > 1) cell += " and " + std::to_string(n - 1) + " more";
    return cell;
  };
  std::size_t shown = 0;
  for (const auto* g : rows) {
    if (++shown > 200) break;
    const std::optional<double> r =
        g->time_a_s > 0 && g->time_b_s > 0 ? std::optional<double>(g->time_b_s / g->time_a_s) : std::nullopt;
    const std::string counts = format_group_counts(*g);
    out += "<tr><td>" + kernel(g->name_a, g->groups_a.size()) + "</td><td>" + kernel(g->name_b, g->groups_b.size()) +
           "</td><td>" + esc(g->cls) + "</td><td>" +
           (counts.empty() ? esc(g->match) : "<strong>" + esc(g->match) + ", " + esc(counts) + "</strong>") +
           "</td><td class=\"num\">" + esc(g->match == "only_b" ? "-" : format_seconds(g->time_a_s)) +
           "</td><td class=\"num\">" + esc(g->match == "only_a" ? "-" : format_seconds(g->time_b_s)) +
           "</td><td class=\"num\">" + esc(format_ratio(r)) + "</td><td class=\"num\">" +
           esc(format_group_ai(*g, true)) + "</td><td class=\"num\">" + esc(format_group_ai(*g, false)) +
           "</td><td class=\"num\">" + esc(opt_text(g->flop_per_s_a, "FLOP/s")) + "</td><td class=\"num\">" +
           esc(opt_text(g->flop_per_s_b, "FLOP/s")) + "</td><td>" +
           esc(g->match == "only_b" ? std::string() : format_group_limiter(*g, true)) + "</td><td>" +
           esc(g->match == "only_a" ? std::string() : format_group_limiter(*g, false)) + "</td></tr>";
  }
  out += "</tbody></table></div>";
  if (rows.size() > 200) out += "<p class=\"empty\">" + std::to_string(rows.size() - 200) + " more in the JSON output.</p>";
  return out + "</section>";
}

}  // namespace

std::string render_comparison_html(const comparison& c) {
  std::string html;
  html.reserve(64 * 1024);
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<meta name=\"generator\" content=\"rafter " + esc(version_string) + "\">\n";
  html += "<title>" + esc(c.a.name) + " vs " + esc(c.b.name) + " &#8212; rafter comparison</title>\n";
  html += "<style>" + std::string(k_style) + "</style>\n</head>\n<body>\n<main>\n";
  html += header(c) + "\n" + rules_section(c) + "\n" + roofline_section(c) + "\n";
  for (const auto& s : k_sections) {
    html += metric_section(c, s) + "\n";
    if (std::string(s.section) == "range") html += groups_section(c) + "\n";
  }
  if (!c.notes.empty()) {
    html += R"(<section id="notes"><h2>Notes</h2><ul>)";
    for (const auto& n : c.notes) html += "<li>" + esc(n) + "</li>";
    html += "</ul></section>\n";
  }
  html += "<footer>" + esc(k_units_sentence) + " Rendered by rafter " + esc(version_string) +
          " from a rafter.comparison/1. Self-contained: no scripts, no external resources.</footer>\n";
  html += "</main>\n</body>\n</html>\n";
  return html;
}

}  // namespace rafter

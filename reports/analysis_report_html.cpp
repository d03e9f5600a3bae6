#include "reports/analysis_report_html.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>

#include "analysis/analysis_document.hpp"
#include "analysis/roofline.hpp"
#include "core/units.hpp"
#include "reports/analysis_totals_text.hpp"
#include "core/version.hpp"
#include "reports/html_escape.hpp"
#include "reports/sortable_tables_script.hpp"
#include "reports/svg_chart.hpp"

namespace rafter {

namespace {

constexpr const char* k_dash = "&#8212;";

std::string esc(std::string_view text) { return html_escape(text); }

const char* class_color(kernel_class cls) {
  switch (cls) {
    case kernel_class::gemm: return "#2563eb";
    case kernel_class::attention: return "#7c3aed";
    case kernel_class::normalization: return "#16a34a";
    case kernel_class::elementwise: return "#ea580c";
    case kernel_class::reduction: return "#0891b2";
    case kernel_class::communication: return "#dc2626";
    case kernel_class::copy: return "#ca8a04";
    case kernel_class::other: return "#6b7280";
  }
  return "#6b7280";
}

const char* class_color(const std::string& name) {
  const auto cls = kernel_class_from_string(name);
  return cls ? class_color(*cls) : "#6b7280";
}

constexpr std::array<const char*, 6> k_memory_colors{"#0f766e", "#b45309", "#9333ea", "#be123c", "#1d4ed8", "#4d7c0f"};
constexpr std::array<const char*, 6> k_compute_colors{"#111827", "#7c2d12", "#365314", "#1e3a8a", "#581c87", "#831843"};

/// Shortens long names (demangled templates run to thousands of characters) on a UTF-8 boundary.
std::string shorten(const std::string& text, std::size_t max_chars) {
  if (text.size() <= max_chars) return text;
  std::size_t cut = max_chars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "...";
}

std::string pct(double fraction) { return fmt::format("{:.1f}%", fraction * 100.0); }

std::string dims(const std::optional<dim3_value>& d) {
  return d ? fmt::format("({}, {}, {})", d->x, d->y, d->z) : std::string("?");
}

std::string launch_shape(const kernel_group& g) {
  if (!g.grid && !g.block) return "unknown";
  return "grid " + dims(g.grid) + ", block " + dims(g.block);
}

std::string format_ai(double ai) {
  if (!std::isfinite(ai)) return "n/a";
  if (ai >= 100.0) return fmt::format("{:.0f} FLOP/byte", ai);
  return fmt::format("{:.3g} FLOP/byte", ai);
}

std::string limiter_text(const kernel_group& g) {
  std::string s = to_string(g.limiter.kind);
  if (!g.limiter.detail.empty()) s += " (" + g.limiter.detail + ")";
  return s;
}

/// `<td>` with a number: formatted text, exact sort key.
std::string num_cell(const std::optional<double>& v, const std::function<std::string(double)>& format) {
  if (!v) return std::string(R"(<td class="num missing" data-sort="-1">)") + k_dash + "</td>";
  return fmt::format(R"(<td class="num" data-sort="{:.17g}">)", *v) + esc(format(*v)) + "</td>";
}
std::string count_cell(std::int64_t v) { return fmt::format(R"(<td class="num" data-sort="{0}">{0}</td>)", v); }
std::string text_cell(const std::string& text) { return text.empty() ? std::string("<td>") + k_dash + "</td>" : "<td>" + esc(text) + "</td>"; }

std::string class_badge(kernel_class cls) {
  return fmt::format(R"(<span class="cls" style="background:{}"></span>)", class_color(cls)) + esc(to_string(cls));
}

/// The x of a group's roofline point: its AI at the outermost memory level that has one.
std::optional<double> point_ai(const kernel_group& g) {
  for (auto it = g.levels.rbegin(); it != g.levels.rend(); ++it) {
    if (it->arithmetic_intensity && *it->arithmetic_intensity > 0.0 && it->bytes_per_s_ceiling) return it->arithmetic_intensity;
  }
  return std::nullopt;
}

std::string point_level(const kernel_group& g) {
  for (auto it = g.levels.rbegin(); it != g.levels.rend(); ++it) {
    if (it->arithmetic_intensity && *it->arithmetic_intensity > 0.0 && it->bytes_per_s_ceiling) return it->level;
  }
  return "";
}

std::string group_tooltip(const kernel_group& g, std::size_t max_chars) {
  std::string t = shorten(g.display_name(), max_chars);
  t += "\nclass " + std::string(to_string(g.cls)) + ", " + launch_shape(g);
  t += fmt::format("\n{} launches, {} total, {} mean", g.count, format_seconds(g.total_s), format_seconds(g.mean_s));
  t += "\nwork: " + std::string(to_string(g.work));
  if (!g.precision.empty()) t += ", " + g.precision + " on " + g.pipe + (g.pipe_assumed ? " (assumed)" : "");
  for (const auto& l : g.levels) {
    if (l.arithmetic_intensity) t += "\nAI " + l.level + ": " + format_ai(*l.arithmetic_intensity);
  }
  if (const std::string level = point_level(g); !level.empty()) t += "\n(plotted at the " + level + " AI)";
  if (g.achieved_flop_per_s) t += "\nachieved " + format_flops(*g.achieved_flop_per_s);
  if (g.attainable_flop_per_s) t += ", attainable " + format_flops(*g.attainable_flop_per_s) + " (bound by " + g.binding + ")";
  t += "\nlimiter: " + limiter_text(g) + ": " + g.limiter.rule;
  if (g.opportunity_s) t += "\nopportunity " + format_seconds(*g.opportunity_s);
  for (const auto& f : g.flags) t += "\n(!) " + f;
  return t;
}

// ---- header ----

std::string fact(const std::string& name, const std::string& value_html) {
  return "<div><dt>" + esc(name) + "</dt><dd>" + value_html + "</dd></div>";
}

std::string render_header(const analysis_document& a) {
  const auto& t = a.totals;
  std::string out = "<header>";
  out += R"(<p class="eyebrow">rafter roofline analysis</p>)";
  out += "<h1>" + esc(a.trace_file) + "</h1>";
  out += R"(<p class="subtitle">on )" + esc(a.machine_name) + "</p>";
  out += R"(<dl class="facts">)";
  out += fact("Machine profile", "<code>" + esc(a.machine_file) + "</code> (" + esc(a.machine_choice) + ")");
  out += fact("Trace recorded by", esc(a.trace_tool.empty() ? "unknown" : a.trace_tool));
  out += fact("Kernels", esc(fmt::format("{} launches in {} groups", t.kernels, t.groups)));
  out += fact("Kernel time", esc(format_seconds(t.kernel_time_s)));
  out += fact("Placed on the roofline",
              esc(fmt::format("{} of kernel time (counters {}, shape estimates {}, unknown {}){}", pct(t.placed_fraction),
                              format_seconds(t.measured_time_s), format_seconds(t.estimated_time_s), format_seconds(t.unknown_time_s),
                              extrapolated_text(t))));
  if (t.communication_time_s > 0.0) {
    out += fact("Communication", esc(fmt::format("{} of kernel time, held against links, not the roofline (bus bandwidth known for {} of it)",
                                                 pct(t.communication_time_s / t.kernel_time_s),
                                                 pct(t.collective_time_s / t.communication_time_s))));
  }
  out += fact("Opportunity", esc(format_seconds(t.opportunity_s) + " if every placed group reached its attainable performance"));
  if (t.flagged_groups > 0) out += fact("Flagged groups", R"(<span class="flag">&#9888; )" + esc(std::to_string(t.flagged_groups)) + "</span>");
  std::string generator = esc(a.generator.tool);
  if (!a.generator.version.empty()) generator += " " + esc(a.generator.version);
  if (!a.generator.created_utc.empty()) generator += " &middot; " + esc(a.generator.created_utc);
  out += fact("Generated by", generator);
  out += "</dl>";
  out += R"(<p class="units-note">Rates use decimal prefixes (1 TFLOP/s = 10<sup>12</sup> FLOP/s, 1 GB/s = 10<sup>9</sup> B/s). )"
         R"(Arithmetic intensity (AI) is FLOP per byte moved at a memory level. Kernel time is the sum of kernel durations.</p>)";
  return out + "</header>";
}

std::string render_warnings(const analysis_document& a) {
  if (a.warnings.empty()) return "";
  std::string out = R"(<section class="warnings" id="warnings" role="alert"><h2>&#9888; )" +
                    esc(std::to_string(a.warnings.size()) + (a.warnings.size() == 1 ? " warning" : " warnings")) + "</h2><ul>";
  for (const auto& w : a.warnings) out += "<li>" + esc(w) + "</li>";
  return out + "</ul></section>";
}

// ---- roofline ----

std::string render_roofline(const analysis_document& a, const analysis_html_limits& limits) {
  std::string out = R"(<section id="roofline"><h2>Hierarchical roofline</h2>)";
  std::vector<const kernel_group*> points;
  for (const auto& g : a.groups) {
    if (g.placed() && g.achieved_flop_per_s && *g.achieved_flop_per_s > 0.0 && point_ai(g)) points.push_back(&g);
  }
  const std::size_t drawable = points.size();
  if (points.size() > limits.max_points) points.resize(limits.max_points);  // Groups are sorted by time.

  // Compute roofs: those a drawn group is measured against, plus the machine's top one.
  std::set<std::string> used;
  for (const auto* g : points) {
    if (!g->compute_ceiling.empty()) used.insert(g->compute_ceiling);
  }
  // Integer ceilings count operations, not FLOP: no roof on a FLOP/s axis.
  const ceiling_entry* top = nullptr;
  for (const auto& c : a.compute) {
    if (!is_integer_precision(c.precision) && (top == nullptr || c.per_s > top->per_s)) top = &c;
  }
  std::vector<const ceiling_entry*> computes;
  for (const auto& c : a.compute) {
    if (!is_integer_precision(c.precision) && (used.count(c.id) || &c == top)) computes.push_back(&c);
  }
  std::stable_sort(computes.begin(), computes.end(), [](const auto* x, const auto* y) { return x->per_s > y->per_s; });
  std::vector<const ceiling_entry*> memories;
  for (const auto& m : a.memory) memories.push_back(&m);
  std::stable_sort(memories.begin(), memories.end(), [](const auto* x, const auto* y) { return x->per_s > y->per_s; });

  // Axis ranges: every point and every ridge, with margins.
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = 0.0;
  double y_lo = std::numeric_limits<double>::infinity(), y_hi = 0.0;
  for (const auto* g : points) {
    const double x = *point_ai(*g);
    x_lo = std::min(x_lo, x);
    x_hi = std::max(x_hi, x);
    y_lo = std::min(y_lo, *g->achieved_flop_per_s);
    y_hi = std::max(y_hi, *g->achieved_flop_per_s);
  }
  if (top != nullptr) {
    for (const auto* m : memories) {
      const double r = ridge_point(top->per_s, m->per_s);
      x_lo = std::min(x_lo, r / 30.0);
      x_hi = std::max(x_hi, r * 10.0);
    }
    y_hi = std::max(y_hi, top->per_s);
  }
  for (const auto* c : computes) y_lo = std::min(y_lo, c->per_s / 3.0);
  if (!std::isfinite(x_lo)) {
    x_lo = 0.01;
    x_hi = 1000.0;
  }
  const double x_min = std::pow(10.0, std::floor(std::log10(x_lo / 2.0)));
  double x_max = std::pow(10.0, std::ceil(std::log10(x_hi * 2.0)));
  if (x_max / x_min < 1e3) x_max = x_min * 1e3;
  if (!memories.empty()) y_lo = std::min(y_lo, memories.back()->per_s * x_min);
  if (!std::isfinite(y_lo) || y_lo <= 0.0) y_lo = y_hi > 0.0 ? y_hi / 1e4 : 1e9;
  if (!(y_hi > 0.0)) y_hi = y_lo * 1e4;
  const double y_min = std::pow(10.0, std::floor(std::log10(y_lo / 2.0)));
  double y_max = nice_log_range(y_hi * 2.0, y_hi * 2.0).second;
  if (y_max / y_min < 100.0) y_max = y_min * 100.0;

  svg_chart chart("roofline-chart", 900, 520);
  chart.set_title("Hierarchical roofline of " + a.machine_name + ": one point per kernel group");
  chart.set_x_axis({"Arithmetic intensity (FLOP/byte) at the outermost memory level with traffic", axis_scale::log, tick_style::plain, "", x_min, x_max});
  chart.set_y_axis({"Performance (FLOP/s)", axis_scale::log, tick_style::decimal_si, "FLOP/s", y_min, y_max});
  chart.set_legend_position(legend_position::below);

  for (std::size_t i = 0; i < computes.size(); ++i) {
    const auto& c = *computes[i];
    const std::string color = k_compute_colors[i % k_compute_colors.size()];
    const std::string text = c.id + " · " + format_flops(c.per_s) + " · " + to_string(c.source);
    const double start = memories.empty() ? x_min : std::max(x_min, c.per_s / memories.front()->per_s);
    chart.add_line({{start, c.per_s}, {x_max, c.per_s}}, color, i == 0 ? 2.2 : 1.6,
                   c.source == figure_source::datasheet ? line_dash::dashed : line_dash::solid, text);
    chart.add_label({x_max, c.per_s}, text, color, text_anchor::end, -6.0, -6.0, nudge::vertical, 0.0, i == 0);
  }
  for (std::size_t i = 0; i < memories.size(); ++i) {
    const auto& m = *memories[i];
    const std::string color = k_memory_colors[i % k_memory_colors.size()];
    const std::string text = m.id + " · " + format_bandwidth(m.per_s) + " · " + to_string(m.source);
    const double end = top ? ridge_point(top->per_s, m.per_s) : x_max;
    chart.add_line({{x_min, x_min * m.per_s}, {end, end * m.per_s}}, color, 2.0,
                   m.source == figure_source::datasheet ? line_dash::dashed : line_dash::solid, text);
    chart.add_legend_entry(text, color, m.source == figure_source::datasheet ? line_dash::dashed : line_dash::solid);
  }

  // Points: area proportional to time; the largest drawn first so small ones stay visible on top.
  const double t_max = points.empty() ? 1.0 : points.front()->total_s;
  for (const auto* g : points) {
    const double radius = std::max(2.5, 16.0 * std::sqrt(g->total_s / (t_max > 0.0 ? t_max : 1.0)));
    chart.add_marker({*point_ai(*g), *g->achieved_flop_per_s}, class_color(g->cls), group_tooltip(*g, limits.max_name_chars), radius);
  }

  out += R"(<p class="lede">One point per kernel group (same kernel, same launch shape): x is its arithmetic intensity )"
         R"(at the outermost memory level with traffic (usually DRAM/HBM; the other levels are in the tooltip and the table), )"
         R"(y the FLOP/s it achieved in the precision and pipe that did the work. Point area is proportional to the group's )"
         R"(time; colour is its class. Horizontal lines are compute ceilings (those the kernels use and the machine's top one), )"
         R"(slanted lines memory levels; dashed lines are datasheet figures, solid ones measured. Hover a point for its details.</p>)";
  out += R"(<figure class="chart-figure">)" + chart.render() + "</figure>";
  out += R"(<p class="legend">)";
  for (const kernel_class cls : all_kernel_classes) {
    out += R"(<span class="legend-item">)" + class_badge(cls) + "</span>";
  }
  out += "</p>";
  if (drawable == 0) {
    out += R"(<p class="empty">No kernel group could be drawn: none has both FLOP and traffic at a memory level with a bandwidth. )"
           R"(The roofs are shown for reference; see "Placed on the roofline" above.</p>)";
  } else if (drawable > points.size()) {
    out += "<p class=\"hint\">" + esc(fmt::format("Showing the {} groups with the most time of {} drawable groups.", points.size(), drawable)) + "</p>";
  }
  const double drawn_time = [&] {
    double s = 0.0;
    for (const auto* g : points) s += g->total_s;
    return s;
  }();
  out += "<p class=\"hint\">" +
         esc(fmt::format("Points cover {} of {} kernel time ({}); {} is placed on the roofline in all. Groups with traffic but no "
                         "FLOP (copies, most elementwise kernels) are placed by bandwidth in the tables but have no point on a FLOP/s "
                         "chart; groups with unknown work are not placed.",
                         format_seconds(drawn_time), format_seconds(a.totals.kernel_time_s),
                         pct(a.totals.kernel_time_s > 0 ? drawn_time / a.totals.kernel_time_s : 0.0), pct(a.totals.placed_fraction))) +
         "</p>";
  return out + "</section>";
}

// ---- time breakdown ----

std::string render_breakdown(const analysis_document& a) {
  std::string out = R"(<section id="breakdown"><h2>Where the time goes</h2>)";
  const double total = a.totals.kernel_time_s;
  const int width = 900, height = 30;
  out += fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" class="bar" id="class-bar" viewBox="0 0 {0} {1}" width="{0}" height="{1}" role="img" aria-label="Kernel time by class">)", width, height);
  double x = 0.0;
  for (const auto& c : a.classes) {
    const double w = total > 0.0 ? c.time_s / total * width : 0.0;
    if (w <= 0.0) continue;
    out += fmt::format(R"(<rect x="{:.2f}" y="0" width="{:.2f}" height="{}" fill="{}"><title>)", x, w, height, class_color(c.cls)) +
           esc(fmt::format("{}: {} ({})", to_string(c.cls), format_seconds(c.time_s), pct(c.fraction))) + "</title></rect>";
    if (w > 70.0) {
      out += fmt::format(R"(<text x="{:.2f}" y="19" font-size="11" fill="#ffffff" font-family="system-ui, sans-serif">)", x + 5.0) +
             esc(fmt::format("{} {}", to_string(c.cls), pct(c.fraction))) + "</text>";
    }
    x += w;
  }
  out += "</svg>";
  out += R"(<div class="table-wrap"><table class="sortable compact"><thead><tr><th>Class</th><th class="num">Kernel time</th><th class="num">Share</th>)"
         R"(<th class="num">Launches</th><th class="num">Groups</th><th class="num">Placed</th><th class="num">Opportunity</th></tr></thead><tbody>)";
  for (const auto& c : a.classes) {
    out += "<tr><td class=\"nowrap\">" + class_badge(c.cls) + "</td>" + num_cell(c.time_s, format_seconds) + num_cell(c.fraction, pct) +
           count_cell(c.kernels) + count_cell(c.groups) + num_cell(c.time_s > 0 ? c.placed_s / c.time_s : 0.0, pct) +
           num_cell(c.opportunity_s, format_seconds) + "</tr>";
  }
  return out + "</tbody></table></div></section>";
}

// ---- timeline ----

std::string render_timeline(const analysis_document& a) {
  std::string out = R"(<section id="timeline"><h2>Timeline per device</h2>)";
  out += R"(<p class="lede">Each strip spans the device's first to last activity. A bin's colour is the class with the most )"
         R"(kernel time in it; its opacity is the fraction of the bin during which at least one kernel ran. White is idle.</p>)";
  const int width = 900, row = 26, label = 18;
  for (const auto& d : a.devices) {
    out += "<h3>" + esc(fmt::format("Device {}{}", d.device, d.name.empty() ? " (unnamed: the trace has no device record)" : ": " + d.name)) + "</h3>";
    out += "<p class=\"hint\">" +
           esc(fmt::format("span {}, busy {} ({}), idle {}, {} idle gaps totalling {}, two or more kernels at once for {} (max {})",
                           format_seconds(d.span_s), format_seconds(d.busy_s), pct(d.span_s > 0 ? d.busy_s / d.span_s : 0.0),
                           format_seconds(d.idle_s), d.gaps, format_seconds(d.gap_total_s), format_seconds(d.concurrent_s),
                           d.max_concurrency)) +
           "</p>";
    out += fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" class="strip" viewBox="0 0 {0} {1}" width="{0}" height="{1}" role="img" aria-label="Timeline of device {2}">)",
                       width, row + label, d.device);
    out += fmt::format(R"(<rect x="0" y="0" width="{}" height="{}" fill="#ffffff" stroke="#d1d5db"/>)", width, row);
    if (!d.timeline.empty()) {
      const double w = static_cast<double>(width) / static_cast<double>(d.timeline.size());
      for (std::size_t b = 0; b < d.timeline.size(); ++b) {
        const auto& bin = d.timeline[b];
        if (bin.busy_fraction <= 0.0) continue;
        const double t0 = d.span_s * static_cast<double>(b) / static_cast<double>(d.timeline.size());
        out += fmt::format(R"(<rect x="{:.2f}" y="1" width="{:.2f}" height="{}" fill="{}" fill-opacity="{:.2f}"><title>)", w * static_cast<double>(b),
                           w + 0.3, row - 2, class_color(bin.dominant_class), std::max(0.12, bin.busy_fraction)) +
               esc(fmt::format("at {}: busy {}, mostly {}", format_seconds(t0), pct(bin.busy_fraction), bin.dominant_class)) + "</title></rect>";
      }
    }
    out += fmt::format(R"(<text x="0" y="{}" font-size="11" fill="#6b7280" font-family="system-ui, sans-serif">0</text>)", row + 13);
    out += fmt::format(R"(<text x="{}" y="{}" font-size="11" fill="#6b7280" text-anchor="end" font-family="system-ui, sans-serif">)", width, row + 13) +
           esc(format_seconds(d.span_s)) + "</text></svg>";
    if (!d.gap_histogram.empty()) {
      out += R"(<table class="compact"><thead><tr><th>Idle gap</th><th class="num">Count</th><th class="num">Total</th></tr></thead><tbody>)";
      for (const auto& g : d.gap_histogram) {
        const std::string range = std::isfinite(g.max_s) ? format_seconds(g.min_s) + " to " + format_seconds(g.max_s)
                                                         : ">= " + format_seconds(g.min_s);
        out += "<tr><td>" + esc(range) + "</td>" + count_cell(g.count) + num_cell(g.total_s, format_seconds) + "</tr>";
      }
      out += "</tbody></table>";
    }
  }
  if (a.devices.empty()) out += R"(<p class="empty">No device activity.</p>)";
  return out + "</section>";
}

// ---- tables ----

std::string name_cell(const kernel_group& g, std::size_t max_chars) {
  std::string cell = "<td class=\"name\" title=\"" + esc(shorten(g.display_name(), 2000)) + "\"><code>" +
                     esc(shorten(g.display_name(), max_chars)) + "</code>";
  if (!g.flags.empty()) {
    std::string flags;
    for (const auto& f : g.flags) flags += (flags.empty() ? "" : "\n") + f;
    cell += " <span class=\"flag\" title=\"" + esc(flags) + "\">&#9888;</span>";
  }
  return cell + "</td>";
}

std::string ai_cell(const kernel_group& g) {
  std::string text;
  for (const auto& l : g.levels) {
    if (l.arithmetic_intensity) text += (text.empty() ? "" : ", ") + l.level + " " + fmt::format("{:.3g}", *l.arithmetic_intensity);
  }
  const auto x = point_ai(g);
  if (text.empty()) return std::string(R"(<td class="num missing" data-sort="-1">)") + k_dash + "</td>";
  return fmt::format(R"(<td class="num" data-sort="{:.17g}">)", x.value_or(0.0)) + esc(text) + "</td>";
}

std::string limiter_cell(const kernel_group& g) {
  return "<td title=\"" + esc(g.limiter.rule) + "\"><span class=\"lim " + esc(to_string(g.limiter.kind)) + "\">" + esc(limiter_text(g)) +
         "</span></td>";
}

std::string of_roof(const kernel_group& g) {
  if (g.achieved_flop_per_s && g.attainable_flop_per_s && *g.attainable_flop_per_s > 0.0) {
    return num_cell(*g.achieved_flop_per_s / *g.attainable_flop_per_s, pct);
  }
  if (g.memory_fraction) {  // no FLOP: the busiest level's bandwidth against its roof, as the Markdown report says
    return fmt::format(R"(<td class="num" data-sort="{:.17g}" title="achieved bandwidth at {} over its roof">)",
                       *g.memory_fraction, esc(g.memory_level)) +
           esc(pct(*g.memory_fraction) + " of " + g.memory_level + " BW") + "</td>";
  }
  if (g.link_fraction) {  // communication: bus bandwidth of the recorded collectives against the link that measures them
    return fmt::format(R"x(<td class="num" data-sort="{:.17g}" title="bus bandwidth {} of {} ({})">)x", *g.link_fraction,
                       esc(format_bandwidth(g.bus_bytes_per_s.value_or(0.0))), esc(g.link_ceiling),
                       esc(format_bandwidth(g.link_ceiling_bytes_per_s.value_or(0.0)))) +
           esc(pct(*g.link_fraction) + " busbw") + "</td>";
  }
  if (g.bus_bytes_per_s) {  // no ceiling measures it: the bus bandwidth alone
    return fmt::format(R"(<td class="num" data-sort="-1" title="bus bandwidth; the profile has no link that measures {}">)", esc(g.collective)) +
           esc("busbw " + format_bandwidth(*g.bus_bytes_per_s)) + "</td>";
  }
  return num_cell(std::nullopt, pct);
}

std::string render_opportunities(const analysis_document& a, const analysis_html_limits& limits) {
  std::string out = R"(<section id="opportunities"><h2>Top opportunities</h2>)";
  if (a.opportunities.empty()) {
    return out + R"(<p class="empty">No group has a known opportunity: none could be placed on the roofline, or all run at their roof.</p></section>)";
  }
  out += R"(<p class="lede">Time saved if the group ran at its attainable performance (the lowest roof over the compute )"
         R"(ceiling and every memory level): total time minus time at the roof. The rule column shows the evidence for the limiter.</p>)";
  out += R"(<div class="table-wrap"><table class="sortable"><thead><tr><th class="num">#</th><th>Kernel</th><th>Class</th><th class="num">Launches</th>)"
         R"(<th class="num">Time</th><th class="num">Achieved</th><th class="num">Attainable</th><th class="num">Of roof</th><th>Limiter</th>)"
         R"(<th class="num">Saved</th><th>Rule</th></tr></thead><tbody>)";
  int rank = 1;
  for (const auto id : a.opportunities) {
    const auto& g = a.groups[static_cast<std::size_t>(id)];
    out += "<tr>" + count_cell(rank++) + name_cell(g, limits.max_name_chars) + "<td class=\"nowrap\">" + class_badge(g.cls) + "</td>" + count_cell(g.count) +
           num_cell(g.total_s, format_seconds) + num_cell(g.achieved_flop_per_s, format_flops) +
           num_cell(g.attainable_flop_per_s, format_flops) + of_roof(g) + limiter_cell(g) + num_cell(g.opportunity_s, format_seconds) +
           "<td class=\"prose\">" + esc(g.limiter.rule) + "</td></tr>";
  }
  return out + "</tbody></table></div></section>";
}

std::string render_groups(const analysis_document& a, const analysis_html_limits& limits) {
  std::string out = R"(<section id="groups"><h2>Kernel groups</h2>)";
  const std::size_t shown = std::min(limits.max_rows, a.groups.size());
  out += "<p class=\"lede\">" +
         esc(fmt::format("{} groups, most time first{}. Click a header to sort; hover a name for the full name, a limiter for its rule.",
                         a.groups.size(), shown < a.groups.size() ? fmt::format(" (the first {} shown; all are in the JSON)", shown) : "")) +
         "</p>";
  out += R"(<div class="table-wrap"><table class="sortable"><thead><tr><th>Kernel</th><th>Grid / block</th><th>Class</th><th class="num">Launches</th>)"
         R"(<th class="num">Total</th><th class="num">Mean</th><th>Work</th><th>Precision / pipe</th><th class="num">AI (FLOP/byte)</th>)"
         R"(<th class="num">Achieved</th><th class="num">Attainable</th><th class="num">Of roof</th><th>Binding</th><th>Limiter</th>)"
         R"(<th class="num">Opportunity</th></tr></thead><tbody>)";
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& g = a.groups[i];
    const std::string shape = g.grid || g.block ? dims(g.grid) + " / " + dims(g.block) : "";
    const std::string pp = g.precision.empty() ? "" : g.precision + " / " + g.pipe + (g.pipe_assumed ? " (assumed)" : "");
    out += "<tr>" + name_cell(g, limits.max_name_chars) + text_cell(shape) + "<td class=\"nowrap\">" + class_badge(g.cls) + "</td>" + count_cell(g.count) +
           num_cell(g.total_s, format_seconds) + num_cell(g.mean_s, format_seconds) + text_cell(to_string(g.work)) + text_cell(pp) +
           ai_cell(g) + num_cell(g.achieved_flop_per_s, format_flops) + num_cell(g.attainable_flop_per_s, format_flops) + of_roof(g) +
           text_cell(g.binding) + limiter_cell(g) + num_cell(g.opportunity_s, format_seconds) + "</tr>";
  }
  return out + "</tbody></table></div></section>";
}

std::string render_ranges(const analysis_document& a) {
  std::string out = R"(<section id="ranges"><h2>Time by range</h2>)";
  if (a.ranges.empty()) return out + R"(<p class="empty">The trace has no NVTX ranges or annotations.</p></section>)";
  out += R"(<p class="lede">GPU-side annotations get the kernel time overlapping them on their device; CPU-side ranges get the )"
         R"(time of the kernels launched inside them on their own thread (by the launch call where the trace has it, else )"
         R"(by the op that launched the kernel). Kernels launched from another thread, such as autograd's backward )"
         R"(thread, count in none of this thread's ranges. Nested ranges each count their kernels.</p>)";
  out += R"(<div class="table-wrap"><table class="sortable"><thead><tr><th>Range</th><th>Domain</th><th>Side</th><th class="num">Instances</th>)"
         R"(<th class="num">Wall time</th><th class="num">Kernels</th><th class="num">Kernel time</th></tr></thead><tbody>)";
  for (const auto& r : a.ranges) {
    out += "<tr><td><code>" + esc(shorten(r.name, 200)) + "</code></td>" + text_cell(r.domain) + text_cell(r.gpu_side ? "GPU" : "CPU") +
           count_cell(r.count) + num_cell(r.wall_s, format_seconds) + count_cell(r.kernels) + num_cell(r.kernel_time_s, format_seconds) + "</tr>";
  }
  out += "</tbody></table></div>";
  if (a.ranges_omitted > 0) out += "<p class=\"hint\">" + esc(fmt::format("{} more range names not shown.", a.ranges_omitted)) + "</p>";
  return out + "</section>";
}

std::string render_copies(const analysis_document& a) {
  std::string out = R"(<section id="copies"><h2>Copies</h2>)";
  if (a.copies.empty()) return out + R"(<p class="empty">The trace has no memory copies or memsets.</p></section>)";
  out += R"(<div class="table-wrap"><table class="sortable"><thead><tr><th>Kind</th><th class="num">Count</th><th class="num">Bytes</th>)"
         R"(<th class="num">Time</th><th class="num">Achieved</th><th>Link</th><th class="num">Link bandwidth, one direction</th><th class="num">Of link</th><th>Link note</th></tr></thead><tbody>)";
  for (const auto& c : a.copies) {
    std::string note;
    for (const auto& l : a.links) {
      if (l.id == c.link) note = l.note;
    }
    out += "<tr>" + text_cell(c.kind) + count_cell(c.count) + num_cell(c.bytes, [](double v) { return format_si(v, "B"); }) +
           num_cell(c.time_s, format_seconds) + num_cell(c.achieved_bytes_per_s, format_bandwidth) + text_cell(c.link) +
           num_cell(c.link_bytes_per_s, format_bandwidth) + num_cell(c.fraction_of_link, pct) + text_cell(note) + "</tr>";
  }
  return out + "</tbody></table></div></section>";
}

std::string render_ceilings(const analysis_document& a) {
  std::string out = R"(<section id="ceilings"><h2>Machine ceilings</h2><div class="table-wrap"><table class="sortable compact"><thead><tr>)"
                    R"(<th>Kind</th><th>ID</th><th class="num">Peak</th><th>Source</th><th>Note</th></tr></thead><tbody>)";
  auto row = [&](const char* kind, const ceiling_entry& c, const std::function<std::string(double)>& format) {
    out += "<tr>" + text_cell(kind) + "<td><code>" + esc(c.id) + "</code></td>" + num_cell(c.per_s, format) + "<td><span class=\"badge " +
           esc(to_string(c.source)) + "\">" + esc(to_string(c.source)) + "</span></td>" + text_cell(c.note) + "</tr>";
  };
  for (const auto& c : a.compute) row("compute", c, [&](double v) { return format_compute_rate(v, c.precision); });
  for (const auto& c : a.memory) row("memory", c, format_bandwidth);
  for (const auto& c : a.links) row("link", c, format_bandwidth);
  return out + "</tbody></table></div></section>";
}

std::string render_rules(const analysis_document& a) {
  const auto& th = a.thresholds;
  std::string out = R"(<section id="rules"><h2>Limiter rules</h2><ol class="rules">)";
  out += "<li>" + esc("communication: kernels of the communication class (NCCL and friends), bounded by the link ceilings.") + "</li>";
  out += "<li>" + esc(fmt::format("launch overhead: mean kernel time < {} and mean idle gap before each launch >= {:.3g} x the mean time.",
                                  format_seconds(th.short_kernel_s), th.launch_gap_ratio)) + "</li>";
  out += "<li>" + esc(fmt::format("With work or traffic known, Nsight Compute's SOL rule on the fraction of the compute roof (achieved / "
                                  "ceiling of the precision and pipe) and of the memory roofs (highest achieved / bandwidth over the levels): "
                                  "either >= {} names it (high throughput); both < {}: latency or occupancy; a difference >= {} names the "
                                  "higher; otherwise the higher, called balanced.",
                                  pct(th.high_throughput), pct(th.latency_bound), pct(th.balanced))) + "</li>";
  out += "<li>" + esc("Otherwise unknown: not placed.") + "</li>";
  out += "</ol><p class=\"hint\">" +
         esc(fmt::format("A rate above a roof by more than {} is flagged (a wrong ceiling or counter). Traffic from shape estimates is a lower "
                         "bound (inputs read once, outputs written once). Formulas: docs/metrics.md.", pct(th.noise))) +
         "</p></section>";
  return out;
}

constexpr const char* k_style = R"css(
:root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --accent: #2563eb; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1260px; margin: 0 auto; padding: 24px 24px 48px; }
header, section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 18px 22px; margin: 0 0 18px; }
h1 { font-size: 22px; margin: 0 0 2px; overflow-wrap: anywhere; }
h2 { font-size: 18px; margin: 0 0 10px; }
h3 { font-size: 14px; margin: 14px 0 2px; overflow-wrap: anywhere; }
.eyebrow { margin: 0; color: var(--muted); text-transform: uppercase; letter-spacing: .08em; font-size: 11px; }
.subtitle { margin: 0 0 12px; color: var(--muted); overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 8px 18px; margin: 0; }
dl.facts div { min-width: 0; }
dl.facts dt { color: var(--muted); font-size: 12px; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.units-note { margin: 12px 0 0; font-size: 12px; color: var(--muted); }
nav.toc { margin: 0 0 18px; font-size: 13px; }
nav.toc a { color: var(--accent); text-decoration: none; margin-right: 14px; }
.warnings { border: 1px solid #f59e0b; border-left: 6px solid #d97706; background: #fffbeb; }
.warnings h2 { color: #92400e; }
.warnings ul { margin: 0; padding-left: 20px; }
.warnings li { overflow-wrap: anywhere; }
.lede { margin: 0 0 10px; color: #374151; max-width: 900px; }
.empty { color: var(--muted); font-style: italic; }
figure.chart-figure { margin: 0 0 8px; }
svg.chart { width: 100%; max-width: 900px; height: auto; display: block; }
svg.bar, svg.strip { width: 100%; max-width: 900px; height: auto; display: block; margin: 4px 0 8px; }
.legend { font-size: 12px; color: #374151; margin: 0 0 6px; }
.legend-item { margin-right: 14px; white-space: nowrap; }
.cls { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 5px; vertical-align: -1px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
table.compact { width: auto; min-width: 420px; margin-top: 6px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; white-space: nowrap; }
th.num { text-align: right; }
table.sortable th { cursor: pointer; user-select: none; }
th[aria-sort="ascending"]::after { content: " \25B2"; font-size: 10px; }
th[aria-sort="descending"]::after { content: " \25BC"; font-size: 10px; }
tbody tr:nth-child(even) { background: #fafafa; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.missing { color: #9ca3af; }
td.prose { min-width: 260px; color: #374151; overflow-wrap: anywhere; }
td.name { min-width: 280px; max-width: 520px; overflow-wrap: anywhere; }
td.nowrap { white-space: nowrap; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 11px; border: 1px solid; }
.badge.measured { color: #065f46; border-color: #6ee7b7; background: #ecfdf5; }
.badge.datasheet { color: #1e3a8a; border-color: #93c5fd; background: #eff6ff; }
.lim { white-space: nowrap; }
.lim.compute { color: #1d4ed8; } .lim.memory { color: #0f766e; } .lim.latency { color: #b45309; }
.lim.launch_overhead { color: #be123c; } .lim.communication { color: #dc2626; } .lim.unknown { color: #9ca3af; }
.flag { color: #b45309; font-weight: 600; white-space: nowrap; }
.hint { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
ol.rules li { margin-bottom: 4px; }
footer { color: var(--muted); font-size: 12px; text-align: center; }
@media print { body { background: #fff; } header, section { break-inside: avoid; border-color: #ccc; } }
)css";


}  // namespace

std::string render_analysis_html(const analysis_document& a, const analysis_html_limits& limits) {
  std::string html;
  html.reserve(256 * 1024);
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<meta name=\"generator\" content=\"rafter " + esc(version_string) + "\">\n";
  html += "<title>" + esc(a.trace_file) + " on " + esc(a.machine_name) + " &#8212; rafter analysis</title>\n";
  html += "<style>" + std::string(k_style) + "</style>\n</head>\n<body>\n<main>\n";
  html += render_header(a) + "\n";
  html += render_warnings(a) + "\n";
  html += R"(<nav class="toc" aria-label="Contents">)";
  if (!a.warnings.empty()) html += R"(<a href="#warnings">Warnings</a>)";
  html += R"(<a href="#roofline">Roofline</a><a href="#breakdown">Time by class</a><a href="#timeline">Timeline</a>)"
          R"(<a href="#opportunities">Opportunities</a><a href="#groups">Kernel groups</a><a href="#ranges">Ranges</a>)"
          R"(<a href="#copies">Copies</a><a href="#ceilings">Ceilings</a><a href="#rules">Rules</a></nav>)";
  html += "\n" + render_roofline(a, limits) + "\n";
  html += render_breakdown(a) + "\n";
  html += render_timeline(a) + "\n";
  html += render_opportunities(a, limits) + "\n";
  html += render_groups(a, limits) + "\n";
  html += render_ranges(a) + "\n";
  html += render_copies(a) + "\n";
  html += render_ceilings(a) + "\n";
  html += render_rules(a) + "\n";
  html += "<footer>Rendered by rafter " + esc(version_string) +
          " from a rafter.analysis/1 document. Self-contained: no external resources.</footer>\n";
  html += "</main>\n<script>" + std::string(sortable_tables_script) + "</script>\n</body>\n</html>\n";
  return html;
}

}  // namespace rafter

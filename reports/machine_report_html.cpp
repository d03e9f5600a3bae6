#include "reports/machine_report_html.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "analysis/roofline.hpp"
#include "core/machine_profile.hpp"
#include "core/units.hpp"
#include "core/version.hpp"
#include "reports/html_escape.hpp"
#include "reports/sortable_tables_script.hpp"
#include "reports/svg_chart.hpp"

namespace rafter {

namespace {

constexpr const char* k_dash = "&#8212;";  // Shown for a missing figure.
constexpr const char* k_cache_color = "#6b7280";

constexpr std::array<const char*, 8> k_memory_colors{"#2563eb", "#16a34a", "#ea580c", "#c026d3",
                                                     "#0891b2", "#ca8a04", "#dc2626", "#64748b"};
constexpr std::array<const char*, 8> k_compute_colors{"#111827", "#7c3aed", "#b45309", "#be123c",
                                                      "#0f766e", "#4338ca", "#a16207", "#475569"};

std::string esc(std::string_view text) { return html_escape(text); }

/// Arithmetic intensity, FLOP per byte: 3 significant digits below 100 ("0.5 FLOP/byte"), whole
/// numbers from 100 on ("1125 FLOP/byte").
std::string format_intensity(double flop_per_byte) {
  if (!std::isfinite(flop_per_byte)) return "n/a";
  if (flop_per_byte >= 100.0) return fmt::format("{:.0f} FLOP/byte", flop_per_byte);
  return fmt::format("{:.3g} FLOP/byte", flop_per_byte);
}

std::string format_count(double value) { return fmt::format("{:.3g}", value); }

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

/// Which quantity memory_level::roofline_bytes_per_s() picked.
const char* roofline_quantity(const memory_level& m) {
  if (m.read_bytes_per_s) return "read";
  if (m.copy_bytes_per_s) return "copy";
  if (m.triad_bytes_per_s) return "triad";
  return "write";
}

std::string access_color(const std::string& access, std::size_t fallback_index) {
  if (access == "read") return "#2563eb";
  if (access == "write") return "#ea580c";
  if (access == "copy") return "#16a34a";
  if (access == "triad") return "#9333ea";
  if (access == "chase") return "#be123c";
  return k_memory_colors[fallback_index % k_memory_colors.size()];
}

int access_rank(const std::string& access) {
  static const std::array<std::string_view, 5> order{"read", "write", "copy", "triad", "chase"};
  const auto it = std::find(order.begin(), order.end(), access);
  return static_cast<int>(it - order.begin());
}

/// Label of a cache's whole-device capacity: "L1 (all cores)", "L2 (4 instances)", "L3".
std::string cache_label(const cache_info& cache, const device_info& device) {
  std::string label = upper(cache.level);
  if (cache.instances > 1) {
    if (device.compute_units && *device.compute_units == cache.instances && !device.compute_unit_name.empty()) {
      label += " (all " + device.compute_unit_name + ")";
    } else {
      label += " (" + std::to_string(cache.instances) + " instances)";
    }
  }
  return label;
}

std::string stats_tooltip(const sample_stats& s, const std::function<std::string(double)>& format) {
  std::string text = "median " + format(s.median) + ", min " + format(s.min) + ", max " + format(s.max) +
                     ", n = " + std::to_string(s.n);
  if (!s.settled) text += ", did not settle";
  return text;
}

std::string unsettled_flag() {
  return R"(<span class="flag" title="The repetitions did not settle within the bounded budget">&#9888; unsettled</span>)";
}

/// `<td>` for an optional figure: value text, a numeric sort key, an optional spread tooltip.
std::string figure_cell(const std::optional<double>& value, const std::function<std::string(double)>& format,
                        const sample_stats* samples = nullptr) {
  if (!value) return std::string(R"(<td class="num missing">)") + k_dash + "</td>";
  std::string cell = fmt::format(R"(<td class="num" data-sort="{:.17g}")", *value);
  if (samples) cell += " title=\"" + esc(stats_tooltip(*samples, format)) + "\"";
  cell += ">" + esc(format(*value));
  if (samples && !samples->settled) {
    cell += R"( <span class="flag" title="The repetitions did not settle within the bounded budget">&#9888;</span>)";
  }
  return cell + "</td>";
}

std::string text_cell(const std::string& text, const char* css_class = nullptr) {
  std::string cell = css_class ? fmt::format(R"(<td class="{}">)", css_class) : std::string("<td>");
  if (text.empty()) return cell + k_dash + "</td>";
  return cell + esc(text) + "</td>";
}

std::string source_cell(figure_source source, const std::string& url) {
  const std::string name = to_string(source);
  std::string cell = fmt::format(R"(<td><span class="badge {}">{}</span>)", name, name);
  if (!url.empty()) cell += " " + html_link(url, "source");
  return cell + "</td>";
}

/// The `<td>` cells of one figure's spread, one per column: median, min, max, n, settled.
std::string stat_cell(const std::optional<sample_stats>& samples, const std::function<std::string(double)>& format,
                      int which) {
  if (!samples) return std::string(R"(<td class="num missing">)") + k_dash + "</td>";
  const sample_stats& s = *samples;
  switch (which) {
    case 0: return figure_cell(s.median, format);
    case 1: return figure_cell(s.min, format);
    case 2: return figure_cell(s.max, format);
    case 3: return fmt::format(R"(<td class="num" data-sort="{0}">{0}</td>)", s.n);
    default:
      return s.settled ? std::string(R"(<td data-sort="1"><span class="ok">&#10003; settled</span></td>)")
                       : std::string(R"(<td data-sort="0">)") + unsettled_flag() + "</td>";
  }
}

/// A table column: header text, the cell of one row, and whether any row has data for it.
template <class Row>
struct column {
  std::string header;
  std::function<std::string(const Row&)> cell;
  bool shown = true;
  bool numeric = false;  ///< Right-aligned header, like its cells.
};

/// A sortable table of `rows`; columns without data in any row are left out.
template <class Row>
std::string render_table(const std::vector<Row>& rows, const std::vector<column<Row>>& columns) {
  std::string out = R"(<div class="table-wrap"><table class="sortable"><thead><tr>)";
  for (const auto& c : columns) {
    if (c.shown) out += (c.numeric ? R"(<th class="num">)" : "<th>") + esc(c.header) + "</th>";
  }
  out += "</tr></thead><tbody>";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const auto& c : columns) {
      if (c.shown) out += c.cell(row);
    }
    out += "</tr>";
  }
  return out + "</tbody></table></div>";
}

template <class Row, class Predicate>
bool any_row(const std::vector<Row>& rows, Predicate predicate) {
  return std::any_of(rows.begin(), rows.end(), predicate);
}

std::string id_cell(const std::string& id) { return "<td><code>" + esc(id) + "</code></td>"; }

// ---- header ----

std::string fact(const std::string& name, const std::string& value_html) {
  return "<div><dt>" + esc(name) + "</dt><dd>" + value_html + "</dd></div>";
}

std::string render_header(const machine_profile& p) {
  const device_info& d = p.device;
  std::string out = "<header>";
  out += R"(<p class="eyebrow">rafter machine profile</p>)";
  out += "<h1>" + esc(d.name) + "</h1>";
  std::vector<std::string> subtitle{to_string(d.kind)};
  if (!d.vendor.empty()) subtitle.push_back(d.vendor);
  if (!d.architecture.empty()) subtitle.push_back(d.architecture);
  std::string sub;
  for (const auto& s : subtitle) sub += (sub.empty() ? "" : " &middot; ") + esc(s);
  out += R"(<p class="subtitle">)" + sub + "</p>";

  out += R"(<dl class="facts">)";
  out += fact("Kind", esc(to_string(d.kind)));
  if (!d.vendor.empty()) out += fact("Vendor", esc(d.vendor));
  if (!d.architecture.empty()) out += fact("Architecture", esc(d.architecture));
  if (d.compute_units) {
    out += fact("Compute units",
                esc(std::to_string(*d.compute_units) + (d.compute_unit_name.empty() ? "" : " " + d.compute_unit_name)));
  }
  std::vector<std::string> clocks;
  if (d.base_clock_hz) clocks.push_back("base " + format_hertz(*d.base_clock_hz));
  if (d.max_clock_hz) clocks.push_back("max " + format_hertz(*d.max_clock_hz));
  if (d.measured_clock_hz) clocks.push_back("measured " + format_hertz(*d.measured_clock_hz));
  if (!clocks.empty()) {
    std::string text;
    for (const auto& c : clocks) text += (text.empty() ? "" : " · ") + c;
    out += fact("Clocks", esc(text));
  }
  if (d.memory_bytes || !d.memory_type.empty()) {
    std::string text = d.memory_bytes ? format_capacity(*d.memory_bytes) : "";
    if (!d.memory_type.empty()) text += (text.empty() ? "" : " ") + d.memory_type;
    out += fact("Memory", esc(text));
  }
  if (!d.caches.empty()) {
    std::string text;
    for (const auto& c : d.caches) {
      if (!text.empty()) text += " · ";
      text += upper(c.level) + " " + format_capacity(c.capacity_bytes);
      if (c.instances > 1) text += " × " + std::to_string(c.instances);
    }
    out += fact("Caches", esc(text));
  }
  if (!d.driver_version.empty()) out += fact("Driver", esc(d.driver_version));
  if (!d.toolkit_version.empty()) out += fact("Toolkit", esc(d.toolkit_version));
  out += fact("How obtained", d.obtained.empty() ? std::string(k_dash) : esc(d.obtained));
  if (!d.source_url.empty()) out += fact("Device facts from", html_link(d.source_url, d.source_url));
  std::string generator = esc(p.generator.tool);
  if (!p.generator.version.empty()) generator += " " + esc(p.generator.version);
  if (!p.generator.created_utc.empty()) generator += " &middot; " + esc(p.generator.created_utc);
  out += fact("Generated by", generator);
  if (!p.generator.command.empty()) out += fact("Command", "<code>" + esc(p.generator.command) + "</code>");
  out += "</dl>";

  if (!d.environment.empty()) {
    out += R"(<details class="environment" open><summary>Environment</summary><dl class="kv">)";
    for (const auto& [key, value] : d.environment) {
      out += "<dt>" + esc(key) + "</dt><dd>" + esc(value) + "</dd>";
    }
    out += "</dl></details>";
  }
  out += R"(<p class="units-note">Units: rates use decimal prefixes (1 GB/s = 10<sup>9</sup> B/s, )"
         R"(1 TFLOP/s = 10<sup>12</sup> FLOP/s); capacities use binary prefixes (1 KiB = 1024 B, 1 MiB = 1024 KiB). )"
         R"(Arithmetic intensity is FLOP per byte moved.</p>)";
  out += "</header>";
  return out;
}

std::string render_warnings(const machine_profile& p) {
  if (p.warnings.empty()) return "";
  std::string out = R"(<section class="warnings" id="warnings" role="alert"><h2>&#9888; )" +
                    esc(std::to_string(p.warnings.size()) + (p.warnings.size() == 1 ? " warning" : " warnings")) +
                    "</h2><ul>";
  for (const auto& w : p.warnings) out += "<li>" + esc(w) + "</li>";
  return out + "</ul></section>";
}

// ---- roofline ----

std::string render_roofline(const machine_profile& p) {
  std::string out = R"(<section id="roofline"><h2>Roofline</h2>)";
  const roofline rl = roofline::from_profile(p);
  if (rl.compute().empty() && rl.memory().empty()) {
    return out + "<p class=\"empty\">This profile has no compute ceilings and no memory bandwidths, so there is no "
                 "roofline to draw.</p></section>";
  }
  const auto top = rl.top_compute();
  std::vector<compute_roof> computes = rl.compute();
  std::stable_sort(computes.begin(), computes.end(), [](const auto& a, const auto& b) { return a.flop_per_s > b.flop_per_s; });
  std::vector<memory_roof> memories = rl.memory();
  std::stable_sort(memories.begin(), memories.end(), [](const auto& a, const auto& b) { return a.bytes_per_s > b.bytes_per_s; });

  // Axis ranges: all ridges with a margin of about 1.5 decades each side; y from where the slowest
  // memory roof enters the plot (or below the lowest compute roof) to above the top roof.
  double ai_lo = 0.01;
  double ai_hi = 100.0;
  if (top && !memories.empty()) {
    const double r_min = ridge_point(top->flop_per_s, memories.front().bytes_per_s);
    const double r_max = ridge_point(top->flop_per_s, memories.back().bytes_per_s);
    ai_lo = r_min / 30.0;
    ai_hi = r_max * 30.0;
  }
  double x_min = std::pow(10.0, std::floor(std::log10(ai_lo)));
  double x_max = std::pow(10.0, std::ceil(std::log10(ai_hi)));
  while (std::log10(x_max / x_min) < 3.5) {
    x_min /= 10.0;
    if (std::log10(x_max / x_min) < 3.5) x_max *= 10.0;
  }
  double y_high = top ? top->flop_per_s : memories.front().bytes_per_s * x_max;
  double y_low = y_high;
  if (!computes.empty()) y_low = std::min(y_low, computes.back().flop_per_s / 3.0);
  if (!memories.empty()) y_low = std::min(y_low, memories.back().bytes_per_s * x_min);
  const double y_min = std::pow(10.0, std::floor(std::log10(y_low)));
  double y_max = nice_log_range(y_high * 2.0, y_high * 2.0).second;
  if (y_max / y_min < 100.0) y_max = y_min * 100.0;

  svg_chart chart("roofline-chart");
  chart.set_title("Roofline of " + p.device.name + ": attainable FLOP/s versus arithmetic intensity");
  chart.set_x_axis({"Arithmetic intensity (FLOP/byte)", axis_scale::log, tick_style::plain, "", x_min, x_max});
  chart.set_y_axis({"Attainable performance (FLOP/s)", axis_scale::log, tick_style::decimal_si, "FLOP/s", y_min, y_max});

  bool any_datasheet = false;
  bool any_measured = false;

  // Compute roofs: horizontal, from where the fastest memory roof reaches them to the right edge.
  // Roofs within 5% of each other cannot be told apart on a log axis: they share one label.
  std::size_t group = 0;
  for (std::size_t first = 0; first < computes.size(); ++group) {
    std::size_t last = first;
    while (last + 1 < computes.size() && computes[last + 1].flop_per_s * 1.05 >= computes[first].flop_per_s) ++last;
    const double top_value = computes[first].flop_per_s;
    const bool all_equal = computes[last].flop_per_s == top_value;
    std::string ids;
    std::set<std::string> sources;
    bool unsettled = false;
    const std::string color = k_compute_colors[group % k_compute_colors.size()];
    for (std::size_t k = first; k <= last; ++k) {
      const compute_roof& roof = computes[k];
      const compute_ceiling* c = p.find_compute(roof.id);
      const figure_source source = c ? c->source : figure_source::measured;
      (source == figure_source::datasheet ? any_datasheet : any_measured) = true;
      sources.insert(to_string(source));
      unsettled = unsettled || (c && c->samples && !c->samples->settled);
      ids += (ids.empty() ? "" : ", ") + roof.id + (all_equal ? "" : " " + format_flops(roof.flop_per_s));
      std::string tooltip = roof.id + ": " + format_flops(roof.flop_per_s) + ", " + to_string(source);
      if (c && !c->method.empty()) tooltip += "\n" + c->method;
      const double start = memories.empty() ? x_min : std::max(x_min, roof.flop_per_s / memories.front().bytes_per_s);
      chart.add_line({{start, roof.flop_per_s}, {x_max, roof.flop_per_s}}, color, group == 0 ? 2.5 : 1.8,
                     source == figure_source::datasheet ? line_dash::dashed : line_dash::solid, tooltip);
    }
    std::string source_text;
    for (const auto& name : sources) source_text += (source_text.empty() ? "" : " + ") + name;
    std::string text = ids + (all_equal ? " · " + format_flops(top_value) : "") + " · " + source_text;
    if (unsettled) text += " · unsettled";
    chart.add_label({x_max, top_value}, text, color, text_anchor::end, -6.0, -6.0, nudge::vertical, 0.0, group == 0);
    first = last + 1;
  }

  // Memory roofs: slanted, from the left edge to the ridge with the top compute roof.
  std::string ridge_rows;
  for (std::size_t i = 0; i < memories.size(); ++i) {
    const auto& roof = memories[i];
    const memory_level* m = p.find_memory(roof.level);
    const figure_source source = m ? m->source : figure_source::measured;
    (source == figure_source::datasheet ? any_datasheet : any_measured) = true;
    const std::string color = k_memory_colors[i % k_memory_colors.size()];
    const std::string quantity = m ? roofline_quantity(*m) : "read";
    const std::string text = roof.level + " " + quantity + " · " + format_bandwidth(roof.bytes_per_s) + " · " + to_string(source);
    const double end = top ? ridge_point(top->flop_per_s, roof.bytes_per_s) : x_max;
    chart.add_line({{x_min, x_min * roof.bytes_per_s}, {end, end * roof.bytes_per_s}}, color, 2.0,
                   source == figure_source::datasheet ? line_dash::dashed : line_dash::solid,
                   text + (m && !m->method.empty() ? "\n" + m->method : ""));
    chart.add_legend_entry(text, color, source == figure_source::datasheet ? line_dash::dashed : line_dash::solid);
    if (!top) continue;
    const double ridge = end;
    const std::string ridge_text = "ridge " + roof.level + ": " + format_intensity(ridge);
    chart.add_line({{ridge, y_min}, {ridge, top->flop_per_s}}, color, 1.0, line_dash::dotted, {}, 0.8);
    chart.add_marker({ridge, top->flop_per_s}, color,
                     "Ridge point of " + roof.level + ": " + format_intensity(ridge) + " = " +
                         format_flops(top->flop_per_s) + " (" + top->id + ") / " + format_bandwidth(roof.bytes_per_s) +
                         " (" + roof.level + " " + quantity + ")",
                     4.0);
    chart.add_label({ridge, y_min}, ridge_text, color, text_anchor::start, -4.0, -6.0, nudge::horizontal, -90.0);
    ridge_rows += "<tr><td><code>" + esc(roof.level) + "</code></td>" +
                  figure_cell(roof.bytes_per_s, format_bandwidth) + figure_cell(ridge, format_intensity) +
                  "<td><code>" + esc(top->id) + "</code></td></tr>";
  }
  if (any_datasheet && any_measured) {
    chart.add_legend_entry("measured", "#374151", line_dash::solid);
    chart.add_legend_entry("datasheet", "#374151", line_dash::dashed);
  }

  out += R"(<p class="lede">Attainable performance = min(compute roof, arithmetic intensity × bandwidth). )"
         R"(Horizontal lines are compute ceilings, slanted lines are memory levels )"
         R"((dashed: datasheet figure, solid: measured). The dotted verticals mark each memory level's ridge point )"
         R"(against the top compute roof: kernels left of it are bandwidth-bound.</p>)";
  out += R"(<figure class="chart-figure">)" + chart.render() + "</figure>";
  if (memories.empty()) {
    out += R"(<p class="empty">No memory level has a bandwidth, so the roofline shows compute roofs only.</p>)";
  }
  if (computes.empty()) {
    out += R"(<p class="empty">No compute ceilings: the roofline shows memory roofs only and has no ridge points.</p>)";
  }
  if (!ridge_rows.empty()) {
    out += R"(<table class="sortable compact"><caption>Ridge points against the top compute roof</caption>)"
           R"(<thead><tr><th>Level</th><th class="num">Bandwidth</th><th class="num">Ridge point</th><th>Compute roof</th></tr></thead><tbody>)" +
           ridge_rows + "</tbody></table>";
  }
  return out + "</section>";
}

// ---- curves ----

struct curve_chart_spec {
  const char* kind;         ///< "bandwidth" or "latency".
  const char* section_id;
  const char* heading;
  const char* chart_id;
  const char* y_title;
  const char* y_unit;
  std::function<std::string(double)> format;
};

std::string render_curves(const machine_profile& p, const curve_chart_spec& spec) {
  std::string out = fmt::format(R"(<section id="{}"><h2>{}</h2>)", spec.section_id, spec.heading);
  std::vector<const curve*> curves;
  for (const auto& c : p.curves) {
    if (c.kind != spec.kind) continue;
    const bool drawable = std::any_of(c.points.begin(), c.points.end(),
                                      [](const curve_point& pt) { return pt.x > 0.0 && pt.y.median > 0.0; });
    if (drawable) curves.push_back(&c);
  }
  if (curves.empty()) {
    return out + fmt::format(R"(<p class="empty">This profile has no {} curves (no sweep was recorded), so there is no chart.</p></section>)",
                             spec.kind);
  }
  std::stable_sort(curves.begin(), curves.end(),
                   [](const curve* a, const curve* b) { return access_rank(a->access) < access_rank(b->access); });

  double x_lo = INFINITY;
  double x_hi = 0.0;
  double y_lo = INFINITY;
  double y_hi = 0.0;
  for (const curve* c : curves) {
    for (const auto& pt : c->points) {
      if (!(pt.x > 0.0) || !(pt.y.median > 0.0)) continue;
      x_lo = std::min(x_lo, pt.x);
      x_hi = std::max(x_hi, pt.x);
      y_lo = std::min(y_lo, pt.y.min > 0.0 ? pt.y.min : pt.y.median);
      y_hi = std::max(y_hi, std::max(pt.y.max, pt.y.median));
    }
    for (const auto& pl : c->plateaus) {
      if (pl.value > 0.0) {
        y_lo = std::min(y_lo, pl.value);
        y_hi = std::max(y_hi, pl.value);
      }
    }
  }
  // Bandwidth curves run on every core: a cache holds capacity x instances. The latency chase
  // runs on one thread: one instance's capacity is what it sees.
  const bool one_thread = std::string(spec.kind) != "bandwidth";
  auto marked_capacity = [&](const auto& cache) {
    return one_thread ? cache.capacity_bytes : cache.capacity_bytes * cache.instances;
  };
  for (const auto& cache : p.device.caches) {
    const double total = marked_capacity(cache);
    if (total > 0.0) {
      x_lo = std::min(x_lo, total);
      x_hi = std::max(x_hi, total);
    }
  }
  const auto [x_min, x_max] = binary_log_range(x_lo, x_hi);
  const auto [y_min, y_max] = nice_log_range(y_lo / 1.2, y_hi * 1.6);  // Headroom for labels above the top curve.

  svg_chart chart(spec.chart_id);
  chart.set_title(std::string(spec.heading) + " of " + p.device.name);
  chart.set_x_axis({std::string(spec.kind) == "bandwidth" ? "Working set (bytes)" : "Footprint (bytes)", axis_scale::log,
                    tick_style::binary_capacity, "", x_min, x_max});
  chart.set_y_axis({spec.y_title, axis_scale::log, tick_style::decimal_si, spec.y_unit, y_min, y_max});

  for (const auto& cache : p.device.caches) {
    const double total = marked_capacity(cache);
    if (!(total > 0.0)) continue;
    std::string label = cache_label(cache, p.device);
    std::string tooltip = upper(cache.level) + ": " + format_capacity(cache.capacity_bytes);
    if (one_thread) {
      label = upper(cache.level) + (cache.instances > 1 ? " (one instance)" : "");
      if (cache.instances > 1) tooltip += " per instance, " + std::to_string(cache.instances) + " instances";
    } else if (cache.instances > 1) {
      tooltip += " × " + std::to_string(cache.instances) + " = " + format_capacity(total);
    }
    chart.add_vertical_marker(total, label + " · " + format_capacity(total), k_cache_color, tooltip);
  }

  // Plateaus are labelled once per level, above the highest plateau of that level.
  struct level_mark {
    double x_min = INFINITY, x_max = 0.0, value = 0.0;
  };
  std::map<std::string, level_mark> level_marks;
  std::vector<std::string> level_order;
  std::set<std::string> used_names;
  for (std::size_t i = 0; i < curves.size(); ++i) {
    const curve& c = *curves[i];
    const std::string color = access_color(c.access, i);
    std::vector<curve_point> points = c.points;
    std::sort(points.begin(), points.end(), [](const auto& a, const auto& b) { return a.x < b.x; });
    std::vector<chart_point> median;
    std::vector<chart_point> lower;
    std::vector<chart_point> upper_edge;
    for (const auto& pt : points) {
      if (!(pt.x > 0.0) || !(pt.y.median > 0.0)) continue;
      median.push_back({pt.x, pt.y.median});
      lower.push_back({pt.x, pt.y.min > 0.0 ? pt.y.min : pt.y.median});
      upper_edge.push_back({pt.x, std::max(pt.y.max, pt.y.median)});
    }
    const std::string name = used_names.insert(c.access).second && !c.access.empty() ? c.access : c.id;
    used_names.insert(name);
    chart.add_band(lower, upper_edge, color, 0.16);
    chart.add_line(median, color, 2.0, line_dash::solid, c.id + " (" + c.access + ")");
    for (const auto& pt : points) {
      if (!(pt.x > 0.0) || !(pt.y.median > 0.0)) continue;
      chart.add_marker({pt.x, pt.y.median}, color,
                       c.id + " at " + format_capacity(pt.x) + ": " + spec.format(pt.y.median) + " (" +
                           stats_tooltip(pt.y, spec.format) + ")",
                       pt.y.settled ? 2.5 : 3.5);
    }
    for (const auto& pl : c.plateaus) {
      if (!(pl.value > 0.0) || !(pl.x_max > 0.0)) continue;
      const std::string level = pl.level.empty() ? "no matching level" : pl.level;
      chart.add_line({{std::max(pl.x_min, x_min), pl.value}, {pl.x_max, pl.value}}, color, 7.0, line_dash::solid,
                     "Plateau " + level + " (" + c.access + "): " + spec.format(pl.value) + " from " +
                         format_capacity(pl.x_min) + " to " + format_capacity(pl.x_max) + ", " +
                         std::to_string(pl.points) + " points",
                     0.3);
      if (pl.level.empty()) continue;  // Drawn and explained in its tooltip, not labelled.
      auto [it, inserted] = level_marks.try_emplace(level);
      if (inserted) level_order.push_back(level);
      it->second.x_min = std::min(it->second.x_min, pl.x_min);
      it->second.x_max = std::max(it->second.x_max, pl.x_max);
      it->second.value = std::max(it->second.value, pl.value);
    }
    chart.add_legend_entry(name, color);
  }
  for (const auto& level : level_order) {
    const level_mark& mark = level_marks[level];
    const double lo = std::max(mark.x_min, x_min);
    const double hi = std::max(mark.x_max, lo);
    const double centre = std::sqrt(lo * hi);
    // Above the line for bandwidth (curves fall with size), below for latency (curves rise).
    const bool above = std::string(spec.kind) == "bandwidth";
    chart.add_label({centre, mark.value}, upper(level) + " plateau", "#111827", text_anchor::middle, 0.0,
                    above ? -8.0 : 16.0, nudge::vertical, 0.0, true);
  }
  if (!level_order.empty()) chart.add_legend_entry("plateau (flat stretch)", "#9ca3af");
  if (!p.device.caches.empty()) {
    chart.add_legend_entry(one_thread ? "cache capacity (one instance)" : "cache capacity (whole device)", k_cache_color,
                           line_dash::dashed);
  }

  out += fmt::format(R"(<p class="lede">{}</p>)",
                     std::string(spec.kind) == "bandwidth"
                         ? "Bandwidth per access pattern versus working set. Lines are medians of repeated runs; the "
                           "shaded band spans min to max. Thick translucent segments are the plateaus matched to "
                           "memory levels; dashed verticals mark total cache capacity (capacity × instances)."
                         : "Latency of dependent loads versus footprint. Lines are medians of repeated runs; the "
                           "shaded band spans min to max. Thick translucent segments are the plateaus matched to "
                           "memory levels; dashed verticals mark one instance's cache capacity (one thread "
                           "chases).");
  out += R"(<figure class="chart-figure">)" + chart.render() + "</figure>";

  // The plateau figures as a table: exact numbers for what the chart shows.
  std::string rows;
  for (const curve* c : curves) {
    for (const auto& pl : c->plateaus) {
      rows += "<tr><td><code>" + esc(c->id) + "</code></td>" + text_cell(pl.level.empty() ? "no matching level" : pl.level) +
              figure_cell(pl.value, spec.format) + figure_cell(pl.x_min, format_capacity) +
              figure_cell(pl.x_max, format_capacity) + fmt::format(R"(<td class="num" data-sort="{0}">{0}</td>)", pl.points) +
              "</tr>";
    }
  }
  if (!rows.empty()) {
    // A plateau's value is its median point; a level's bandwidth ceiling is the plateau's best point.
    const std::string caption = std::string(spec.kind) == "bandwidth"
                                    ? "Plateaus (median of each stretch; a level's bandwidth ceiling, in the roofline "
                                      "and the memory levels, is the best point of its stretch)"
                                    : "Plateaus (median of each stretch: a level's latency)";
    out += R"(<table class="sortable compact"><caption>)" + esc(caption) +
           R"(</caption><thead><tr><th>Curve</th><th>Level</th>)"
           R"(<th class="num">Median</th><th class="num">From</th><th class="num">To</th><th class="num">Points</th></tr></thead><tbody>)" +
           rows + "</tbody></table>";
  }
  return out + "</section>";
}

// ---- tables ----

/// FLOP/s, or OP/s for an integer precision (format_compute_rate).
std::string (*rate_format(const compute_ceiling& c))(double) {
  return is_integer_precision(c.precision) ? +[](double v) { return format_si(v, "OP/s"); } : format_flops;
}

std::string render_compute_table(const machine_profile& p) {
  std::string out = R"(<section id="compute"><h2>Compute ceilings</h2>)";
  if (p.compute.empty()) return out + R"(<p class="empty">No compute ceilings in this profile.</p></section>)";
  using row = compute_ceiling;
  const auto& rows = p.compute;
  const bool samples = any_row(rows, [](const row& c) { return c.samples.has_value(); });
  std::vector<column<row>> columns{
      {"ID", [](const row& c) { return id_cell(c.id); }},
      {"Precision", [](const row& c) { return text_cell(c.precision); }},
      {"Unit", [](const row& c) { return text_cell(c.unit); }},
      {"Peak", [](const row& c) { return figure_cell(c.flop_per_s, rate_format(c)); }, true, true},
      {"Source", [](const row& c) { return source_cell(c.source, c.source_url); }},
  };
  const std::array<const char*, 5> stat_names{"Median", "Min", "Max", "n", "Settled"};
  for (int k = 0; k < 5; ++k) {
    columns.push_back({stat_names[k], [k](const row& c) { return stat_cell(c.samples, rate_format(c), k); }, samples, k < 4});
  }
  columns.push_back({"Clock", [](const row& c) { return figure_cell(c.clock_hz, format_hertz); },
                     any_row(rows, [](const row& c) { return c.clock_hz.has_value(); }), true});
  columns.push_back({"Method", [](const row& c) { return text_cell(c.method, "prose"); },
                     any_row(rows, [](const row& c) { return !c.method.empty(); })});
  columns.push_back({"Note", [](const row& c) { return text_cell(c.note, "prose"); },
                     any_row(rows, [](const row& c) { return !c.note.empty(); })});
  return out + render_table(rows, columns) + "</section>";
}

std::string render_memory_table(const machine_profile& p) {
  std::string out = R"(<section id="memory"><h2>Memory levels</h2>)";
  if (p.memory.empty()) return out + R"(<p class="empty">No memory levels in this profile.</p></section>)";
  using row = memory_level;
  const auto& rows = p.memory;
  auto sample = [](const row& m, const char* key) -> const sample_stats* {
    const auto it = m.samples.find(key);
    return it == m.samples.end() ? nullptr : &it->second;
  };
  using field = std::optional<double> memory_level::*;
  auto figure_column = [&](const char* header, field member, const char* key,
                           std::string (*format)(double)) -> column<row> {
    return {header, [=](const row& m) { return figure_cell(m.*member, format, key ? sample(m, key) : nullptr); },
            any_row(rows, [&](const row& m) { return (m.*member).has_value(); }), true};
  };
  const std::vector<column<row>> columns{
      {"Level", [](const row& m) { return id_cell(m.level); }},
      figure_column("Read", &memory_level::read_bytes_per_s, "read", format_bandwidth),
      figure_column("Write", &memory_level::write_bytes_per_s, "write", format_bandwidth),
      figure_column("Copy", &memory_level::copy_bytes_per_s, "copy", format_bandwidth),
      figure_column("Triad", &memory_level::triad_bytes_per_s, "triad", format_bandwidth),
      figure_column("Latency", &memory_level::latency_s, "latency", format_seconds),
      {"Latency (cycles)",
       [](const row& m) { return figure_cell(m.latency_cycles, [](double v) { return format_count(v) + " cycles"; }); },
       any_row(rows, [](const row& m) { return m.latency_cycles.has_value(); }), true},
      figure_column("Capacity", &memory_level::capacity_bytes, nullptr, format_capacity),
      figure_column("Clock", &memory_level::clock_hz, nullptr, format_hertz),
      {"Source", [](const row& m) { return source_cell(m.source, m.source_url); }},
      {"Method", [](const row& m) { return text_cell(m.method, "prose"); },
       any_row(rows, [](const row& m) { return !m.method.empty(); })},
      {"Note", [](const row& m) { return text_cell(m.note, "prose"); },
       any_row(rows, [](const row& m) { return !m.note.empty(); })},
  };
  return out + render_table(rows, columns) +
         R"(<p class="hint">Hover a figure for the spread of its repetitions; <span class="flag">&#9888;</span> marks a figure whose repetitions did not settle.</p></section>)";
}

std::string render_links_table(const machine_profile& p) {
  std::string out = R"(<section id="links"><h2>Links</h2>)";
  if (p.links.empty()) return out + R"(<p class="empty">No link ceilings in this profile.</p></section>)";
  using row = link_ceiling;
  const auto& rows = p.links;
  const bool samples = any_row(rows, [](const row& l) { return l.samples.has_value(); });
  std::vector<column<row>> columns{
      {"ID", [](const row& l) { return id_cell(l.id); }},
      {"Bandwidth", [](const row& l) { return figure_cell(l.bytes_per_s, format_bandwidth); }, true, true},
      {"Latency", [](const row& l) { return figure_cell(l.latency_s, format_seconds); },
       any_row(rows, [](const row& l) { return l.latency_s.has_value(); }), true},
      {"Source", [](const row& l) { return source_cell(l.source, l.source_url); }},
  };
  const std::array<const char*, 5> stat_names{"Median", "Min", "Max", "n", "Settled"};
  for (int k = 0; k < 5; ++k) {
    columns.push_back({stat_names[k], [k](const row& l) { return stat_cell(l.samples, format_bandwidth, k); }, samples, k < 4});
  }
  columns.push_back({"Method", [](const row& l) { return text_cell(l.method, "prose"); },
                     any_row(rows, [](const row& l) { return !l.method.empty(); })});
  columns.push_back({"Note", [](const row& l) { return text_cell(l.note, "prose"); },
                     any_row(rows, [](const row& l) { return !l.note.empty(); })});
  return out + render_table(rows, columns) + "</section>";
}

constexpr const char* k_style = R"css(
:root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --accent: #2563eb; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1260px; margin: 0 auto; padding: 24px 24px 48px; }
header, section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 18px 22px; margin: 0 0 18px; }
h1 { font-size: 26px; margin: 0 0 2px; overflow-wrap: anywhere; }
h2 { font-size: 18px; margin: 0 0 10px; }
.eyebrow { margin: 0; color: var(--muted); text-transform: uppercase; letter-spacing: .08em; font-size: 11px; }
.subtitle { margin: 0 0 12px; color: var(--muted); }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 8px 18px; margin: 0; }
dl.facts div { min-width: 0; }
dl.facts dt, dl.kv dt { color: var(--muted); font-size: 12px; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
details.environment { margin-top: 12px; }
details.environment summary { cursor: pointer; color: var(--muted); font-size: 12px; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0 0; }
dl.kv dt { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
dl.kv dd { margin: 0; overflow-wrap: anywhere; }
.units-note { margin: 12px 0 0; font-size: 12px; color: var(--muted); }
nav.toc { margin: 0 0 18px; font-size: 13px; }
nav.toc a { color: var(--accent); text-decoration: none; margin-right: 14px; }
.warnings { border: 1px solid #f59e0b; border-left: 6px solid #d97706; background: #fffbeb; }
.warnings h2 { color: #92400e; }
.warnings ul { margin: 0; padding-left: 20px; }
.warnings li { overflow-wrap: anywhere; }
.lede { margin: 0 0 10px; color: #374151; max-width: 820px; }
.empty { color: var(--muted); font-style: italic; }
figure.chart-figure { margin: 0 0 12px; }
svg.chart { width: 100%; max-width: 880px; height: auto; display: block; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
table.compact { width: auto; min-width: 420px; margin-top: 6px; }
caption { text-align: left; color: var(--muted); font-size: 12px; padding: 0 0 4px; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; white-space: nowrap; }
th.num { text-align: right; }
table.sortable th { cursor: pointer; user-select: none; }
th[aria-sort="ascending"]::after { content: " \25B2"; font-size: 10px; }
th[aria-sort="descending"]::after { content: " \25BC"; font-size: 10px; }
tbody tr:nth-child(even) { background: #fafafa; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.missing { color: #9ca3af; }
td.prose { min-width: 240px; color: #374151; overflow-wrap: anywhere; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; overflow-wrap: anywhere; }
td code { white-space: nowrap; overflow-wrap: normal; }
.badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 11px; border: 1px solid; }
.badge.measured { color: #065f46; border-color: #6ee7b7; background: #ecfdf5; }
.badge.datasheet { color: #1e3a8a; border-color: #93c5fd; background: #eff6ff; }
.flag { color: #b45309; font-weight: 600; white-space: nowrap; }
.ok { color: #047857; white-space: nowrap; }
.hint { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
a { color: var(--accent); }
footer { color: var(--muted); font-size: 12px; text-align: center; }
@media print { body { background: #fff; } header, section { break-inside: avoid; border-color: #ccc; } }
)css";


}  // namespace

std::string render_machine_html(const machine_profile& profile) {
  std::string html;
  html.reserve(64 * 1024);
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<meta name=\"generator\" content=\"rafter " + esc(version_string) + "\">\n";
  html += "<title>" + esc(profile.device.name) + " &#8212; rafter machine profile</title>\n";
  html += "<style>" + std::string(k_style) + "</style>\n</head>\n<body>\n<main>\n";
  html += render_header(profile) + "\n";
  html += render_warnings(profile) + "\n";
  html += R"(<nav class="toc" aria-label="Contents">)";
  if (!profile.warnings.empty()) html += R"(<a href="#warnings">Warnings</a>)";
  html += R"(<a href="#roofline">Roofline</a><a href="#bandwidth">Bandwidth</a><a href="#latency">Latency</a>)"
          R"(<a href="#compute">Compute ceilings</a><a href="#memory">Memory levels</a><a href="#links">Links</a></nav>)";
  html += "\n" + render_roofline(profile) + "\n";
  html += render_curves(profile, {"bandwidth", "bandwidth", "Bandwidth versus working set", "bandwidth-chart",
                                  "Bandwidth (B/s)", "B/s", format_bandwidth}) + "\n";
  html += render_curves(profile, {"latency", "latency", "Latency versus footprint", "latency-chart",
                                  "Latency per access (s)", "s", format_seconds}) + "\n";
  html += render_compute_table(profile) + "\n";
  html += render_memory_table(profile) + "\n";
  html += render_links_table(profile) + "\n";
  html += "<footer>Rendered by rafter " + esc(version_string) +
          " from a rafter.machine/1 profile. Self-contained: no external resources.</footer>\n";
  html += "</main>\n<script>" + std::string(sortable_tables_script) + "</script>\n</body>\n</html>\n";
  return html;
}

}  // namespace rafter

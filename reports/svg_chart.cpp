#include "reports/svg_chart.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/units.hpp"
#include "reports/html_escape.hpp"

namespace rafter {

namespace {

constexpr double k_font_px = 11.0;
constexpr double k_char_px = 0.6 * k_font_px;  // Conservative average advance of a sans-serif glyph.
constexpr const char* k_halo = R"( paint-order="stroke" stroke="#ffffff" stroke-width="3" stroke-linejoin="round")";

std::string px(double v) { return fmt::format("{:.1f}", v); }

/// Code points in UTF-8 text (continuation bytes skipped): the width estimate of labels.
double text_width(std::string_view text) {
  std::size_t glyphs = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++glyphs;
  }
  return static_cast<double>(glyphs) * k_char_px;
}

const char* dash_array(line_dash dash) {
  switch (dash) {
    case line_dash::dashed: return R"( stroke-dasharray="6 4")";
    case line_dash::dotted: return R"( stroke-dasharray="2 3")";
    case line_dash::solid: return "";
  }
  return "";
}

const char* anchor_name(text_anchor anchor) {
  switch (anchor) {
    case text_anchor::start: return "start";
    case text_anchor::middle: return "middle";
    case text_anchor::end: return "end";
  }
  return "start";
}

/// "1.50 GB/s" -> "1.5 GB/s", "2.00 k" -> "2 k"; trailing blanks removed.
std::string strip_zeros(std::string text) {
  const std::size_t space = text.find(' ');
  std::string number = text.substr(0, space);
  std::string rest = space == std::string::npos ? "" : text.substr(space);
  if (number.find('.') != std::string::npos) {
    while (!number.empty() && number.back() == '0') number.pop_back();
    if (!number.empty() && number.back() == '.') number.pop_back();
  }
  while (!rest.empty() && rest.back() == ' ') rest.pop_back();
  return number + rest;
}

bool usable(const chart_axis& axis, double v) {
  return std::isfinite(v) && (axis.scale == axis_scale::linear || v > 0.0);
}

double to_unit(const chart_axis& axis, double v) {
  if (axis.scale == axis_scale::linear) return (v - axis.min) / (axis.max - axis.min);
  const double lo = std::log10(axis.min);
  const double hi = std::log10(axis.max);
  const double safe = v > 0.0 ? v : std::numeric_limits<double>::min();
  return (std::log10(safe) - lo) / (hi - lo);
}

}  // namespace

// ---- ticks and ranges ----

std::vector<double> axis_ticks(const chart_axis& axis) {
  std::vector<double> ticks;
  if (!(axis.max > axis.min)) return ticks;
  if (axis.scale == axis_scale::linear) {
    const double raw = (axis.max - axis.min) / 6.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude * 10.0;
    for (const double m : {1.0, 2.0, 5.0, 10.0}) {
      if (magnitude * m >= raw) {
        step = magnitude * m;
        break;
      }
    }
    for (double v = std::ceil(axis.min / step - 1e-9) * step; v <= axis.max * (1.0 + 1e-12) + 1e-300; v += step) {
      ticks.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
    }
    return ticks;
  }
  if (!(axis.min > 0.0)) return ticks;
  if (axis.ticks == tick_style::binary_capacity) {
    const int e_lo = static_cast<int>(std::ceil(std::log2(axis.min) - 1e-9));
    const int e_hi = static_cast<int>(std::floor(std::log2(axis.max) + 1e-9));
    const int count = e_hi - e_lo + 1;
    int step = 20;
    for (const int s : {1, 2, 5, 10, 20}) {
      if ((count + s - 1) / s <= 10) {
        step = s;
        break;
      }
    }
    for (int e = e_lo; e <= e_hi; ++e) {
      if (((e % step) + step) % step == 0) ticks.push_back(std::ldexp(1.0, e));
    }
    return ticks;
  }
  const int e_lo = static_cast<int>(std::ceil(std::log10(axis.min) - 1e-9));
  const int e_hi = static_cast<int>(std::floor(std::log10(axis.max) + 1e-9));
  const int decades = e_hi - e_lo + 1;
  if (decades < 3) {
    const int first = static_cast<int>(std::floor(std::log10(axis.min)));
    for (int e = first; e <= e_hi; ++e) {
      for (const double m : {1.0, 2.0, 5.0}) {
        const double v = m * std::pow(10.0, e);
        if (v >= axis.min * (1.0 - 1e-9) && v <= axis.max * (1.0 + 1e-9)) ticks.push_back(v);
      }
    }
    return ticks;
  }
  const int step = std::max(1, (decades + 9) / 10);
  for (int e = e_lo; e <= e_hi; ++e) {
    if (((e % step) + step) % step == 0) ticks.push_back(std::pow(10.0, e));
  }
  return ticks;
}

std::string tick_label(const chart_axis& axis, double value) {
  switch (axis.ticks) {
    case tick_style::binary_capacity: return format_capacity(value);
    case tick_style::plain:
      if (std::fabs(value) >= 1e4) return strip_zeros(format_si(value, axis.unit));
      return fmt::format("{:g}{}{}", value, axis.unit.empty() ? "" : " ", axis.unit);
    case tick_style::decimal_si: return strip_zeros(format_si(value, axis.unit));
  }
  return fmt::format("{:g}", value);
}

std::pair<double, double> nice_log_range(double lo, double hi) {
  auto down = [](double v) {
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    const double m = v / p;
    if (m >= 5.0 * (1.0 - 1e-9)) return 5.0 * p;
    if (m >= 2.0 * (1.0 - 1e-9)) return 2.0 * p;
    return p;
  };
  auto up = [](double v) {
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    const double m = v / p;
    if (m <= 1.0 * (1.0 + 1e-9)) return p;
    if (m <= 2.0 * (1.0 + 1e-9)) return 2.0 * p;
    if (m <= 5.0 * (1.0 + 1e-9)) return 5.0 * p;
    return 10.0 * p;
  };
  double a = down(lo);
  double b = up(hi);
  if (!(b > a)) {
    a = down(a * 0.9);
    b = up(b * 1.1);
  }
  return {a, b};
}

std::pair<double, double> binary_log_range(double lo, double hi) {
  double a = std::exp2(std::floor(std::log2(lo) + 1e-9));
  double b = std::exp2(std::ceil(std::log2(hi) - 1e-9));
  if (!(b > a)) {
    a /= 2.0;
    b *= 2.0;
  }
  return {a, b};
}

// ---- builder ----

svg_chart::svg_chart(std::string id, int width, int height)
    : m_id(std::move(id)), m_width(width), m_height(height) {}

void svg_chart::set_title(std::string title) { m_title = std::move(title); }
void svg_chart::set_x_axis(chart_axis axis) {
  m_x = std::move(axis);
  update_layout();
}
void svg_chart::set_y_axis(chart_axis axis) {
  m_y = std::move(axis);
  update_layout();
}

void svg_chart::update_layout() {
  // The y tick labels end 7 px left of the frame; the rotated y title needs about 24 px more.
  double widest = 0.0;
  if (m_y.max > m_y.min && (m_y.scale == axis_scale::linear || m_y.min > 0.0)) {
    for (const double v : axis_ticks(m_y)) widest = std::max(widest, text_width(tick_label(m_y, v)));
  }
  m_margin_left = std::max(60.0, widest + 34.0);

  // Vertical-marker labels: centred on their line, each in the first row where it fits.
  m_vertical_rows.assign(m_verticals.size(), -1);
  if (!(m_x.max > m_x.min) || (m_x.scale == axis_scale::log && !(m_x.min > 0.0))) {
    m_top_band = 0.0;
    return;
  }
  constexpr int k_max_rows = 4;
  std::vector<std::vector<std::pair<double, double>>> rows(k_max_rows);
  int used_rows = 0;
  std::vector<std::size_t> order(m_verticals.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return m_verticals[a].x < m_verticals[b].x; });
  for (const std::size_t i : order) {
    const auto& v = m_verticals[i];
    if (v.label.empty() || !usable(m_x, v.x)) continue;
    const double x = x_to_px(v.x);
    if (x < plot_left() - 0.5 || x > plot_right() + 0.5) continue;
    const double w = text_width(v.label);
    const double x0 = std::clamp(x - w / 2.0, 2.0, m_width - 2.0 - w);
    const double x1 = x0 + w;
    int row = k_max_rows - 1;
    for (int r = 0; r < k_max_rows; ++r) {
      const bool free = std::none_of(rows[r].begin(), rows[r].end(),
                                     [&](const auto& span) { return x0 < span.second + 8.0 && span.first < x1 + 8.0; });
      if (free) {
        row = r;
        break;
      }
    }
    rows[row].emplace_back(x0, x1);
    m_vertical_rows[i] = row;
    used_rows = std::max(used_rows, row + 1);
  }
  m_top_band = used_rows * 14.0 + (used_rows > 0 ? 4.0 : 0.0);
}

void svg_chart::add_line(std::vector<chart_point> points, std::string color, double stroke_width, line_dash dash,
                         std::string tooltip, double opacity) {
  m_lines.push_back({std::move(points), std::move(color), stroke_width, dash, std::move(tooltip), opacity});
}

void svg_chart::add_band(std::vector<chart_point> lower, std::vector<chart_point> upper, std::string color,
                         double opacity) {
  m_bands.push_back({std::move(lower), std::move(upper), std::move(color), opacity});
}

void svg_chart::add_whisker(double x, double y_low, double y_high, std::string color) {
  m_whiskers.push_back({x, y_low, y_high, std::move(color)});
}

void svg_chart::add_marker(chart_point at, std::string color, std::string tooltip, double radius) {
  m_markers.push_back({at, std::move(color), std::move(tooltip), radius});
}

void svg_chart::add_vertical_marker(double x, std::string label, std::string color, std::string tooltip) {
  m_verticals.push_back({x, std::move(label), std::move(color), std::move(tooltip)});
  update_layout();
}

void svg_chart::add_label(chart_point at, std::string text, std::string color, text_anchor anchor, double dx,
                          double dy, nudge direction, double rotate, bool bold) {
  m_labels.push_back({at, std::move(text), std::move(color), anchor, dx, dy, direction, rotate, bold});
}

void svg_chart::add_legend_entry(std::string text, std::string color, line_dash dash) {
  m_legend.push_back({std::move(text), std::move(color), dash});
}

double svg_chart::x_to_px(double x) const noexcept {
  return plot_left() + to_unit(m_x, x) * (plot_right() - plot_left());
}

double svg_chart::y_to_px(double y) const noexcept {
  return plot_bottom() - to_unit(m_y, y) * (plot_bottom() - plot_top());
}

std::string svg_chart::render_axes() const {
  std::string out;
  const double left = plot_left();
  const double right = plot_right();
  const double top = plot_top();
  const double bottom = plot_bottom();
  out += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="#ffffff" stroke="none"/>)", px(left),
                     px(top), px(right - left), px(bottom - top));

  // Minor gridlines at 2..9 times each decade of a log axis when the decades are few.
  auto minor = [](const chart_axis& axis) {
    std::vector<double> values;
    if (axis.scale != axis_scale::log || axis.ticks == tick_style::binary_capacity) return values;
    const int e_lo = static_cast<int>(std::floor(std::log10(axis.min)));
    const int e_hi = static_cast<int>(std::ceil(std::log10(axis.max)));
    if (e_hi - e_lo > 8) return values;
    for (int e = e_lo; e <= e_hi; ++e) {
      for (int m = 2; m <= 9; ++m) {
        const double v = m * std::pow(10.0, e);
        if (v > axis.min && v < axis.max) values.push_back(v);
      }
    }
    return values;
  };
  out += R"(<g stroke="#eef0f3" stroke-width="1">)";
  for (const double v : minor(m_x)) {
    const double x = x_to_px(v);
    out += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}"/>)", px(x), px(top), px(bottom));
  }
  for (const double v : minor(m_y)) {
    const double y = y_to_px(v);
    out += fmt::format(R"(<line x1="{1}" y1="{0}" x2="{2}" y2="{0}"/>)", px(y), px(left), px(right));
  }
  out += "</g>";

  const auto x_ticks = axis_ticks(m_x);
  const auto y_ticks = axis_ticks(m_y);
  out += R"(<g stroke="#d5d9e0" stroke-width="1">)";
  for (const double v : x_ticks) {
    const double x = x_to_px(v);
    out += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}"/>)", px(x), px(top), px(bottom));
  }
  for (const double v : y_ticks) {
    const double y = y_to_px(v);
    out += fmt::format(R"(<line x1="{1}" y1="{0}" x2="{2}" y2="{0}"/>)", px(y), px(left), px(right));
  }
  out += "</g>";
  out += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#8c95a3" stroke-width="1"/>)",
                     px(left), px(top), px(right - left), px(bottom - top));

  // Tick labels; a label that would touch the previous one is left out.
  out += R"(<g fill="#374151">)";
  double last_right = -1e9;
  for (const double v : x_ticks) {
    const double x = x_to_px(v);
    const std::string text = tick_label(m_x, v);
    const double w = text_width(text);
    if (x - w / 2.0 < last_right + 6.0) continue;
    last_right = x + w / 2.0;
    out += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#8c95a3"/>)", px(x), px(bottom),
                       px(bottom + 4.0));
    out += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">{}</text>)", px(x), px(bottom + 17.0),
                       html_escape(text));
  }
  double last_top = 1e9;
  for (const double v : y_ticks) {
    const double y = y_to_px(v);
    if (y + k_font_px / 2.0 > last_top - 2.0) continue;
    last_top = y - k_font_px / 2.0;
    out += fmt::format(R"(<line x1="{1}" y1="{0}" x2="{2}" y2="{0}" stroke="#8c95a3"/>)", px(y), px(left - 4.0),
                       px(left));
    out += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", px(left - 7.0), px(y + 3.8),
                       html_escape(tick_label(m_y, v)));
  }
  out += "</g>";

  // Axis titles.
  out += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#111827">{}</text>)",
                     px((left + right) / 2.0), px(bottom + 38.0), html_escape(m_x.title));
  const double cy = (top + bottom) / 2.0;
  out += fmt::format(
      R"~(<text x="16" y="{0}" text-anchor="middle" font-size="12" fill="#111827" transform="rotate(-90 16 {0})">{1}</text>)~",
      px(cy), html_escape(m_y.title));
  return out;
}

svg_chart::box svg_chart::legend_box(legend_position position) const {
  if (position == legend_position::below) {
    return {plot_left(), plot_bottom() + 48.0, plot_right(), plot_bottom() + 48.0 + legend_below_height()};
  }
  double widest = 0.0;
  for (const auto& e : m_legend) widest = std::max(widest, text_width(e.text));
  const double w = 10.0 + 22.0 + 6.0 + widest + 10.0;
  const double h = 8.0 + 16.0 * static_cast<double>(m_legend.size()) + 4.0;
  const double inset = 8.0;
  switch (position) {
    case legend_position::top_left: return {plot_left() + inset, plot_top() + inset, plot_left() + inset + w, plot_top() + inset + h};
    case legend_position::bottom_left:
      return {plot_left() + inset, plot_bottom() - inset - h, plot_left() + inset + w, plot_bottom() - inset};
    case legend_position::bottom_right:
      return {plot_right() - inset - w, plot_bottom() - inset - h, plot_right() - inset, plot_bottom() - inset};
    case legend_position::top_right:
    case legend_position::automatic:
    case legend_position::below:
    case legend_position::none:
      break;
  }
  return {plot_right() - inset - w, plot_top() + inset, plot_right() - inset, plot_top() + inset + h};
}

namespace {

/// Width of one entry of a legend laid out in rows: sample line, gap, text, gap to the next.
double below_entry_width(const std::string& text) { return 22.0 + 6.0 + text_width(text) + 20.0; }

}  // namespace

double svg_chart::legend_below_height() const {
  if (m_legend.empty()) return 0.0;
  int rows = 1;
  double x = 0.0;
  const double available = plot_right() - plot_left();
  for (const auto& e : m_legend) {
    const double w = below_entry_width(e.text);
    if (x > 0.0 && x + w > available) {
      ++rows;
      x = 0.0;
    }
    x += w;
  }
  return rows * 16.0 + 4.0;
}

legend_position svg_chart::choose_legend_position() const {
  if (m_legend_position != legend_position::automatic) return m_legend_position;
  if (m_legend.empty()) return legend_position::none;
  // Count the drawn content each corner would hide; lines are sampled every few pixels.
  std::vector<std::pair<double, double>> samples;
  auto sample_polyline = [&](const std::vector<chart_point>& points) {
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (!usable(m_x, points[i].x) || !usable(m_y, points[i].y)) continue;
      const double x1 = x_to_px(points[i].x);
      const double y1 = y_to_px(points[i].y);
      samples.emplace_back(x1, y1);
      if (i + 1 < points.size() && usable(m_x, points[i + 1].x) && usable(m_y, points[i + 1].y)) {
        const double x2 = x_to_px(points[i + 1].x);
        const double y2 = y_to_px(points[i + 1].y);
        const int n = std::clamp(static_cast<int>(std::hypot(x2 - x1, y2 - y1) / 4.0), 1, 400);
        for (int k = 1; k < n; ++k) {
          const double t = static_cast<double>(k) / n;
          samples.emplace_back(x1 + t * (x2 - x1), y1 + t * (y2 - y1));
        }
      }
    }
  };
  for (const auto& l : m_lines) sample_polyline(l.points);
  for (const auto& b : m_bands) {
    sample_polyline(b.lower);
    sample_polyline(b.upper);
  }
  for (const auto& m : m_markers) sample_polyline({m.at});
  for (const auto& l : m_labels) sample_polyline({l.at});
  for (const auto& v : m_verticals) {
    if (!usable(m_x, v.x)) continue;
    for (double y = plot_top(); y <= plot_bottom(); y += 4.0) samples.emplace_back(x_to_px(v.x), y);
  }
  for (const auto candidate : {legend_position::top_right, legend_position::top_left, legend_position::bottom_right,
                               legend_position::bottom_left}) {
    const box b = legend_box(candidate);
    if (b.x1 > plot_right() || b.x0 < plot_left() || b.y1 > plot_bottom() || b.y0 < plot_top()) continue;
    const bool hides = std::any_of(samples.begin(), samples.end(), [&](const auto& p) {
      return p.first >= b.x0 - 6 && p.first <= b.x1 + 6 && p.second >= b.y0 - 6 && p.second <= b.y1 + 6;
    });
    if (!hides) return candidate;
  }
  return legend_position::below;
}

std::pair<std::string, svg_chart::box> svg_chart::render_legend(legend_position position) const {
  if (m_legend.empty() || position == legend_position::none || position == legend_position::automatic) {
    return {"", {0, 0, 0, 0}};
  }
  const box b = legend_box(position);
  std::string out = R"(<g class="legend">)";
  auto entry = [&](const legend_item& e, double x, double y) {
    out += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5"{}/>)", px(x), px(y),
                       px(x + 22.0), px(y), html_escape(e.color), dash_array(e.dash));
    out += fmt::format(R"(<text x="{}" y="{}" fill="#1f2937">{}</text>)", px(x + 28.0), px(y + 3.8),
                       html_escape(e.text));
  };
  if (position == legend_position::below) {
    double x = b.x0;
    double y = b.y0 + 8.0;
    for (const auto& e : m_legend) {
      const double w = below_entry_width(e.text);
      if (x > b.x0 && x + w > b.x1) {
        x = b.x0;
        y += 16.0;
      }
      entry(e, x, y);
      x += w;
    }
    return {out + "</g>", b};
  }
  out += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="#ffffff" fill-opacity="0.92" stroke="#c7cdd6"/>)",
                     px(b.x0), px(b.y0), px(b.x1 - b.x0), px(b.y1 - b.y0));
  double y = b.y0 + 8.0 + 8.0;
  for (const auto& e : m_legend) {
    entry(e, b.x0 + 10.0, y);
    y += 16.0;
  }
  return {out + "</g>", b};
}

std::string svg_chart::render() const {
  const legend_position legend_at = choose_legend_position();
  const double total_height =
      plot_bottom() + m_margin_bottom + (legend_at == legend_position::below ? legend_below_height() + 2.0 : 0.0);
  std::string out = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{0}" viewBox="0 0 {1} {2}" width="{1}" height="{2}" role="img" aria-labelledby="{0}-title" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif" font-size="11">)",
      html_escape(m_id), m_width, px(total_height));
  out += fmt::format(R"(<title id="{}-title">{}</title>)", html_escape(m_id), html_escape(m_title));
  out += fmt::format(R"(<defs><clipPath id="{}-clip"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath></defs>)",
                     html_escape(m_id), px(plot_left()), px(plot_top()), px(plot_right() - plot_left()),
                     px(plot_bottom() - plot_top()));
  if (!(m_x.max > m_x.min) || !(m_y.max > m_y.min) ||
      (m_x.scale == axis_scale::log && !(m_x.min > 0.0)) || (m_y.scale == axis_scale::log && !(m_y.min > 0.0))) {
    return out + "</svg>";  // No usable axes: an empty, still valid chart.
  }
  out += render_axes();

  auto polyline_points = [&](const std::vector<chart_point>& points) {
    std::string s;
    for (const auto& p : points) {
      if (!usable(m_x, p.x) || !usable(m_y, p.y)) continue;
      if (!s.empty()) s += ' ';
      s += px(x_to_px(p.x)) + "," + px(y_to_px(p.y));
    }
    return s;
  };

  out += fmt::format(R"~(<g clip-path="url(#{}-clip)">)~", html_escape(m_id));
  for (const auto& b : m_bands) {
    std::vector<chart_point> ring = b.lower;
    ring.insert(ring.end(), b.upper.rbegin(), b.upper.rend());
    const std::string points = polyline_points(ring);
    if (points.empty()) continue;
    out += fmt::format(R"(<polygon points="{}" fill="{}" fill-opacity="{:.2f}" stroke="none"/>)", points,
                       html_escape(b.color), b.opacity);
  }
  for (const auto& v : m_verticals) {
    if (!usable(m_x, v.x)) continue;
    const double x = x_to_px(v.x);
    out += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{3}" stroke-width="1.2" stroke-dasharray="5 4">)",
                       px(x), px(plot_top()), px(plot_bottom()), html_escape(v.color));
    if (!v.tooltip.empty()) out += "<title>" + html_escape(v.tooltip) + "</title>";
    out += "</line>";
  }
  for (const auto& l : m_lines) {
    const std::string points = polyline_points(l.points);
    if (points.empty()) continue;
    out += fmt::format(
        R"(<polyline points="{}" fill="none" stroke="{}" stroke-width="{:.1f}" stroke-opacity="{:.2f}" stroke-linejoin="round" stroke-linecap="round"{}>)",
        points, html_escape(l.color), l.stroke_width, l.opacity, dash_array(l.dash));
    if (!l.tooltip.empty()) out += "<title>" + html_escape(l.tooltip) + "</title>";
    out += "</polyline>";
  }
  for (const auto& w : m_whiskers) {
    if (!usable(m_x, w.x) || !usable(m_y, w.y_low) || !usable(m_y, w.y_high)) continue;
    const double x = x_to_px(w.x);
    const double y0 = y_to_px(w.y_low);
    const double y1 = y_to_px(w.y_high);
    out += fmt::format(
        R"(<path d="M{0},{1}V{2}M{3},{1}H{4}M{3},{2}H{4}" stroke="{5}" stroke-width="1" fill="none"/>)", px(x), px(y0),
        px(y1), px(x - 3.0), px(x + 3.0), html_escape(w.color));
  }
  out += "</g>";

  // Markers are not clipped (half a marker on the frame reads as a mistake); out-of-range ones are skipped.
  for (const auto& m : m_markers) {
    if (!usable(m_x, m.at.x) || !usable(m_y, m.at.y)) continue;
    const double x = x_to_px(m.at.x);
    const double y = y_to_px(m.at.y);
    if (x < plot_left() - 0.5 || x > plot_right() + 0.5 || y < plot_top() - 0.5 || y > plot_bottom() + 0.5) continue;
    out += fmt::format(R"(<circle cx="{}" cy="{}" r="{:.1f}" fill="{}" stroke="#ffffff" stroke-width="1">)", px(x),
                       px(y), m.radius, html_escape(m.color));
    if (!m.tooltip.empty()) out += "<title>" + html_escape(m.tooltip) + "</title>";
    out += "</circle>";
  }

  // Labels: the legend first claims its box, then each label takes the first free spot.
  auto [legend_svg, legend_area] = render_legend(legend_at);
  std::vector<box> taken;
  if (!legend_svg.empty() && legend_at != legend_position::below) taken.push_back(legend_area);
  // Horizontal strokes are obstacles too: a label should not sit on a roof or a plateau. (Vertical
  // strokes are not: a label may cross a thin drop line, which its halo keeps readable.)
  for (const auto& l : m_lines) {
    const double half = l.stroke_width / 2.0 + 0.5;
    for (std::size_t i = 0; i + 1 < l.points.size(); ++i) {
      const auto& a = l.points[i];
      const auto& b = l.points[i + 1];
      if (!usable(m_x, a.x) || !usable(m_y, a.y) || !usable(m_x, b.x) || !usable(m_y, b.y)) continue;
      const double x1 = std::clamp(x_to_px(a.x), plot_left(), plot_right());
      const double x2 = std::clamp(x_to_px(b.x), plot_left(), plot_right());
      const double y1 = std::clamp(y_to_px(a.y), plot_top(), plot_bottom());
      const double y2 = std::clamp(y_to_px(b.y), plot_top(), plot_bottom());
      if (std::fabs(y1 - y2) < 0.75 && std::fabs(x1 - x2) >= 0.75) {
        taken.push_back({std::min(x1, x2) - half, std::min(y1, y2) - half, std::max(x1, x2) + half, std::max(y1, y2) + half});
      }
    }
  }
  auto overlaps = [&](const box& a) {
    for (const auto& b : taken) {
      if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1) return true;
    }
    return false;
  };
  // Vertical-marker labels in the band above the frame, joined to their line by a dotted stub.
  for (std::size_t i = 0; i < m_verticals.size(); ++i) {
    const auto& v = m_verticals[i];
    if (i >= m_vertical_rows.size() || m_vertical_rows[i] < 0) continue;
    const double x = x_to_px(v.x);
    const double w = text_width(v.label);
    const double x0 = std::clamp(x - w / 2.0, 2.0, m_width - 2.0 - w);
    const double baseline = plot_top() - 6.0 - 14.0 * m_vertical_rows[i];
    if (m_vertical_rows[i] > 0) {
      out += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{3}" stroke-width="1" stroke-dasharray="1 2"/>)",
                         px(x), px(baseline + 3.0), px(plot_top()), html_escape(v.color));
    }
    out += fmt::format(R"(<text x="{}" y="{}" fill="{}"{}>{})", px(x0), px(baseline), html_escape(v.color), k_halo,
                       html_escape(v.label));
    if (!v.tooltip.empty()) out += "<title>" + html_escape(v.tooltip) + "</title>";
    out += "</text>";
  }
  const std::vector<label_item>& labels = m_labels;

  std::string text_svg;
  for (const auto& l : labels) {
    if (!usable(m_x, l.at.x) || !usable(m_y, l.at.y)) continue;
    double x = x_to_px(l.at.x) + l.dx;
    double y = y_to_px(l.at.y) + l.dy;
    const double w = text_width(l.text);
    const bool vertical_text = std::fabs(std::fabs(l.rotate) - 90.0) < 1.0;
    // Box relative to the anchor point (x, y).
    auto box_at = [&](double ax, double ay) {
      double along0 = 0.0;
      if (l.anchor == text_anchor::middle) along0 = -w / 2.0;
      if (l.anchor == text_anchor::end) along0 = -w;
      if (!vertical_text) return box{ax + along0, ay - 0.8 * k_font_px, ax + along0 + w, ay + 0.25 * k_font_px};
      // rotate(-90): text runs upwards from the anchor; glyphs stand to the left of the baseline.
      return box{ax - 0.8 * k_font_px, ay - along0 - w, ax + 0.25 * k_font_px, ay - along0};
    };
    // Keep it inside the plot area.
    box b = box_at(x, y);
    if (b.x1 > plot_right() - 2.0) x -= b.x1 - (plot_right() - 2.0);
    if (b.x0 < plot_left() + 2.0) x += (plot_left() + 2.0) - b.x0;
    if (b.y1 > plot_bottom() - 2.0) y -= b.y1 - (plot_bottom() - 2.0);
    if (b.y0 < plot_top() + 2.0) y += (plot_top() + 2.0) - b.y0;
    b = box_at(x, y);
    if (l.direction != nudge::none && overlaps(b)) {
      const double step = l.direction == nudge::vertical ? 1.15 * k_font_px : 1.1 * k_font_px;
      for (int k = 1; k <= 8; ++k) {
        bool placed = false;
        for (const int sign : {-1, 1}) {
          const double offset = sign * k * step;
          const double nx = l.direction == nudge::horizontal ? x + offset : x;
          const double ny = l.direction == nudge::vertical ? y + offset : y;
          const box nb = box_at(nx, ny);
          if (nb.x0 < plot_left() || nb.x1 > plot_right() || nb.y0 < plot_top() || nb.y1 > plot_bottom()) continue;
          if (!overlaps(nb)) {
            x = nx;
            y = ny;
            b = nb;
            placed = true;
            break;
          }
        }
        if (placed) break;
      }
    }
    taken.push_back(b);
    std::string transform;
    if (l.rotate != 0.0) transform = fmt::format(R"~( transform="rotate({:.1f} {} {})")~", l.rotate, px(x), px(y));
    text_svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="{}" fill="{}"{}{}{}>{}</text>)", px(x), px(y),
                            anchor_name(l.anchor), html_escape(l.color), l.bold ? R"( font-weight="600")" : "",
                            transform, k_halo, html_escape(l.text));
  }
  out += text_svg;
  out += legend_svg;
  out += "</svg>";
  return out;
}

}  // namespace rafter

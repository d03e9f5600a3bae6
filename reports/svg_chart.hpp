#pragma once

#include <string>
#include <utility>
#include <vector>

namespace rafter {

/// How an axis maps values to pixels.
enum class axis_scale { log, linear };

/// How an axis chooses and prints its ticks.
///  - decimal_si: decades (plus 2x and 5x when fewer than three decades show), printed with
///    decimal SI prefixes and the axis unit: "1 TFLOP/s", "20 GB/s", "100 ns".
///  - binary_capacity: powers of two, printed with binary prefixes: "32 KiB", "1 MiB".
///  - plain: decades printed as plain numbers ("0.01", "1", "1000"), SI prefixes from 10^4 ("10 k").
enum class tick_style { decimal_si, binary_capacity, plain };

struct chart_axis {
  std::string title;  ///< Shown beside the axis: "Arithmetic intensity (FLOP/byte)".
  axis_scale scale = axis_scale::log;
  tick_style ticks = tick_style::decimal_si;
  std::string unit;   ///< Appended to decimal_si tick labels ("B/s" -> "100 GB/s").
  double min = 1.0;   ///< Shown range, in data units; both > 0 on a log axis, min < max.
  double max = 10.0;
};

/// A point in data units.
struct chart_point {
  double x = 0.0;
  double y = 0.0;
};

/// Where the legend goes. `below`: in rows under the x-axis title (the chart grows taller).
/// `automatic`: the first plot corner (top right, top left, bottom right, bottom left) that hides
/// no drawn content, else below.
enum class legend_position { automatic, top_left, top_right, bottom_left, bottom_right, below, none };
enum class text_anchor { start, middle, end };
/// Which way a label may move when it would overlap an earlier one.
enum class nudge { none, vertical, horizontal };

/// Stroke of a line: solid, dashed or dotted.
enum class line_dash { solid, dashed, dotted };

/// A small builder for one inline SVG chart (no scripts, no external resources). Data is given in
/// data units; the chart maps it to pixels through the two axes and clips it to the plot area.
/// All text is escaped. Colors are CSS color strings chosen by the caller (#rrggbb); they are
/// escaped too. Rendering is deterministic: the same calls give the same string.
class svg_chart {
public:
  /// `id` must be unique in the page (it scopes the clip path); width and height in CSS pixels are
  /// the nominal size: a top band for vertical-marker labels and a legend below add to the height.
  explicit svg_chart(std::string id, int width = 720, int height = 420);

  void set_title(std::string title);  ///< Accessible name (<title> of the whole chart).
  void set_x_axis(chart_axis axis);
  void set_y_axis(chart_axis axis);
  void set_legend_position(legend_position position) { m_legend_position = position; }

  /// A polyline through `points` (in order). `tooltip` becomes its <title>.
  void add_line(std::vector<chart_point> points, std::string color, double stroke_width = 2.0,
                line_dash dash = line_dash::solid, std::string tooltip = {}, double opacity = 1.0);

  /// A filled band between `lower` and `upper` (same x order), e.g. min/max of repeated runs.
  void add_band(std::vector<chart_point> lower, std::vector<chart_point> upper, std::string color,
                double opacity = 0.15);

  /// A vertical whisker from (x, y_low) to (x, y_high) with short caps.
  void add_whisker(double x, double y_low, double y_high, std::string color);

  /// A point marker (circle of `radius` px) with a <title> tooltip.
  void add_marker(chart_point at, std::string color, std::string tooltip, double radius = 3.0);

  /// A dashed vertical line across the plot at `x`. Its label sits above the plot frame, centred
  /// on the line; labels that would collide go to further rows (the chart grows taller).
  void add_vertical_marker(double x, std::string label, std::string color, std::string tooltip = {});

  /// Text at `at` (data units) shifted by (dx, dy) px. `rotate` is in degrees (-90: reads upwards).
  /// With a nudge direction other than none, the label moves away from earlier labels and the
  /// legend it would overlap (up to a few line heights), and stays inside the plot area.
  void add_label(chart_point at, std::string text, std::string color, text_anchor anchor = text_anchor::start,
                 double dx = 0.0, double dy = 0.0, nudge direction = nudge::vertical, double rotate = 0.0,
                 bool bold = false);

  /// A legend row: a short line sample in `color` and `dash`, then `text`.
  void add_legend_entry(std::string text, std::string color, line_dash dash = line_dash::solid);

  [[nodiscard]] std::string render() const;

  [[nodiscard]] int width() const noexcept { return m_width; }
  [[nodiscard]] int nominal_height() const noexcept { return m_height; }

  /// Pixel coordinates of a data value (for tests and label placement).
  [[nodiscard]] double x_to_px(double x) const noexcept;
  [[nodiscard]] double y_to_px(double y) const noexcept;

private:
  struct line_item {
    std::vector<chart_point> points;
    std::string color;
    double stroke_width;
    line_dash dash;
    std::string tooltip;
    double opacity;
  };
  struct band_item {
    std::vector<chart_point> lower;
    std::vector<chart_point> upper;
    std::string color;
    double opacity;
  };
  struct whisker_item {
    double x, y_low, y_high;
    std::string color;
  };
  struct marker_item {
    chart_point at;
    std::string color;
    std::string tooltip;
    double radius;
  };
  struct vertical_item {
    double x;
    std::string label;
    std::string color;
    std::string tooltip;
  };
  struct label_item {
    chart_point at;
    std::string text;
    std::string color;
    text_anchor anchor;
    double dx, dy;
    nudge direction;
    double rotate;
    bool bold;
  };
  struct legend_item {
    std::string text;
    std::string color;
    line_dash dash;
  };
  struct box {
    double x0, y0, x1, y1;
  };

  [[nodiscard]] double plot_left() const noexcept { return m_margin_left; }
  [[nodiscard]] double plot_right() const noexcept { return m_width - m_margin_right; }
  [[nodiscard]] double plot_top() const noexcept { return m_margin_top + m_top_band; }
  [[nodiscard]] double plot_bottom() const noexcept { return m_height - m_margin_bottom + m_top_band; }

  /// Recomputes the left margin (from the y tick labels) and the rows of vertical-marker labels.
  void update_layout();
  [[nodiscard]] std::string render_axes() const;
  [[nodiscard]] std::pair<std::string, box> render_legend(legend_position position) const;
  [[nodiscard]] box legend_box(legend_position position) const;
  [[nodiscard]] legend_position choose_legend_position() const;
  [[nodiscard]] double legend_below_height() const;

  std::string m_id;
  int m_width;
  int m_height;
  double m_margin_left = 84.0;
  double m_margin_right = 24.0;
  double m_margin_top = 16.0;
  double m_margin_bottom = 52.0;
  double m_top_band = 0.0;             ///< Extra height above the plot for vertical-marker labels.
  std::vector<int> m_vertical_rows;    ///< Label row of each vertical marker (0: next to the frame).
  std::string m_title;
  chart_axis m_x;
  chart_axis m_y;
  legend_position m_legend_position = legend_position::automatic;
  std::vector<band_item> m_bands;
  std::vector<line_item> m_lines;
  std::vector<whisker_item> m_whiskers;
  std::vector<marker_item> m_markers;
  std::vector<vertical_item> m_verticals;
  std::vector<label_item> m_labels;
  std::vector<legend_item> m_legend;
};

/// Ticks of an axis in data units, ascending, all inside [axis.min, axis.max].
[[nodiscard]] std::vector<double> axis_ticks(const chart_axis& axis);

/// The text of one tick on `axis`: "1 TFLOP/s", "32 KiB", "0.1".
[[nodiscard]] std::string tick_label(const chart_axis& axis, double value);

/// [lo, hi] widened outward to the nearest 1, 2 or 5 times a power of ten. Requires 0 < lo <= hi.
[[nodiscard]] std::pair<double, double> nice_log_range(double lo, double hi);

/// [lo, hi] widened outward to powers of two. Requires 0 < lo <= hi.
[[nodiscard]] std::pair<double, double> binary_log_range(double lo, double hi);

}  // namespace rafter

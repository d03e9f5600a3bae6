#include "reports/svg_chart.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <string>

namespace rafter {
namespace {

chart_axis log_axis(double min, double max, tick_style ticks = tick_style::decimal_si, std::string unit = "B/s") {
  return chart_axis{"axis", axis_scale::log, ticks, std::move(unit), min, max};
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

double view_box_height(const std::string& svg) {
  std::smatch m;
  const std::regex pattern(R"re(viewBox="0 0 (\d+) ([0-9.]+)")re");
  EXPECT_TRUE(std::regex_search(svg, m, pattern));
  return std::stod(m[2].str());
}

TEST(axis_ticks, decades_on_a_wide_log_axis) {
  const auto ticks = axis_ticks(log_axis(1e9, 1e12));
  ASSERT_EQ(ticks.size(), 4u);
  EXPECT_DOUBLE_EQ(ticks.front(), 1e9);
  EXPECT_DOUBLE_EQ(ticks.back(), 1e12);
}

TEST(axis_ticks, adds_two_and_five_on_a_short_log_axis) {
  const auto ticks = axis_ticks(log_axis(2e10, 5e11));
  const std::vector<double> expected{2e10, 5e10, 1e11, 2e11, 5e11};
  ASSERT_EQ(ticks.size(), expected.size());
  for (std::size_t i = 0; i < ticks.size(); ++i) EXPECT_NEAR(ticks[i], expected[i], expected[i] * 1e-12);
}

TEST(axis_ticks, thins_decades_on_a_very_wide_axis) {
  const auto ticks = axis_ticks(log_axis(1e-3, 1e18));
  EXPECT_LE(ticks.size(), 11u);
  EXPECT_GE(ticks.size(), 5u);
}

TEST(axis_ticks, powers_of_two_on_a_capacity_axis) {
  const auto ticks = axis_ticks(log_axis(4096.0, 1073741824.0, tick_style::binary_capacity));
  EXPECT_LE(ticks.size(), 10u);
  for (const double t : ticks) {
    const double e = std::log2(t);
    EXPECT_DOUBLE_EQ(e, std::round(e));
  }
  EXPECT_NE(std::find(ticks.begin(), ticks.end(), 1048576.0), ticks.end());  // 1 MiB is a tick
}

TEST(axis_ticks, nice_steps_on_a_linear_axis) {
  const auto ticks = axis_ticks(chart_axis{"t", axis_scale::linear, tick_style::decimal_si, "s", 0.0, 1.0});
  ASSERT_FALSE(ticks.empty());
  EXPECT_DOUBLE_EQ(ticks.front(), 0.0);
  EXPECT_NEAR(ticks.back(), 1.0, 1e-12);
}

TEST(tick_label, uses_decimal_prefixes_binary_capacities_and_plain_numbers) {
  EXPECT_EQ(tick_label(log_axis(1, 10, tick_style::decimal_si, "FLOP/s"), 1e12), "1 TFLOP/s");
  EXPECT_EQ(tick_label(log_axis(1, 10, tick_style::decimal_si, "B/s"), 2e10), "20 GB/s");
  EXPECT_EQ(tick_label(log_axis(1, 10, tick_style::decimal_si, "s"), 1e-7), "100 ns");
  EXPECT_EQ(tick_label(log_axis(1, 10, tick_style::binary_capacity), 32768.0), "32 KiB");
  EXPECT_EQ(tick_label(log_axis(1, 10, tick_style::binary_capacity), 1073741824.0), "1 GiB");
  EXPECT_EQ(tick_label(log_axis(1, 10, tick_style::plain, ""), 0.01), "0.01");
  EXPECT_EQ(tick_label(log_axis(1, 10, tick_style::plain, ""), 1000.0), "1000");
  EXPECT_EQ(tick_label(log_axis(1, 10, tick_style::plain, ""), 1e5), "100 k");
}

TEST(ranges, nice_log_range_widens_to_one_two_five) {
  const auto [lo, hi] = nice_log_range(3.3e10, 4.6e11);
  EXPECT_NEAR(lo, 2e10, 1e-3);
  EXPECT_NEAR(hi, 5e11, 1e-1);
  const auto [a, b] = nice_log_range(7.0, 7.0);
  EXPECT_LT(a, 7.0);
  EXPECT_GT(b, 7.0);
}

TEST(ranges, binary_log_range_widens_to_powers_of_two) {
  const auto [lo, hi] = binary_log_range(5000.0, 1e9);
  EXPECT_DOUBLE_EQ(lo, 4096.0);
  EXPECT_DOUBLE_EQ(hi, 1073741824.0);
  const auto [a, b] = binary_log_range(4096.0, 4096.0);
  EXPECT_LT(a, b);
}

TEST(svg_chart, maps_data_to_pixels_monotonically) {
  svg_chart chart("c");
  chart.set_x_axis(log_axis(1.0, 1000.0));
  chart.set_y_axis(log_axis(1e9, 1e12));
  EXPECT_LT(chart.x_to_px(1.0), chart.x_to_px(10.0));
  EXPECT_LT(chart.x_to_px(10.0), chart.x_to_px(1000.0));
  EXPECT_GT(chart.y_to_px(1e9), chart.y_to_px(1e12));  // up is smaller y
  // Equal ratios are equal distances on a log axis.
  EXPECT_NEAR(chart.x_to_px(10.0) - chart.x_to_px(1.0), chart.x_to_px(1000.0) - chart.x_to_px(100.0), 1e-9);
  EXPECT_GE(chart.x_to_px(1.0), 0.0);
  EXPECT_LE(chart.x_to_px(1000.0), chart.width());
}

TEST(svg_chart, renders_a_self_contained_svg_with_all_elements) {
  svg_chart chart("bw");
  chart.set_title("Bandwidth");
  chart.set_x_axis(log_axis(4096.0, 1073741824.0, tick_style::binary_capacity, ""));
  chart.set_y_axis(log_axis(1e10, 1e12));
  chart.add_band({{4096.0, 3.9e11}, {1e9, 7.5e10}}, {{4096.0, 4.1e11}, {1e9, 8.5e10}}, "#2563eb");
  chart.add_line({{4096.0, 4e11}, {1e9, 8e10}}, "#2563eb", 2.0, line_dash::solid, "read");
  chart.add_whisker(65536.0, 3.8e11, 4.2e11, "#2563eb");
  chart.add_marker({65536.0, 4e11}, "#2563eb", "64 KiB: 400 GB/s");
  chart.add_vertical_marker(98304.0, "L1 (all cores) · 96 KiB", "#6b7280", "L1: 48 KiB × 2");
  chart.add_label({65536.0, 4e11}, "L1 plateau", "#111827");
  chart.add_legend_entry("read", "#2563eb");
  chart.add_legend_entry("cache capacity", "#6b7280", line_dash::dashed);
  const std::string svg = chart.render();
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
  EXPECT_NE(svg.find("<title id=\"bw-title\">Bandwidth</title>"), std::string::npos);
  EXPECT_NE(svg.find("<clipPath id=\"bw-clip\">"), std::string::npos);
  EXPECT_EQ(count(svg, "<polygon"), 1u);
  EXPECT_GE(count(svg, "<polyline"), 1u);
  EXPECT_NE(svg.find("<title>64 KiB: 400 GB/s</title>"), std::string::npos);  // point tooltip
  EXPECT_NE(svg.find("stroke-dasharray=\"5 4\""), std::string::npos);          // dashed vertical
  EXPECT_NE(svg.find("L1 (all cores) · 96 KiB"), std::string::npos);
  EXPECT_NE(svg.find(">L1 plateau</text>"), std::string::npos);
  EXPECT_NE(svg.find(">1 MiB</text>"), std::string::npos);     // capacity ticks
  EXPECT_NE(svg.find(">100 GB/s</text>"), std::string::npos);  // SI ticks
  EXPECT_NE(svg.find("class=\"legend\""), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("href"), std::string::npos);
}

TEST(svg_chart, escapes_every_text) {
  const std::string evil = "<script>alert(1)</script>&\"'";
  svg_chart chart("e");
  chart.set_title(evil);
  chart.set_x_axis(chart_axis{evil, axis_scale::log, tick_style::decimal_si, evil, 1.0, 100.0});
  chart.set_y_axis(chart_axis{evil, axis_scale::log, tick_style::decimal_si, evil, 1.0, 100.0});
  chart.add_line({{1.0, 1.0}, {100.0, 100.0}}, "#000000", 2.0, line_dash::solid, evil);
  chart.add_marker({10.0, 10.0}, "#000000", evil);
  chart.add_vertical_marker(10.0, evil, "#000000", evil);
  chart.add_label({10.0, 10.0}, evil, "#000000");
  chart.add_legend_entry(evil, "\"><script>alert(2)</script>");
  const std::string svg = chart.render();
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("alert(1)</"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;"), std::string::npos);
}

TEST(svg_chart, skips_values_a_log_axis_cannot_show) {
  svg_chart chart("z");
  chart.set_x_axis(log_axis(1.0, 100.0));
  chart.set_y_axis(log_axis(1.0, 100.0));
  chart.add_line({{0.0, 5.0}, {2.0, -1.0}, {3.0, NAN}, {10.0, 10.0}, {50.0, INFINITY}, {60.0, 20.0}}, "#000000");
  chart.add_marker({0.0, 0.0}, "#000000", "zero");
  chart.add_marker({1e6, 10.0}, "#000000", "far right");
  const std::string svg = chart.render();
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
  EXPECT_EQ(svg.find("<title>zero</title>"), std::string::npos);
  EXPECT_EQ(svg.find("<title>far right</title>"), std::string::npos);
  EXPECT_NE(svg.find("<polyline"), std::string::npos);
}

TEST(svg_chart, renders_an_empty_chart_for_unusable_axes) {
  svg_chart chart("x");
  chart.set_x_axis(log_axis(0.0, 10.0));
  chart.set_y_axis(log_axis(10.0, 1.0));
  chart.add_line({{1.0, 1.0}, {2.0, 2.0}}, "#000000");
  const std::string svg = chart.render();
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
  EXPECT_EQ(svg.find("<polyline"), std::string::npos);
}

TEST(svg_chart, stacks_colliding_marker_labels_in_rows_above_the_plot) {
  auto make = [](int markers) {
    svg_chart chart("v");
    chart.set_x_axis(log_axis(1024.0, 1073741824.0, tick_style::binary_capacity, ""));
    chart.set_y_axis(log_axis(1e9, 1e12));
    for (int i = 0; i < markers; ++i) chart.add_vertical_marker(65536.0 * (1 << i), "a long cache label here", "#6b7280");
    return chart;
  };
  const double none = view_box_height(make(0).render());
  const double one = view_box_height(make(1).render());
  const double three = view_box_height(make(3).render());
  EXPECT_DOUBLE_EQ(none, 420.0);
  EXPECT_GT(one, none);
  EXPECT_GT(three, one);  // close markers need more than one row
}

TEST(svg_chart, moves_the_legend_below_when_every_corner_is_busy) {
  svg_chart chart("l");
  chart.set_x_axis(log_axis(1.0, 1000.0));
  chart.set_y_axis(log_axis(1.0, 1000.0));
  chart.add_line({{1.0, 1.0}, {1000.0, 1000.0}}, "#000000");
  chart.add_line({{1.0, 1000.0}, {1000.0, 1.0}}, "#000000");
  chart.add_legend_entry("a rather long legend entry to be sure", "#000000");
  EXPECT_GT(view_box_height(chart.render()), 420.0);

  svg_chart free_corner("f");
  free_corner.set_x_axis(log_axis(1.0, 1000.0));
  free_corner.set_y_axis(log_axis(1.0, 1000.0));
  free_corner.add_line({{1.0, 1.0}, {1000.0, 1000.0}}, "#000000");
  free_corner.add_legend_entry("short", "#000000");
  EXPECT_DOUBLE_EQ(view_box_height(free_corner.render()), 420.0);
}

TEST(svg_chart, is_deterministic) {
  auto make = [] {
    svg_chart chart("d");
    chart.set_x_axis(log_axis(1.0, 1000.0));
    chart.set_y_axis(log_axis(1.0, 1000.0));
    chart.add_line({{1.0, 2.0}, {30.0, 400.0}}, "#123456");
    chart.add_label({10.0, 10.0}, "x", "#000000");
    chart.add_label({10.0, 10.0}, "x", "#000000");  // collides, gets nudged the same way each time
    return chart.render();
  };
  EXPECT_EQ(make(), make());
}

}  // namespace
}  // namespace rafter

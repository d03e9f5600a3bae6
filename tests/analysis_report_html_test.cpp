#include "reports/analysis_report_html.hpp"

#include <regex>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "analysis/analysis_document.hpp"
#include "analysis/analyzer.hpp"
#include "core/machine_profile.hpp"
#include "core/trace.hpp"
#include "core/units.hpp"

namespace rafter {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + part.size())) ++n;
  return n;
}

machine_profile h100() { return load_machine_profile(RAFTER_SOURCE_DIR "/configs/hardware/h100_sxm5.json"); }

analysis_document analyze_trace(const trace& t, const machine_profile& machine = h100()) {
  analyze_options o;
  o.trace_file = "trace.json";
  o.machine_file = "h100_sxm5.json";
  o.machine_choice = "--machine";
  return analyze(t, machine, kernel_classifier::load(RAFTER_SOURCE_DIR "/configs/kernel_classes.json"), o);
}

/// `n` kernels over `distinct` (name, shape) groups, every fourth group with counters, long
/// template-like names, gaps and two devices: the shape of a large real trace.
trace synthetic_trace(std::size_t n, std::size_t distinct, const std::string& special_name = "") {
  trace t;
  t.devices = {trace_device{}, trace_device{}};
  t.devices[0].name = "NVIDIA H100 80GB HBM3";
  t.devices[1].id = 1;
  t.devices[1].name = "NVIDIA H100 80GB HBM3";
  t.kernels.reserve(n);
  std::int64_t clock[2] = {0, 0};
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t g = (i * 7919) % distinct;
    trace_kernel k;
    k.id = static_cast<std::int64_t>(i);
    k.device = static_cast<int>(i % 2);
    k.name = !special_name.empty() && g == 0
                 ? special_name
                 : fmt::format("void at::native::vectorized_elementwise_kernel<4, at::native::BinaryFunctor<c10::BFloat16, "
                               "c10::BFloat16, c10::BFloat16, at::native::binary_internal::MulFunctor<float>>, "
                               "std::array<char*, 3ul>>(int, functor_{})",
                               g / 3);
    k.grid = dim3_value{static_cast<std::uint32_t>(1 + g % 3), 1, 1};
    k.block = dim3_value{128, 1, 1};
    const std::int64_t duration = 2'000 + static_cast<std::int64_t>(g % 50) * 1'000;
    auto& c = clock[k.device];
    k.start_ns = c;
    k.end_ns = c + duration;
    c += duration + 1'000 + static_cast<std::int64_t>(i % 5) * 500;
    if (g % 4 == 0) {
      k.metrics = kernel_metrics{};
      k.metrics->flop["fp32.cuda_core"] = 1e6 * static_cast<double>(1 + g % 13);
      k.metrics->bytes["dram"] = 4e6;
    }
    t.kernels.push_back(std::move(k));
  }
  return t;
}

TEST(analysis_report_html, is_one_complete_self_contained_document) {
  const std::string html = render_analysis_html(analyze_trace(synthetic_trace(2000, 40)));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_TRUE(contains(html, "</html>\n"));
  for (const char* id : {"id=\"roofline\"", "id=\"roofline-chart\"", "id=\"breakdown\"", "id=\"class-bar\"", "id=\"timeline\"",
                         "id=\"opportunities\"", "id=\"groups\"", "id=\"ceilings\"", "id=\"rules\""}) {
    EXPECT_TRUE(contains(html, id)) << id;
  }
  EXPECT_FALSE(contains(html, "src="));
  EXPECT_FALSE(contains(html, "<link"));
  EXPECT_FALSE(contains(html, "@import"));
  EXPECT_FALSE(contains(html, "url(http"));
  EXPECT_FALSE(contains(html, "<img"));
  EXPECT_FALSE(contains(html, "<iframe"));
  const std::regex http(R"(https?://[^"<\s]*)");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), http); it != std::sregex_iterator(); ++it) {
    EXPECT_EQ(it->str(), "http://www.w3.org/2000/svg");
  }
  EXPECT_EQ(count(html, "<script"), 1u);
  // Ceilings carry their source in the chart labels.
  EXPECT_TRUE(contains(html, "hbm · 3.35 TB/s · datasheet")) << "memory roof label";
  EXPECT_TRUE(contains(html, "fp32.vector · 66.9 TFLOP/s · datasheet"));
  // Two devices, two timeline strips.
  EXPECT_EQ(count(html, "class=\"strip\""), 2u);
}

TEST(analysis_report_html, an_integer_ceiling_is_no_roof_and_counts_operations) {
  machine_profile m = h100();
  compute_ceiling int8;
  int8.id = "int8.tensor.fastest";
  int8.precision = "int8";
  int8.unit = "tensor";
  int8.flop_per_s = 9e15;  // above every floating-point ceiling: it would be the top roof
  m.compute.push_back(int8);
  const std::string html = render_analysis_html(analyze_trace(synthetic_trace(200, 8), m));
  EXPECT_FALSE(contains(html, "int8.tensor.fastest · ")) << "an OP/s ceiling drawn on the FLOP/s axis";
  EXPECT_TRUE(contains(html, "fp8.tensor · ")) << "the top floating-point roof is drawn";
  EXPECT_TRUE(contains(html, format_compute_rate(9e15, "int8"))) << "the ceilings table gives OP/s";
  EXPECT_FALSE(contains(html, format_flops(9e15)));
}

TEST(analysis_report_html, one_point_per_placed_group_with_a_tooltip) {
  const analysis_document a = analyze_trace(synthetic_trace(2000, 40));
  std::size_t drawable = 0;
  for (const auto& g : a.groups) {
    if (g.placed() && g.achieved_flop_per_s && *g.achieved_flop_per_s > 0.0) ++drawable;
  }
  ASSERT_GT(drawable, 0u);
  const std::string html = render_analysis_html(a);
  const std::size_t start = html.find("id=\"roofline-chart\"");
  const std::string chart = html.substr(start, html.find("</svg>", start) - start);
  // Each point is a <circle> with a <title> naming class, launches, AI and limiter.
  std::size_t points = 0;
  for (std::size_t pos = chart.find("<circle"); pos != std::string::npos; pos = chart.find("<circle", pos + 1)) {
    const std::string circle = chart.substr(pos, chart.find("</circle>", pos) - pos);
    if (contains(circle, "launches")) {
      ++points;
      EXPECT_TRUE(contains(circle, "AI hbm:")) << circle;
      EXPECT_TRUE(contains(circle, "limiter:")) << circle;
      EXPECT_TRUE(contains(circle, "grid (")) << circle;
    }
  }
  EXPECT_EQ(points, drawable);
}

// A group with traffic but no FLOP (a copy) shows its bandwidth share in "Of roof", as the
// Markdown report does, not a dash.
TEST(analysis_report_html, a_group_without_flop_shows_its_share_of_bandwidth) {
  trace t;
  t.devices = {trace_device{}};
  t.devices[0].name = "NVIDIA H100 80GB HBM3";
  trace_kernel k;
  k.name = "copy_kernel";
  k.start_ns = 0;
  k.end_ns = 1'000'000;  // 1 ms
  k.metrics = kernel_metrics{};
  k.metrics->bytes["dram"] = 1.675e9;  // 1.675 TB/s: 50% of the H100's 3.35 TB/s
  t.kernels.push_back(k);
  const analysis_document a = analyze_trace(t);
  ASSERT_EQ(a.groups.size(), 1u);
  ASSERT_TRUE(a.groups[0].memory_fraction);
  const std::string html = render_analysis_html(a);
  EXPECT_TRUE(contains(html, ">50.0% of hbm BW</td>")) << a.groups[0].memory_level;
}

TEST(analysis_report_html, kernel_names_stay_text) {
  const std::string evil = "<script>alert(1)</script>&\"'";
  const analysis_document a = analyze_trace(synthetic_trace(200, 8, evil));
  const std::string html = render_analysis_html(a);
  EXPECT_FALSE(contains(html, "<script>alert"));
  EXPECT_FALSE(contains(html, "alert(1)</script>"));
  EXPECT_TRUE(contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;"));
}

TEST(analysis_report_html, one_hundred_thousand_kernels_stay_under_three_megabytes) {
  // Worst case for size: every launch shape distinct enough to make 20k groups with long names.
  // (Its speed is bench/analyze.cpp's.)
  const analysis_document a = analyze_trace(synthetic_trace(100'000, 20'000));
  const std::string html = render_analysis_html(a);
  EXPECT_GT(a.groups.size(), 10'000u);
  EXPECT_LT(html.size(), 3'000'000u) << html.size() << " bytes";
  EXPECT_TRUE(contains(html, "the first 400 shown"));
  EXPECT_TRUE(contains(html, "Showing the 1500 groups with the most time"));
  RecordProperty("html_bytes", static_cast<int>(html.size()));
}

TEST(analysis_report_html, a_trace_with_nothing_placeable_says_so) {
  trace t;
  trace_kernel k;
  k.name = "mystery";
  k.end_ns = 1000;
  t.kernels = {k};
  const std::string html = render_analysis_html(analyze_trace(t));
  EXPECT_TRUE(contains(html, "No kernel group could be drawn"));
  EXPECT_TRUE(contains(html, "No group has a known opportunity"));
}

}  // namespace
}  // namespace rafter

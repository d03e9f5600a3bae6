#include "reports/analysis_report_markdown.hpp"

#include <gtest/gtest.h>

#include "analysis/analysis_document.hpp"

namespace rafter {
namespace {

analysis_document small_analysis(std::string name) {
  analysis_document a;
  a.trace_file = "run.json";
  a.machine_name = "Test GPU";
  a.machine_file = "p.json";
  a.machine_choice = "--machine";
  kernel_group g;
  g.id = 0;
  g.name = std::move(name);
  g.cls = kernel_class::gemm;
  g.count = 3;
  g.total_s = 3e-3;
  g.mean_s = 1e-3;
  g.work = work_source::measured;
  g.achieved_flop_per_s = 2e14;
  g.attainable_flop_per_s = 8e14;
  g.opportunity_s = 2.25e-3;
  g.limiter = {limiter_kind::latency, "", "compute 20% of bf16.tensor, memory 10% of hbm: both below 60% (latency or occupancy)"};
  level_placement l;
  l.level = "hbm";
  l.bytes = 1e9;
  l.arithmetic_intensity = 600.0;
  g.levels = {l};
  a.groups = {g};
  a.opportunities = {0};
  a.totals.kernels = 3;
  a.totals.groups = 1;
  a.totals.kernel_time_s = 3e-3;
  a.totals.placed_time_s = 3e-3;
  a.totals.placed_fraction = 1.0;
  a.totals.opportunity_s = 2.25e-3;
  a.classes = {class_time{kernel_class::gemm, 3, 1, 3e-3, 1.0, 3e-3, 2.25e-3}};
  return a;
}

TEST(analysis_report_markdown, summary_has_the_headline_numbers_and_tables) {
  const std::string md = render_analysis_markdown(small_analysis("sm90_gemm"));
  EXPECT_NE(md.find("# rafter analysis: `run.json` on `Test GPU`"), std::string::npos) << md;
  EXPECT_NE(md.find("Placed on the roofline: 100.0% of kernel time"), std::string::npos) << md;
  EXPECT_NE(md.find("| 1 | `sm90_gemm` | gemm | 3 | 3.00 ms | 200 TFLOP/s | 800 TFLOP/s | latency | 2.25 ms |"), std::string::npos) << md;
  EXPECT_NE(md.find("hbm 600"), std::string::npos) << md;
  EXPECT_NE(md.find("| gemm | 3.00 ms | 100.0% |"), std::string::npos) << md;
  EXPECT_EQ(md.find("no work of their own"), std::string::npos) << md;
}

TEST(analysis_report_markdown, the_headline_says_how_much_time_was_extrapolated) {
  analysis_document a = small_analysis("sm90_gemm");
  a.totals.extrapolated_time_s = 0.9e-3;
  const std::string md = render_analysis_markdown(a);
  EXPECT_NE(md.find("unknown 0.0%); 30.0% of kernel time is launches with no work of their own"), std::string::npos) << md;
}

TEST(analysis_report_markdown, the_range_table_says_ranges_count_their_own_threads_launches) {
  analysis_document a = small_analysis("sm90_gemm");
  EXPECT_EQ(render_analysis_markdown(a).find("## Time by range"), std::string::npos);
  a.ranges = {range_time{"ProfilerStep#3", "user_annotation", false, 1, 0.1, 3, 3e-3}};
  const std::string md = render_analysis_markdown(a);
  EXPECT_NE(md.find("## Time by range"), std::string::npos) << md;
  EXPECT_NE(md.find("launched from another thread (autograd's backward thread) count in none of them"), std::string::npos) << md;
  EXPECT_NE(md.find("| `ProfilerStep#3` |"), std::string::npos) << md;
}

TEST(analysis_report_markdown, names_cannot_break_tables_or_inject_markup) {
  const std::string md = render_analysis_markdown(small_analysis("a|b`<script>alert(1)</script>\nnext"));
  EXPECT_EQ(md.find("a|b"), std::string::npos);
  EXPECT_NE(md.find("a\\|b"), std::string::npos);
  EXPECT_NE(md.find("`` a\\|b`<script>"), std::string::npos) << md;  // Inside a widened code span.
  EXPECT_EQ(md.find("</script>\nnext"), std::string::npos);
  // Every table row keeps its column count.
  std::size_t pos = md.find("| # | Kernel");
  const std::size_t header_end = md.find('\n', pos);
  const std::size_t row_start = md.find('\n', header_end + 1) + 1;
  const std::string row = md.substr(row_start, md.find('\n', row_start) - row_start);
  auto cells = [](const std::string& line) {
    int n = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++n;
    }
    return n;
  };
  EXPECT_EQ(cells(row), cells(md.substr(pos, header_end - pos))) << row;
}

TEST(analysis_report_markdown, long_names_are_shortened) {
  const std::string md = render_analysis_markdown(small_analysis(std::string(500, 'x')));
  EXPECT_EQ(md.find(std::string(101, 'x')), std::string::npos);
  EXPECT_NE(md.find(std::string(100, 'x') + "..."), std::string::npos);
}

}  // namespace
}  // namespace rafter

#include "reports/comparison_report_markdown.hpp"

#include <gtest/gtest.h>

#include "analysis/comparison.hpp"
#include "analysis/comparison_rules.hpp"
#include "inconclusive_comparison.hpp"

namespace rafter {
namespace {

TEST(ComparisonMarkdown, RulesFirstAndNamesCannotBreakTables) {
  comparison c;
  c.subject = "analysis";
  c.a.name = "A100";
  c.b.name = "V100 | <b>";
  metric_delta m;
  m.name = "class.gemm.time";
  m.section = "class";
  m.unit = "s";
  set_a(m, 1.0e-3);
  set_b(m, 2.0e-3);
  c.metrics = {m};
  c.rules = evaluate_rules(parse_rules("class.gemm.time:+3%"), c.metrics);
  group_match g;
  g.match = "name";
  g.cls = "gemm";
  g.name_a = "kernel|with`pipe`";
  g.name_b = "other";
  g.time_a_s = 1e-3;
  g.time_b_s = 2e-3;
  c.groups = {g};
  const std::string md = render_comparison_markdown(c);
  EXPECT_NE(md.find("**Result**: **FAIL**"), std::string::npos);
  EXPECT_LT(md.find("## Rules"), md.find("## Time by kernel class"));
  EXPECT_NE(md.find("| `class.gemm.time:+3%` | `class.gemm.time` | 1.00 ms | 2.00 ms | +100.00 % | +3.00 % | **FAIL** |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("`` kernel\\|with`pipe` ``"), std::string::npos) << md;
  EXPECT_NE(md.find("V100 \\| \\<b\\>"), std::string::npos) << md;
}

TEST(ComparisonMarkdown, AggregatedRowsSayHowManyGroupsAndWhereTheirFiguresComeFrom) {
  comparison c;
  c.subject = "analysis";
  group_match g;
  g.match = "class";
  g.cls = "gemm";
  g.name_a = "bmm";
  g.name_b = "volta_sgemm_128x64_nn";
  g.groups_a = {1, 2, 3};
  g.groups_b = {4, 5};
  g.time_a_s = 79.1e-3;
  g.time_b_s = 207e-3;
  g.ai_a = 53.0;
  g.level_a = "hbm";
  g.placed_share_a = 0.97;
  g.ai_b = 41.0;
  g.level_b = "hbm";
  g.placed_share_b = 0.5;
  g.limiter_a = "latency";
  g.limiter_b = "mixed";
  g.dominant_limiter_b = "compute (fp32.vector)";
  g.limiter_share_b = 0.62;
  c.groups = {g};
  const std::string md = render_comparison_markdown(c);
  EXPECT_NE(md.find("`bmm` and 2 more | `volta_sgemm_128x64_nn` and 1 more | gemm | **class, 3 vs 2 groups**"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("53 (hbm, 97% of time placed) → 41 (hbm, 50% of time placed)"), std::string::npos) << md;
  EXPECT_NE(md.find("latency → mixed: 62% compute (fp32.vector)"), std::string::npos) << md;
  EXPECT_NE(md.find("*N vs M groups*"), std::string::npos) << md;
}

TEST(ComparisonMarkdown, SpreadsAndNoiseAreShown) {
  comparison c;
  c.subject = "machine";
  metric_delta m;
  m.name = "memory.dram.read";
  m.section = "memory";
  m.unit = "B/s";
  set_a(m, 100e9, 96e9, 104e9);
  set_b(m, 95e9, 93e9, 99e9);
  c.metrics = {m};
  const std::string md = render_comparison_markdown(c);
  EXPECT_NE(md.find("within noise"), std::string::npos);
  EXPECT_NE(md.find("[96.0 GB/s, 104 GB/s]"), std::string::npos) << md;
  EXPECT_NE(md.find("no rules checked"), std::string::npos);
}

TEST(ComparisonMarkdown, InconclusiveRulesFailAndWarningsComeFirst) {
  const comparison c = testing::inconclusive_cpu_vs_gpu_comparison();
  const std::string md = render_comparison_markdown(c);
  EXPECT_NE(md.find("- **Result**: **FAIL**"), std::string::npos) << md;
  EXPECT_NE(md.find("1 of 1 rule checks failed; 1 of them inconclusive"), std::string::npos) << md;
  EXPECT_NE(md.find("**INCONCLUSIVE**"), std::string::npos) << md;
  const auto warning = md.find("- **Warning**: A is a cpu");
  ASSERT_NE(warning, std::string::npos) << md;
  EXPECT_LT(warning, md.find("## Rules"));
}

}  // namespace
}  // namespace rafter

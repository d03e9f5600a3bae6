#include "reports/comparison_report_markdown.hpp"

#include <gtest/gtest.h>

#include "analysis/comparison.hpp"
#include "analysis/comparison_rules.hpp"

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
  EXPECT_NE(md.find("V100 \\| &lt;b&gt;"), std::string::npos) << md;
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

}  // namespace
}  // namespace rafter

#include "reports/comparison_report_html.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "analysis/ridge_ceilings.hpp"

#include "analysis/comparison_rules.hpp"
#include "analysis/profile_comparison.hpp"
#include "core/machine_profile.hpp"

namespace rafter {
namespace {

machine_profile datasheet(const char* stem) {
  return load_machine_profile(std::string(RAFTER_SOURCE_DIR) + "/configs/hardware/" + stem + ".json");
}

TEST(ComparisonHtml, OverlaysBothRooflinesAndListsRules) {
  comparison c = compare_profiles(datasheet("a100_sxm4_80gb"), datasheet("h100_sxm5"), "a100.json", "h100.json");
  c.rules = evaluate_rules(parse_rules("memory.hbm.read:-2%"), c.metrics);
  const std::string html = render_comparison_html(c);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("A hbm"), std::string::npos);  // A's memory roof in the legend.
  EXPECT_NE(html.find("B hbm"), std::string::npos);
  EXPECT_NE(html.find("memory.hbm.read:-2%"), std::string::npos);
  EXPECT_NE(html.find("Result: pass"), std::string::npos);
  // Both have int8 tensor ceilings (OP/s): no roof on the FLOP/s axis; A's top roof is bf16.
  EXPECT_EQ(html.find("A int8.tensor"), std::string::npos);
  EXPECT_EQ(html.find("A · int8.tensor"), std::string::npos);
  EXPECT_NE(html.find("A bf16.tensor: 312 TFLOP/s"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
}

TEST(ComparisonHtml, RidgeDotsUseTheCommonFloatPrecisionOfTheRidgeRows) {
  // B200's top roof is fp4, which the A100 lacks: the dots, like the ridge rows, use the
  // compute roof both have.
  const comparison c =
      compare_profiles(datasheet("a100_sxm4_80gb"), datasheet("b200"), "a100.json", "b200.json");
  const metric_delta* ridge = c.find("ridge.main");
  ASSERT_NE(ridge, nullptr);
  const std::string html = render_comparison_html(c);
  const auto ids = ridge_ceilings(c.a, c.b);
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->second, "bf16.tensor");  // ties with fp16 on both: the first key wins
  EXPECT_NE(html.find("B ridge of hbm: " + fmt::format("{:.3g}", *ridge->b) + " FLOP/byte"), std::string::npos) << ridge->label_b;
  EXPECT_NE(html.find("A ridge of hbm: " + fmt::format("{:.3g}", *ridge->a) + " FLOP/byte"), std::string::npos) << ridge->label_a;
  EXPECT_NE(html.find("(A: " + ids->first + ", B: " + ids->second + ")"), std::string::npos);
}

TEST(ComparisonHtml, EscapesEveryName) {
  comparison c;
  c.subject = "analysis";
  c.a.name = "<script>alert(1)</script>";
  c.b.name = "B & co";
  c.a.file = "a\"onload=\"x.json";
  c.b.file = "b.json";
  metric_delta m;
  m.name = "range.<img src=x>.time";
  m.section = "range";
  m.unit = "s";
  set_a(m, 1.0);
  set_b(m, 2.0);
  c.metrics = {m};
  group_match g;
  g.match = "name";
  g.cls = "gemm";
  g.name_a = "void k<float, 4>(float const*)";
  g.name_b = g.name_a;
  g.time_a_s = 1.0;
  g.time_b_s = 2.0;
  c.groups = {g};
  const std::string html = render_comparison_html(c);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("\"onload=\""), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("void k&lt;float, 4&gt;(float const*)"), std::string::npos);
  EXPECT_NE(html.find("B &amp; co"), std::string::npos);
}

TEST(ComparisonHtml, AggregatedRowsSayHowManyGroups) {
  comparison c;
  c.subject = "analysis";
  group_match g;
  g.match = "class";
  g.cls = "copy";
  g.name_a = "copy_a";
  g.name_b = "copy_b";
  g.groups_a = {1, 2};
  g.groups_b = {3, 4, 5, 6};
  g.time_a_s = 462e-6;
  g.time_b_s = 7.58e-3;
  g.ai_a = 0.0;
  g.level_a = "hbm";
  g.placed_share_a = 0.5;
  g.limiter_b = "mixed";
  g.dominant_limiter_b = "memory (hbm)";
  g.limiter_share_b = 0.9;
  c.groups = {g};
  const std::string html = render_comparison_html(c);
  EXPECT_NE(html.find("<strong>class, 2 vs 4 groups</strong>"), std::string::npos) << html;
  EXPECT_NE(html.find("<code>copy_b</code> and 3 more"), std::string::npos) << html;
  EXPECT_NE(html.find("0 (hbm, 50% of time placed)"), std::string::npos) << html;
  EXPECT_NE(html.find("mixed: 90% memory (hbm)"), std::string::npos) << html;
}

}  // namespace
}  // namespace rafter

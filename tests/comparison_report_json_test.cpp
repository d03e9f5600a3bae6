#include "reports/comparison_report_json.hpp"

#include <limits>

#include <gtest/gtest.h>

#include "analysis/comparison.hpp"
#include "analysis/comparison_rules.hpp"
#include "inconclusive_comparison.hpp"

namespace rafter {
namespace {

TEST(ComparisonJson, SchemaResultMetricsAndRules) {
  comparison c;
  c.subject = "machine";
  c.a.name = "a";
  c.b.name = "b";
  metric_delta m;
  m.name = "memory.hbm.read";
  m.aliases = {"memory.main.read"};
  m.section = "memory";
  m.unit = "B/s";
  set_a(m, 3.35e12);
  set_b(m, 2.039e12);
  metric_delta only_b;
  only_b.name = "compute.fp8.tensor";
  only_b.section = "compute";
  only_b.unit = "FLOP/s";
  set_b(only_b, 1e15);
  c.metrics = {m, only_b};
  c.rules = evaluate_rules(parse_rules("memory.main.read:-2%"), c.metrics);
  const json j = comparison_to_json(c);
  EXPECT_EQ(j.begin().key(), "schema");
  EXPECT_EQ(j["schema"], "rafter.comparison/1");
  EXPECT_EQ(j["result"], "fail");
  ASSERT_EQ(j["metrics"].size(), 2u);
  EXPECT_DOUBLE_EQ(j["metrics"][0]["ratio"].get<double>(), 2.039e12 / 3.35e12);
  EXPECT_EQ(j["metrics"][0]["aliases"][0], "memory.main.read");
  EXPECT_TRUE(j["metrics"][1]["a"].is_null());
  EXPECT_TRUE(j["metrics"][1]["ratio"].is_null());
  EXPECT_EQ(j["metrics"][1]["verdict"], "only in B");
  ASSERT_EQ(j["rules"].size(), 1u);
  EXPECT_EQ(j["rules"][0]["status"], "fail");
  EXPECT_EQ(j["rules"][0]["metric"], "memory.hbm.read");
}

TEST(ComparisonJson, InconclusiveFailsTheResultAndWarningsAreListed) {
  const comparison c = testing::inconclusive_cpu_vs_gpu_comparison();
  const json j = comparison_to_json(c);
  EXPECT_EQ(j["result"], "fail");
  ASSERT_EQ(j["rules"].size(), 1u);
  EXPECT_EQ(j["rules"][0]["status"], "inconclusive");
  EXPECT_DOUBLE_EQ(j["rules"][0]["a_min"].get<double>(), 40e9);
  EXPECT_DOUBLE_EQ(j["rules"][0]["b_max"].get<double>(), 98.5e9);
  ASSERT_EQ(j["warnings"].size(), 1u);
  EXPECT_EQ(j["warnings"][0], "A is a cpu (host) and B a gpu (H100)");
}

TEST(ComparisonJson, InfiniteChangeIsNull) {
  comparison c;
  metric_delta m;
  m.name = "class.copy.time";
  m.unit = "s";
  set_a(m, 0.0);
  set_b(m, 1.0);
  c.metrics = {m};
  c.rules = evaluate_rules(parse_rules("class.copy.time:+5%"), c.metrics);
  const json j = comparison_to_json(c);
  EXPECT_TRUE(j["rules"][0]["change"].is_null());
  EXPECT_EQ(j["rules"][0]["status"], "fail");
  EXPECT_NO_THROW((void)j.dump());
}

}  // namespace
}  // namespace rafter

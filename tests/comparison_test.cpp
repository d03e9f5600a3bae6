#include "analysis/comparison.hpp"

#include <gtest/gtest.h>

namespace rafter {
namespace {

TEST(Comparison, FindByNameOrAlias) {
  comparison c;
  metric_delta m;
  m.name = "memory.hbm.read";
  m.aliases = {"memory.main.read", "memory.dram.read"};
  c.metrics = {m};
  EXPECT_EQ(c.find("memory.hbm.read"), &c.metrics[0]);
  EXPECT_EQ(c.find("memory.dram.read"), &c.metrics[0]);
  EXPECT_EQ(c.find("memory.l2.read"), nullptr);
}

TEST(Comparison, FailedAndInconclusiveOutcomesFailTheComparison) {
  comparison c;
  EXPECT_FALSE(c.any_rule_failed());
  rule_outcome pass;
  c.rules = {pass};
  EXPECT_FALSE(c.any_rule_failed());
  rule_outcome noise;
  noise.status = rule_status::inconclusive;
  c.rules.push_back(noise);
  EXPECT_TRUE(c.any_rule_failed());  // Too noisy to decide is not a pass.
  c.rules = {pass};
  rule_outcome fail;
  fail.status = rule_status::fail;
  c.rules.push_back(fail);
  EXPECT_TRUE(c.any_rule_failed());
}

}  // namespace
}  // namespace rafter

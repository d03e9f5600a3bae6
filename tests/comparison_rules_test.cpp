#include "analysis/comparison_rules.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rafter {
namespace {

metric_delta metric(const std::string& name, double a, double b) {
  metric_delta m;
  m.name = name;
  m.unit = "B/s";
  set_a(m, a);
  set_b(m, b);
  return m;
}

TEST(ParseRule, GoodRules) {
  const auto r = parse_rule("busy_time:+5%");
  EXPECT_EQ(r.pattern, "busy_time");
  EXPECT_EQ(r.sign, +1);
  EXPECT_DOUBLE_EQ(r.percent, 5.0);
  EXPECT_DOUBLE_EQ(r.threshold(), 0.05);
  const auto d = parse_rule("  memory.hbm.read : -2.5% ");
  EXPECT_EQ(d.pattern, "memory.hbm.read");
  EXPECT_EQ(d.sign, -1);
  EXPECT_DOUBLE_EQ(d.threshold(), -0.025);
  EXPECT_EQ(d.text, "memory.hbm.read : -2.5%");
  EXPECT_DOUBLE_EQ(parse_rule("class.gemm.time:+0%").threshold(), 0.0);
  EXPECT_EQ(parse_rule("compute.*.tensor:-2%").pattern, "compute.*.tensor");
  // The last ':' separates the threshold, so names may contain ':' (operator names).
  EXPECT_EQ(parse_rule("range.aten::mm.time:+1%").pattern, "range.aten::mm.time");
}

TEST(ParseRule, BadRulesAreUsageErrors) {
  for (const char* bad : {"busy_time", "busy_time:", ":+5%", "busy_time:5%", "busy_time:+5", "busy_time:+x%",
                          "busy_time:+-5%", "busy_time:+5%%", "a..b:+1%", "busy_time:+1e2%", "busy_time:-100%",
                          "busy_time:+ 5%"}) {
    try {
      (void)parse_rule(bad);
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const usage_error& e) {
      EXPECT_NE(std::string(e.what()).find("--fail-on"), std::string::npos) << e.what();
      EXPECT_EQ(e.code(), exit_code::usage);
    }
  }
}

TEST(ParseRules, CommaSeparatedList) {
  const auto rules = parse_rules("busy_time:+5%, class.gemm.time:+3%,memory.hbm.read:-2%");
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[1].pattern, "class.gemm.time");
  EXPECT_THROW((void)parse_rules("busy_time:+5%,oops"), usage_error);
}

TEST(ParseRules, AnEmptyRuleIsAUsageErrorNamingIt) {
  // RULES := RULE ("," RULE)*: a trailing, leading or doubled comma leaves an empty RULE.
  for (const char* bad : {"memory.hbm.read:-2%,", ",memory.hbm.read:-2%", "busy_time:+5%,,memory.hbm.read:-2%", "",
                          " , "}) {
    try {
      (void)parse_rules(bad);
      ADD_FAILURE() << "accepted: '" << bad << "'";
    } catch (const usage_error& e) {
      EXPECT_EQ(e.code(), exit_code::usage);
      EXPECT_NE(std::string(e.what()).find("is empty"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(std::string("'") + bad + "'"), std::string::npos) << e.what();
    }
  }
  try {
    (void)parse_rules("memory.hbm.read:-2%,");
  } catch (const usage_error& e) {
    EXPECT_NE(std::string(e.what()).find("rule 2 of 2"), std::string::npos) << e.what();
  }
}

TEST(RuleMatches, NameAliasAndWildcardSegments) {
  metric_delta m = metric("compute.bf16.tensor", 1, 1);
  m.aliases = {"compute.bf16.matrix"};
  EXPECT_TRUE(rule_matches("compute.bf16.tensor", m));
  EXPECT_TRUE(rule_matches("compute.bf16.matrix", m));
  EXPECT_TRUE(rule_matches("compute.*.tensor", m));
  EXPECT_TRUE(rule_matches("*.*.matrix", m));
  EXPECT_FALSE(rule_matches("compute.*", m));  // A wildcard stands for exactly one segment.
  EXPECT_FALSE(rule_matches("compute.bf16", m));
  EXPECT_FALSE(rule_matches("compute.fp16.tensor", m));
  // A range's name is one segment, dots included.
  const metric_delta r = metric("range.model.forward.time", 1, 1);
  EXPECT_TRUE(rule_matches("range.*.time", r));
  EXPECT_TRUE(rule_matches("range.model.forward.time", r));
  EXPECT_FALSE(rule_matches("range.model.*.time", r));
  EXPECT_TRUE(rule_matches("range.*.time", metric("range.aten::mm.time", 1, 1)));
}

TEST(EvaluateRule, DecreaseRule) {
  const auto rule = parse_rule("memory.hbm.read:-2%");
  // 2.039 -> 3.35 TB/s: an increase, passes a decrease rule.
  auto up = evaluate_rule(rule, metric("memory.hbm.read", 2.039e12, 3.35e12));
  EXPECT_EQ(up.status, rule_status::pass);
  EXPECT_NEAR(up.change, 3.35 / 2.039 - 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(up.threshold, -0.02);
  // The other way round: a 39 % drop fails.
  auto down = evaluate_rule(rule, metric("memory.hbm.read", 3.35e12, 2.039e12));
  EXPECT_EQ(down.status, rule_status::fail);
  EXPECT_NE(down.message.find("FAIL"), std::string::npos);
  // A 1 % drop is inside the 2 % threshold; exactly 2 % is not beyond it.
  EXPECT_EQ(evaluate_rule(rule, metric("memory.hbm.read", 100.0, 99.0)).status, rule_status::pass);
  EXPECT_EQ(evaluate_rule(rule, metric("memory.hbm.read", 100.0, 98.0)).status, rule_status::pass);
  EXPECT_EQ(evaluate_rule(rule, metric("memory.hbm.read", 100.0, 97.9)).status, rule_status::fail);
}

TEST(EvaluateRule, IncreaseRule) {
  const auto rule = parse_rule("busy_time:+5%");
  EXPECT_EQ(evaluate_rule(rule, metric("busy_time", 1.0, 1.04)).status, rule_status::pass);
  EXPECT_EQ(evaluate_rule(rule, metric("busy_time", 1.0, 1.06)).status, rule_status::fail);
  EXPECT_EQ(evaluate_rule(rule, metric("busy_time", 1.0, 0.5)).status, rule_status::pass);
}

TEST(EvaluateRule, RoundingOfSumsIsNoChange) {
  // The same durations summed in another order: equal to 1 part in 10^9, no rule breaks.
  const auto o = evaluate_rule(parse_rule("kernel_time:+0%"), metric("kernel_time", 0.000307197, 0.00030719700000000005));
  EXPECT_EQ(o.status, rule_status::pass);
  EXPECT_EQ(o.change, 0.0);
  EXPECT_EQ(evaluate_rule(parse_rule("kernel_time:-0%"), metric("kernel_time", 1.0, 1.0 - 1e-12)).status, rule_status::pass);
  EXPECT_EQ(evaluate_rule(parse_rule("kernel_time:+0%"), metric("kernel_time", 1.0, 1.0 + 1e-8)).status, rule_status::fail);
}

TEST(EvaluateRule, ZeroBaseline) {
  const auto up = parse_rule("class.copy.time:+5%");
  auto o = evaluate_rule(up, metric("class.copy.time", 0.0, 1e-3));
  EXPECT_EQ(o.status, rule_status::fail);
  EXPECT_TRUE(std::isinf(o.change));
  EXPECT_EQ(evaluate_rule(up, metric("class.copy.time", 0.0, 0.0)).status, rule_status::pass);
  EXPECT_EQ(evaluate_rule(parse_rule("class.copy.time:-5%"), metric("class.copy.time", 0.0, 1e-3)).status,
            rule_status::pass);
}

TEST(EvaluateRule, OverlappingSpreadsMakeABreakInconclusiveAndFailTheGate) {
  const auto rule = parse_rule("memory.dram.read:-2%");
  metric_delta m = metric("memory.dram.read", 100.0, 95.0);  // -5 % on the medians.
  set_a(m, 100.0, 96.0, 104.0);
  set_b(m, 95.0, 93.0, 99.0);  // b_hi 99 >= a_lo 96 x 0.98: the spreads explain the drop.
  const auto o = evaluate_rule(rule, m);
  EXPECT_EQ(o.status, rule_status::inconclusive);
  EXPECT_TRUE(fails_gate(o.status));
  EXPECT_NE(o.message.find("INCONCLUSIVE"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("too noisy to decide"), std::string::npos) << o.message;
  EXPECT_EQ(o.message.find("e+"), std::string::npos) << "values with prefixes, not exponents: " << o.message;
  EXPECT_DOUBLE_EQ(o.a_lo, 96.0);
  EXPECT_DOUBLE_EQ(o.b_hi, 99.0);
  set_b(m, 93.5, 93.0, 94.0);  // b_hi 94 < 94.08: broken even at the favourable ends.
  EXPECT_EQ(evaluate_rule(rule, m).status, rule_status::fail);
  set_b(m, 99.0, 97.0, 101.0);  // Within the threshold on the medians: pass, noise or not.
  EXPECT_EQ(evaluate_rule(rule, m).status, rule_status::pass);
}

TEST(EvaluateRule, NoiseOnAnIncreaseRule) {
  const auto rule = parse_rule("busy_time:+3%");
  metric_delta m = metric("busy_time", 1.0, 1.1);
  set_a(m, 1.0, 0.9, 1.2);
  set_b(m, 1.1, 1.05, 1.3);  // b_lo 1.05 <= a_hi 1.2 x 1.03.
  EXPECT_EQ(evaluate_rule(rule, m).status, rule_status::inconclusive);
  set_a(m, 1.0, 0.98, 1.01);  // b_lo 1.05 > 1.01 x 1.03 = 1.0403.
  EXPECT_EQ(evaluate_rule(rule, m).status, rule_status::fail);
}

TEST(EvaluateRule, AHalvedHostSweepIsNeverAPass) {
  // /tmp/critique2: fp32.vector of a host sweep, 10 unsettled repetitions, and the same profile with
  // every rate halved. The min-max spreads overlap, so the old rule passed a 50 % drop.
  const auto rule = parse_rule("compute.fp32.vector:-2%");
  metric_delta m;
  m.name = "compute.fp32.vector";
  m.unit = "FLOP/s";
  set_a(m, 102.1e9, 39.9e9, 196.9e9);
  set_b(m, 51.05e9, 19.95e9, 98.46e9);
  const auto o = evaluate_rule(rule, m);
  EXPECT_NE(o.status, rule_status::pass);
  EXPECT_EQ(o.status, rule_status::inconclusive);
  EXPECT_TRUE(fails_gate(o.status));
  EXPECT_NE(o.message.find("-50.00 %"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("A 39.9 GFLOP/s to 197 GFLOP/s"), std::string::npos) << o.message;
  EXPECT_EQ(std::string(to_string(o.status)), "inconclusive");
}

TEST(EvaluateRules, EveryMatchGetsAnOutcome) {
  std::vector<metric_delta> metrics{metric("compute.bf16.tensor", 1.0, 3.0), metric("compute.fp16.tensor", 1.0, 0.5),
                                    metric("memory.hbm.read", 1.0, 1.0)};
  const auto out = evaluate_rules(parse_rules("compute.*.tensor:-2%,memory.hbm.read:-2%"), metrics);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].metric, "compute.bf16.tensor");
  EXPECT_EQ(out[0].status, rule_status::pass);
  EXPECT_EQ(out[1].status, rule_status::fail);
  EXPECT_EQ(out[2].status, rule_status::pass);
}

TEST(EvaluateRules, RuleNamingNothingIsAUsageError) {
  std::vector<metric_delta> metrics{metric("memory.hbm.read", 1.0, 1.0)};
  try {
    (void)evaluate_rules(parse_rules("memory.hbm.raed:-2%"), metrics);
    FAIL() << "no error";
  } catch (const usage_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("no metric named 'memory.hbm.raed'"), std::string::npos) << what;
    EXPECT_NE(what.find("memory.hbm.read"), std::string::npos) << what;  // Names what exists.
  }
}

TEST(EvaluateRules, RuleOnAOneSidedMetricIsAUsageError) {
  metric_delta fp8;
  fp8.name = "compute.fp8.tensor";
  set_b(fp8, 2e15);
  try {
    (void)evaluate_rules(parse_rules("compute.fp8.tensor:-2%"), {fp8}, "a100.json", "h100.json");
    FAIL() << "no error";
  } catch (const usage_error& e) {
    EXPECT_NE(std::string(e.what()).find("only in h100.json"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rafter

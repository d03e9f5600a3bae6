#include "reports/comparison_report_junit.hpp"

#include <gtest/gtest.h>

#include "analysis/comparison.hpp"
#include "analysis/comparison_rules.hpp"

namespace rafter {
namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

comparison sample() {
  comparison c;
  c.subject = "analysis";
  c.a.name = "GPU <A> & \"friends\"";
  c.a.file = "a.json";
  c.b.name = "GPU 'B'";
  c.b.file = "b.json";
  metric_delta gemm;
  gemm.name = "class.gemm.time";
  gemm.unit = "s";
  set_a(gemm, 1.0);
  set_b(gemm, 1.2);
  metric_delta busy;
  busy.name = "busy_time";
  busy.unit = "s";
  set_a(busy, 1.0);
  set_b(busy, 1.01);
  c.metrics = {gemm, busy};
  c.rules = evaluate_rules(parse_rules("class.gemm.time:+3%,busy_time:+5%"), c.metrics);
  return c;
}

TEST(XmlEscape, EscapesMarkupQuotesAndControlCharacters) {
  EXPECT_EQ(xml_escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
  EXPECT_EQ(xml_escape("x\ny\tz"), "x&#10;y&#9;z");
  EXPECT_EQ(xml_escape(std::string("bell\x07")), "bell\xEF\xBF\xBD");  // Not allowed in XML 1.0.
  EXPECT_EQ(xml_escape("µs ü"), "µs ü");                                  // UTF-8 passes through.
}

TEST(ComparisonJunit, OneTestcasePerRuleAndAFailureForEachBrokenRule) {
  const std::string xml = render_comparison_junit(sample());
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u);
  EXPECT_EQ(count(xml, "<testcase "), 2u);
  EXPECT_EQ(count(xml, "<failure "), 1u);
  EXPECT_NE(xml.find("tests=\"2\" failures=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("name=\"class.gemm.time:+3% [class.gemm.time]\""), std::string::npos);
}

TEST(ComparisonJunit, EveryStringIsEscaped) {
  const std::string xml = render_comparison_junit(sample());
  EXPECT_EQ(xml.find("<A>"), std::string::npos);
  EXPECT_EQ(xml.find("\"friends\""), std::string::npos);
  EXPECT_NE(xml.find("GPU &lt;A&gt; &amp; &quot;friends&quot;"), std::string::npos);
  EXPECT_NE(xml.find("GPU &apos;B&apos;"), std::string::npos);
}

TEST(ComparisonJunit, AnInconclusiveOutcomeIsAFailureWithTheSpreads) {
  comparison c = sample();
  metric_delta fp32;
  fp32.name = "compute.fp32.vector";
  fp32.unit = "FLOP/s";
  set_a(fp32, 102e9, 40e9, 197e9);
  set_b(fp32, 51e9, 20e9, 98.5e9);
  c.metrics = {fp32};
  c.rules = evaluate_rules(parse_rules("compute.fp32.vector:-2%"), c.metrics);
  ASSERT_EQ(c.rules.size(), 1u);
  const std::string xml = render_comparison_junit(c);
  EXPECT_NE(xml.find("tests=\"1\" failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure type=\"inconclusive\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("spread 40.0 GFLOP/s to 197 GFLOP/s"), std::string::npos) << xml;
  EXPECT_NE(xml.find("spread 20.0 GFLOP/s to 98.5 GFLOP/s"), std::string::npos) << xml;
}

TEST(ComparisonJunit, WarningsAreAPropertyAndInTheSuiteOutput) {
  comparison c = sample();
  c.warnings = {"A is a cpu (host) and B a gpu (H100)"};
  const std::string xml = render_comparison_junit(c);
  EXPECT_NE(xml.find("<property name=\"warning\" value=\"A is a cpu (host) and B a gpu (H100)\"/>"),
            std::string::npos);
  EXPECT_NE(xml.find("<system-out>warning: A is a cpu (host) and B a gpu (H100)"), std::string::npos) << xml;
}

TEST(ComparisonJunit, NoRulesIsAnEmptyButValidSuite) {
  comparison c = sample();
  c.rules.clear();
  const std::string xml = render_comparison_junit(c);
  EXPECT_EQ(count(xml, "<testcase "), 0u);
  EXPECT_NE(xml.find("tests=\"0\" failures=\"0\""), std::string::npos);
  EXPECT_NE(xml.find("</testsuites>"), std::string::npos);
}

}  // namespace
}  // namespace rafter

#include "reports/comparison_report_markdown.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "analysis/comparison.hpp"
#include "core/units.hpp"
#include "reports/markdown_text.hpp"
#include "reports/comparison_format.hpp"

namespace rafter {

namespace {

struct section_title {
  const char* section;
  const char* title;
};
constexpr section_title k_sections[] = {
    {"time", "Time"},
    {"class", "Time by kernel class"},
    {"range", "Time by NVTX range"},
    {"compute", "Compute ceilings"},
    {"memory", "Memory"},
    {"link", "Links"},
    {"ridge", "Ridge points (compute ceiling at the fastest floating-point precision both have / level bandwidth)"},
    {"balance", "LLM balance: FLOP per byte of main memory, per precision"},
};

std::string rules_section(const comparison& c) {
  std::string out = "## Rules\n\n";
  if (c.rules.empty()) return out + "No `--fail-on` rules were given.\n\n";
  std::size_t failed = 0;
  std::size_t inconclusive = 0;
  for (const auto& r : c.rules) {
    failed += fails_gate(r.status) ? 1 : 0;
    inconclusive += r.status == rule_status::inconclusive ? 1 : 0;
  }
  out += fmt::format("{} of {} rule checks failed", failed, c.rules.size());
  if (inconclusive > 0) {
    out += fmt::format("; {} of them inconclusive: past the limit on the values, but the spreads of the "
                       "measurements overlap, too noisy to decide (re-measure)",
                       inconclusive);
  }
  out += ".\n\n| Rule | Metric | A | B | Change | Limit | Outcome |\n|---|---|---:|---:|---:|---:|---|\n";
  for (const auto& r : c.rules) {
    const char* status = r.status == rule_status::fail ? "**FAIL**"
                         : r.status == rule_status::pass ? "pass"
                                                         : "**INCONCLUSIVE** (too noisy to decide)";
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", markdown_code(r.rule), markdown_code(r.metric),
                       format_metric_value(r.a, r.unit), format_metric_value(r.b, r.unit), format_change(r.change),
                       format_change(r.threshold), status);
  }
  return out + "\n";
}

std::string metric_section(const comparison& c, const section_title& s) {
  std::vector<const metric_delta*> rows;
  for (const auto& m : c.metrics) {
    if (m.section == s.section) rows.push_back(&m);
  }
  if (rows.empty()) return {};
  std::string out = fmt::format("## {}\n\n| Metric | A | B | B/A | Verdict | Note |\n|---|---:|---:|---:|---|---|\n", s.title);
  for (const auto* m : rows) {
    std::string a = format_metric_value(m->a, m->unit);
    std::string b = format_metric_value(m->b, m->unit);
    if (const auto spread = format_spread(*m, true); !spread.empty()) a += " " + spread;
    if (const auto spread = format_spread(*m, false); !spread.empty()) b += " " + spread;
    std::string note = m->note;
    if (!m->label_a.empty() || !m->label_b.empty()) {
      const std::string labels = "A: " + (m->label_a.empty() ? "-" : m->label_a) + "; B: " + (m->label_b.empty() ? "-" : m->label_b);
      if (m->section == "ridge" || m->section == "balance" || m->label_a != m->label_b) {
        note = note.empty() ? labels : labels + "; " + note;
      }
    }
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", markdown_code(m->name), a, b, format_ratio(ratio(*m)),
                       change_verdict(*m), markdown_text(note));
  }
  return out + "\n";
}

std::string groups_section(const comparison& c, std::size_t rows) {
  if (c.groups.empty()) return {};
  std::vector<const group_match*> matched;
  std::vector<const group_match*> only_a;
  std::vector<const group_match*> only_b;
  for (const auto& g : c.groups) {
    if (g.match == "only_a") only_a.push_back(&g);
    else if (g.match == "only_b") only_b.push_back(&g);
    else matched.push_back(&g);
  }
  const auto by_time = [](const group_match* x, const group_match* y) {
    return std::max(x->time_a_s, x->time_b_s) > std::max(y->time_a_s, y->time_b_s);
  };
  std::stable_sort(matched.begin(), matched.end(), by_time);
  std::stable_sort(only_a.begin(), only_a.end(), by_time);
  std::stable_sort(only_b.begin(), only_b.end(), by_time);
  std::string out = fmt::format("## Kernel groups\n\n{} matched, {} only in A, {} only in B. The top {} by time:\n\n",
                                matched.size(), only_a.size(), only_b.size(), std::min(rows, matched.size()));
  out += "| Kernel (A) | Kernel (B) | Class | Match | Time A | Time B | B/A | AI A → B | Limiter A → B |\n"
         "|---|---|---|---|---:|---:|---:|---|---|\n";
  std::size_t aggregated = 0;
  for (std::size_t i = 0; i < matched.size() && i < rows; ++i) {
    const auto& g = *matched[i];
    const std::optional<double> r = g.time_a_s > 0 ? std::optional<double>(g.time_b_s / g.time_a_s) : std::nullopt;
    const std::string counts = format_group_counts(g);
    aggregated += counts.empty() ? 0 : 1;
    // An aggregated row names the largest group of each side; the match column says how many it sums.
    const auto kernel = [&](const std::string& name, std::size_t n) {
      return n > 1 ? fmt::format("{} and {} more", markdown_code(name, 60), n - 1) : markdown_code(name, 60);
    };
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} → {} | {} → {} |\n", kernel(g.name_a, g.groups_a.size()),
                       g.name_b == g.name_a && !g.aggregated() ? std::string("same") : kernel(g.name_b, g.groups_b.size()),
                       g.cls, counts.empty() ? g.match : "**" + g.match + ", " + counts + "**",
                       format_seconds(g.time_a_s), format_seconds(g.time_b_s), format_ratio(r), markdown_text(format_group_ai(g, true)),
                       markdown_text(format_group_ai(g, false)), markdown_text(format_group_limiter(g, true)),
                       markdown_text(format_group_limiter(g, false)));
  }
  if (aggregated > 0) {
    out += "\nA row marked *N vs M groups* sums N kernel groups of A against M of B (the class pass matches whole "
           "classes of leftover kernels): times are sums; AI is sum FLOP / sum bytes at the level shown and the limiter "
           "is shown only when all agree, over the placed groups, whose share of the side's time is given. It compares "
           "the class as a whole, not one kernel with another.\n";
  }
  const auto one_side = [&](const std::vector<const group_match*>& list, const char* title, bool a) {
    if (list.empty()) return std::string();
    std::string s = fmt::format("\n### {} ({})\n\n| Kernel | Class | Launches | Time |\n|---|---|---:|---:|\n", title, list.size());
    for (std::size_t i = 0; i < list.size() && i < rows; ++i) {
      const auto& g = *list[i];
      s += fmt::format("| {} | {} | {} | {} |\n", markdown_code(a ? g.name_a : g.name_b), g.cls, a ? g.count_a : g.count_b,
                       format_seconds(a ? g.time_a_s : g.time_b_s));
    }
    if (list.size() > rows) s += fmt::format("\n{} more in the JSON output.\n", list.size() - rows);
    return s;
  };
  out += one_side(only_a, "Only in A", true);
  out += one_side(only_b, "Only in B", false);
  return out + "\n";
}

}  // namespace

std::string render_comparison_markdown(const comparison& c, std::size_t rows) {
  std::string out = "# rafter compare\n\n";
  out += fmt::format("- **A**: {} ({}, {})\n", markdown_text(c.a.name), markdown_code(c.a.file), markdown_text(c.a.schema));
  out += fmt::format("- **B**: {} ({}, {})\n", markdown_text(c.b.name), markdown_code(c.b.file), markdown_text(c.b.schema));
  for (const auto& w : c.warnings) out += "- **Warning**: " + markdown_text(w) + "\n";
  if (c.rules.empty()) {
    out += "- **Result**: no rules checked\n\n";
  } else {
    out += fmt::format("- **Result**: {}\n\n", c.any_rule_failed() ? "**FAIL**" : "pass");
  }
  out += rules_section(c);
  for (const auto& s : k_sections) {
    out += metric_section(c, s);
    if (std::string(s.section) == "range") out += groups_section(c, rows);
  }
  if (!c.notes.empty()) {
    out += "## Notes\n\n";
    for (const auto& n : c.notes) out += "- " + markdown_text(n) + "\n";
    out += "\n";
  }
  out += "Verdict \"within noise\": the two values differ but the spreads of repeated measurements (shown in "
         "brackets) overlap. Formulas: docs/metrics.md, \"Comparisons\".\n\n";
  out += std::string(k_units_sentence) + "\n";
  return out;
}

}  // namespace rafter

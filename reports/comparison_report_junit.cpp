#include "reports/comparison_report_junit.hpp"

#include <fmt/format.h>

#include "analysis/comparison.hpp"
#include "core/units.hpp"

namespace rafter {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (c < 0x20 || c == 0x7f) out += "\xEF\xBF\xBD";
        else out += ch;
    }
  }
  return out;
}

std::string render_comparison_junit(const comparison& c) {
  std::size_t failures = 0;
  for (const auto& r : c.rules) failures += fails_gate(r.status) ? 1 : 0;
  const std::string suite = "rafter compare " + c.a.name + " vs " + c.b.name;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"rafter compare\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n", c.rules.size(),
                     failures);
  out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n",
                     xml_escape(suite), c.rules.size(), failures);
  out += "    <properties>\n";
  const auto property = [&](const char* name, const std::string& value) {
    out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name, xml_escape(value));
  };
  property("subject", c.subject);
  property("a.name", c.a.name);
  property("a.file", c.a.file);
  property("b.name", c.b.name);
  property("b.file", c.b.file);
  for (const auto& w : c.warnings) property("warning", w);
  out += "    </properties>\n";
  for (const auto& r : c.rules) {
    out += fmt::format("    <testcase classname=\"rafter.compare.{}\" name=\"{}\" time=\"0\">\n", xml_escape(c.subject),
                       xml_escape(r.rule + " [" + r.metric + "]"));
    if (fails_gate(r.status)) {
      // An inconclusive outcome fails too, with its own type: the spreads overlap, re-measure.
      out += fmt::format("      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                         r.status == rule_status::fail ? "regression" : "inconclusive", xml_escape(r.message),
                         xml_escape(fmt::format("A ({}): {} (spread {} to {})\nB ({}): {} (spread {} to {})\n"
                                                "change {:+.4f} %, limit {:+.4f} %",
                                                c.a.name, format_in_unit(r.a, r.unit), format_in_unit(r.a_lo, r.unit),
                                                format_in_unit(r.a_hi, r.unit), c.b.name, format_in_unit(r.b, r.unit),
                                                format_in_unit(r.b_lo, r.unit), format_in_unit(r.b_hi, r.unit),
                                                r.change * 100.0, r.threshold * 100.0)));
    } else {
      out += fmt::format("      <system-out>{}</system-out>\n", xml_escape(r.message));
    }
    out += "    </testcase>\n";
  }
  if (!c.warnings.empty()) {
    std::string text;
    for (const auto& w : c.warnings) text += "warning: " + w + "\n";
    out += "    <system-out>" + xml_escape(text) + "</system-out>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace rafter

#include "reports/comparison_report_junit.hpp"

#include <fmt/format.h>

#include "analysis/comparison.hpp"

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
  for (const auto& r : c.rules) failures += r.status == rule_status::fail ? 1 : 0;
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
  out += "    </properties>\n";
  for (const auto& r : c.rules) {
    out += fmt::format("    <testcase classname=\"rafter.compare.{}\" name=\"{}\" time=\"0\">\n", xml_escape(c.subject),
                       xml_escape(r.rule + " [" + r.metric + "]"));
    if (r.status == rule_status::fail) {
      out += fmt::format("      <failure type=\"regression\" message=\"{}\">{}</failure>\n", xml_escape(r.message),
                         xml_escape(fmt::format("A ({}): {} {}\nB ({}): {} {}\nchange {:+.4f} %, limit {:+.4f} %", c.a.name,
                                                r.a, r.unit, c.b.name, r.b, r.unit, r.change * 100.0,
                                                r.threshold * 100.0)));
    } else {
      out += fmt::format("      <system-out>{}</system-out>\n", xml_escape(r.message));
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace rafter

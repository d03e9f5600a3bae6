#pragma once

#include <string>
#include <string_view>

namespace rafter {

struct comparison;

/// JUnit XML for CI test reporters: one <testsuite> with one <testcase> per rule outcome (named
/// "<rule> [<metric>]"), a <failure> for a failed rule, <system-out> with the message for the
/// others ("within noise" included); the two documents as <properties>. Every string is escaped
/// with `xml_escape`. Deterministic.
[[nodiscard]] std::string render_comparison_junit(const comparison& c);

/// Escapes text for XML 1.0 element content and quoted attributes: & < > " ' become entities,
/// tab/newline/carriage return become character references, other control characters (not
/// allowed in XML 1.0) become U+FFFD.
[[nodiscard]] std::string xml_escape(std::string_view text);

}  // namespace rafter

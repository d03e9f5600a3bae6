#include "reports/html_escape.hpp"

#include <gtest/gtest.h>

namespace rafter {
namespace {

TEST(html_escape, escapes_the_five_special_characters) {
  EXPECT_EQ(html_escape("&"), "&amp;");
  EXPECT_EQ(html_escape("<"), "&lt;");
  EXPECT_EQ(html_escape(">"), "&gt;");
  EXPECT_EQ(html_escape("\""), "&quot;");
  EXPECT_EQ(html_escape("'"), "&#39;");
  EXPECT_EQ(html_escape("<script>alert(1)</script>&\"'"),
            "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;");
}

TEST(html_escape, leaves_other_text_alone) {
  EXPECT_EQ(html_escape(""), "");
  EXPECT_EQ(html_escape("fp64.vector.fma"), "fp64.vector.fma");
  EXPECT_EQ(html_escape("85.2 µs × 2"), "85.2 µs × 2");  // UTF-8 passes through
}

TEST(html_escape, escapes_already_escaped_text_again) {
  // Escaping is not idempotent by design: "&amp;" in a device name is shown literally.
  EXPECT_EQ(html_escape("&amp;"), "&amp;amp;");
}

TEST(is_linkable_url, accepts_only_http_and_https) {
  EXPECT_TRUE(is_linkable_url("https://www.nvidia.com/en-us/data-center/h100/"));
  EXPECT_TRUE(is_linkable_url("http://example.com"));
  EXPECT_TRUE(is_linkable_url("HTTPS://EXAMPLE.COM/a?b=c&d=e"));
  EXPECT_FALSE(is_linkable_url(""));
  EXPECT_FALSE(is_linkable_url("https://"));
  EXPECT_FALSE(is_linkable_url("javascript:alert(1)"));
  EXPECT_FALSE(is_linkable_url(" https://example.com"));
  EXPECT_FALSE(is_linkable_url("data:text/html,<script>alert(1)</script>"));
  EXPECT_FALSE(is_linkable_url("//example.com/x"));
  EXPECT_FALSE(is_linkable_url("ftp://example.com/spec.pdf"));
  EXPECT_FALSE(is_linkable_url("https://example.com/a b"));
  EXPECT_FALSE(is_linkable_url("https://example.com/\n"));
}

TEST(html_link, links_safe_urls_with_escaped_parts) {
  EXPECT_EQ(html_link("https://example.com/?a=1&b=\"2\"", "spec <v2>"),
            "<a href=\"https://example.com/?a=1&amp;b=&quot;2&quot;\" rel=\"noopener noreferrer\">spec &lt;v2&gt;</a>");
}

TEST(html_link, shows_unsafe_urls_as_text) {
  const std::string out = html_link("javascript:alert('x')", "source");
  EXPECT_EQ(out.find("<a"), std::string::npos);
  EXPECT_EQ(out.find("href"), std::string::npos);
  EXPECT_EQ(out, "source (javascript:alert(&#39;x&#39;))");
  EXPECT_EQ(html_link("", "source"), "source");
  EXPECT_EQ(html_link("not a url", "not a url"), "not a url");
}

}  // namespace
}  // namespace rafter

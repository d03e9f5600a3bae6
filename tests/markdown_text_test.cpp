#include "reports/markdown_text.hpp"

#include <gtest/gtest.h>

namespace rafter {
namespace {

TEST(markdown_text, prose_is_backslash_escaped_so_it_reads_as_written) {
  EXPECT_EQ(markdown_text("H100 <b>|x|</b> & \"q\" `t` *y* a_b"),
            "H100 \\<b\\>\\|x\\|\\</b\\> \\& \"q\" \\`t\\` \\*y\\* a_b");
  EXPECT_EQ(markdown_text("line\nnext"), "line next");
  EXPECT_EQ(markdown_text("abcdef", 3), "abc...");
}

TEST(markdown_text, code_spans_take_a_fence_longer_than_any_backtick_run) {
  EXPECT_EQ(markdown_code("k<float>|2"), "`k<float>\\|2`");
  EXPECT_EQ(markdown_code("a`b"), "`` a`b ``");
  EXPECT_EQ(markdown_code("a``b"), "``` a``b ```");
  EXPECT_EQ(markdown_code(""), "-");
  EXPECT_EQ(markdown_code("\xC3\xA9\xC3\xA9", 3), "`\xC3\xA9...`");  // UTF-8 kept whole
}

}  // namespace
}  // namespace rafter

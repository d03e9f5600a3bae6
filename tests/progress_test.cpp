#include "core/progress.hpp"

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

namespace rafter {
namespace {

std::string run(progress::style s) {
  std::FILE* f = std::tmpfile();
  {
    progress p(s, f);
    p.begin("bandwidth", 2);
    p.step(1, "read 8 KiB");
    p.note("a result");
    p.step(2, "read 16 KiB");
  }
  std::rewind(f);
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, f)) out += buf;
  std::fclose(f);
  return out;
}

TEST(progress, plain_style_prints_whole_lines) {
  EXPECT_EQ(run(progress::style::plain),
            "[bandwidth] 2 steps\n[bandwidth] 1/2 read 8 KiB\na result\n[bandwidth] 2/2 read 16 KiB\n");
}

TEST(progress, live_style_rewrites_one_line_and_ends_it) {
  const std::string out = run(progress::style::live);
  EXPECT_NE(out.find("\r\033[2K[bandwidth] 1/2 read 8 KiB"), std::string::npos);
  EXPECT_EQ(out.back(), '\n');
}

TEST(progress, quiet_style_prints_nothing) { EXPECT_EQ(run(progress::style::quiet), ""); }

}  // namespace
}  // namespace rafter

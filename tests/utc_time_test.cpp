#include "core/utc_time.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <regex>

namespace rafter {
namespace {

TEST(utc_time, is_iso_8601_utc_to_the_second_and_now) {
  const std::time_t before = std::time(nullptr);
  const std::string s = utc_now();
  const std::time_t after = std::time(nullptr);
  ASSERT_TRUE(std::regex_match(s, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)"))) << s;
  std::tm tm{};
  ASSERT_NE(strptime(s.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm), nullptr) << s;
  const std::time_t parsed = timegm(&tm);
  EXPECT_GE(parsed, before) << s;
  EXPECT_LE(parsed, after) << s;
}

}  // namespace
}  // namespace rafter

#include "microbench/cuda/link_pattern.hpp"

#include <vector>

#include <gtest/gtest.h>

#include "microbench/cuda/host_reference.hpp"

namespace rafter::cuda {
namespace {

TEST(link_pattern, words_are_never_zero_and_depend_on_seed_and_position) {
  for (std::uint64_t i = 0; i < 100000; ++i) ASSERT_NE(link_word(7, i), 0u);
  EXPECT_NE(link_word(7, 0), link_word(8, 0));
  EXPECT_NE(link_word(7, 0), link_word(7, 1));
}

TEST(link_pattern, the_checksum_matches_the_lane_sums_of_a_filled_buffer) {
  std::vector<std::uint32_t> v(4096);
  fill_link_pattern(v.data(), v.size(), 3);
  EXPECT_EQ(link_pattern_sums(3, v.size()), lane_sums(v.data(), v.size() / 4));
  EXPECT_EQ(check_link_pattern(v.data(), v.size(), 3), "");
  EXPECT_EQ(compare_link_sums("x", lane_sums(v.data(), v.size() / 4), link_pattern_sums(3, v.size())), "");
  // A filled tail continues the same pattern.
  std::vector<std::uint32_t> tail(100);
  fill_link_pattern(tail.data(), tail.size(), 3, 1000);
  EXPECT_EQ(check_link_pattern(tail.data(), tail.size(), 3, 1000), "");
}

TEST(link_pattern, a_wrong_or_missing_word_is_caught) {
  std::vector<std::uint32_t> v(1024);
  fill_link_pattern(v.data(), v.size(), 5);
  v[517] = 0xffffffffu;
  const std::string why = check_link_pattern(v.data(), v.size(), 5);
  EXPECT_NE(why.find("word 517"), std::string::npos) << why;
  EXPECT_NE(compare_link_sums("h2d", lane_sums(v.data(), v.size() / 4), link_pattern_sums(5, v.size())), "");
  EXPECT_NE(check_link_pattern(v.data(), v.size(), 6), "");  // another seed's data
}

}  // namespace
}  // namespace rafter::cuda

#include "core/working_set_sizes.hpp"

#include <limits>

#include <gtest/gtest.h>

namespace rafter {
namespace {

constexpr std::size_t no_cap = std::numeric_limits<std::size_t>::max();

TEST(working_set_sizes, cover_the_range_in_even_steps_on_the_granule) {
  const auto s = working_set_sizes(8192, 1 << 20, no_cap, 2, 4096);
  EXPECT_EQ(s.front(), 8192u);
  EXPECT_GE(s.back(), 1u << 20);
  for (std::size_t i = 1; i < s.size(); ++i) {
    EXPECT_GT(s[i], s[i - 1]);
    EXPECT_EQ(s[i] % 4096, 0u);
    EXPECT_NEAR(static_cast<double>(s[i]) / static_cast<double>(s[i - 1]), 1.414, 0.2);
  }
  EXPECT_EQ(s.size(), 15u);  // 7 octaves at 2 points per octave, plus the first.
}

TEST(working_set_sizes, end_at_the_first_size_at_or_beyond_last) {
  // 1.5 MiB is not on the 2-per-octave grid from 1 MiB: the sweep ends at the next point, 2 MiB.
  const auto s = working_set_sizes(1 << 20, 3 << 19, no_cap, 2, 1 << 16);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s.back(), std::size_t{2} << 20);
}

TEST(working_set_sizes, never_exceed_the_cap_but_always_keep_the_first) {
  // Without the cap the sweep would end at 2 MiB; a 1.6 MiB cap stops it at 1.5 MiB (rounded to 64 KiB).
  const auto capped = working_set_sizes(1 << 20, 3 << 19, 1'600'000, 2, 1 << 16);
  ASSERT_EQ(capped.size(), 2u);
  EXPECT_LE(capped.back(), 1'600'000u);
  // A cap below the first size keeps that one size: a sweep always has a point to report.
  const auto tiny = working_set_sizes(1 << 20, 8 << 20, 1000, 2, 1 << 16);
  ASSERT_EQ(tiny.size(), 1u);
  EXPECT_EQ(tiny.front(), std::size_t{1} << 20);
}

TEST(working_set_sizes, round_up_to_one_granule_and_stay_strictly_increasing) {
  const auto s = working_set_sizes(0, 4096 * 8, no_cap, 8, 4096);
  EXPECT_EQ(s.front(), 4096u);
  for (std::size_t i = 1; i < s.size(); ++i) EXPECT_GT(s[i], s[i - 1]);
  EXPECT_GE(s.back(), 4096u * 8);
}

}  // namespace
}  // namespace rafter

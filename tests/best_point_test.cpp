#include "microbench/best_point.hpp"

#include <gtest/gtest.h>

namespace rafter {
namespace {

sample_stats with_median(double m) { return sample_stats{m, m, m, 1, true}; }

TEST(best_point, keeps_the_highest_median_and_where_it_was) {
  best_point b;
  EXPECT_FALSE(b.stats);
  b.offer(with_median(2.0), 4096, 8);
  b.offer(with_median(5.0), 65536, 4);
  b.offer(with_median(3.0), 1 << 20, 2);
  b.offer(with_median(5.0), 1 << 22, 1);  // a tie keeps the first
  ASSERT_TRUE(b.stats);
  EXPECT_EQ(b.stats->median, 5.0);
  EXPECT_EQ(b.x, 65536.0);
  EXPECT_EQ(b.repeats, 4);
}

}  // namespace
}  // namespace rafter

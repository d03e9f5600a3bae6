#include "microbench/mpi/rank_layout.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rafter::mpi {
namespace {

TEST(rank_layout, local_ranks_count_earlier_ranks_on_the_same_host) {
  const rank_layout l({"a", "b", "a", "b", "a"});
  EXPECT_EQ(l.size(), 5);
  EXPECT_EQ(l.local_rank(0), 0);
  EXPECT_EQ(l.local_rank(1), 0);
  EXPECT_EQ(l.local_rank(2), 1);
  EXPECT_EQ(l.local_rank(3), 1);
  EXPECT_EQ(l.local_rank(4), 2);
  EXPECT_EQ(l.local_size(0), 3);
  EXPECT_EQ(l.local_size(1), 2);
  EXPECT_EQ(l.distinct_hosts(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(l.summary(), "a x3, b x2");
  EXPECT_TRUE(l.same_host(0, 4));
  EXPECT_FALSE(l.same_host(0, 1));
  EXPECT_THROW((void)l.host(5), std::out_of_range);
}

TEST(rank_layout, one_host_is_labelled_shared_memory_not_network) {
  const rank_layout one({"vm", "vm"});
  EXPECT_NE(one.transport().find("shared memory"), std::string::npos) << one.transport();
  EXPECT_EQ(one.transport().find("network between"), std::string::npos) << one.transport();
  EXPECT_NE(one.pair_transport(0, 1).find("shared memory"), std::string::npos);
  EXPECT_NE(one.pair_transport(0, 1).find("vm"), std::string::npos);

  const rank_layout two({"a", "b"});
  EXPECT_NE(two.transport().find("network between 2 hosts"), std::string::npos) << two.transport();
  EXPECT_NE(two.pair_transport(0, 1).find("network between hosts a and b"), std::string::npos) << two.pair_transport(0, 1);
}

TEST(rank_layout, needs_a_rank) { EXPECT_THROW(rank_layout({}), usage_error); }

}  // namespace
}  // namespace rafter::mpi

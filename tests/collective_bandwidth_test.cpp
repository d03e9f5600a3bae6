#include "microbench/cuda/collective_bandwidth.hpp"

#include <gtest/gtest.h>

namespace rafter::cuda {
namespace {

TEST(collective_bandwidth, bus_bandwidth_follows_nccl_tests) {
  // 8 ranks: all-reduce 2*7/8 = 1.75, all-gather and reduce-scatter 7/8.
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(collective::all_reduce, 8), 1.75);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(collective::all_gather, 8), 0.875);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(collective::reduce_scatter, 8), 0.875);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(collective::all_reduce, 2), 1.0);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(collective::all_gather, 2), 0.5);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(collective::all_reduce, 1), 0.0);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(collective::all_reduce, 0), 0.0);
  // 1 GB in 4 ms: algbw 250 GB/s; all-reduce over 8 ranks: busbw 437.5 GB/s.
  EXPECT_DOUBLE_EQ(algorithm_bandwidth(1e9, 4e-3), 2.5e11);
  EXPECT_DOUBLE_EQ(bus_bandwidth(collective::all_reduce, 8, 1e9, 4e-3), 4.375e11);
  EXPECT_DOUBLE_EQ(algorithm_bandwidth(1e9, 0.0), 0.0);
}

TEST(collective_bandwidth, per_rank_element_counts) {
  EXPECT_EQ(collective_elements(collective::all_reduce, 800, 4).send, 800u);
  EXPECT_EQ(collective_elements(collective::all_reduce, 800, 4).receive, 800u);
  EXPECT_EQ(collective_elements(collective::all_gather, 800, 4).send, 200u);
  EXPECT_EQ(collective_elements(collective::all_gather, 800, 4).receive, 800u);
  EXPECT_EQ(collective_elements(collective::reduce_scatter, 800, 4).send, 800u);
  EXPECT_EQ(collective_elements(collective::reduce_scatter, 800, 4).receive, 200u);
}

TEST(collective_bandwidth, message_sizes_grow_by_the_factor_on_the_granule) {
  const auto s = message_sizes(1024, 1 << 20, 4, 64);
  const std::vector<std::size_t> expected = {1024, 4096, 16384, 65536, 262144, 1048576};
  EXPECT_EQ(s, expected);
  EXPECT_EQ(message_sizes(10, 100, 2, 64), (std::vector<std::size_t>{64}));  // 10 -> 64, 20..80 -> 64 again
  EXPECT_EQ(message_sizes(100, 50, 2, 1), std::vector<std::size_t>{});
  for (const auto& i : collectives()) EXPECT_EQ(&info(i.op), &i);
  EXPECT_STREQ(info(collective::all_reduce).id, "nccl_allreduce");
}

}  // namespace
}  // namespace rafter::cuda

#include "analysis/collective_traffic.hpp"

#include <gtest/gtest.h>

namespace rafter {
namespace {

TEST(collective_traffic, bus_factors_follow_nccl_tests) {
  EXPECT_DOUBLE_EQ(*collective_bus_factor("allreduce", 8), 2.0 * 7 / 8);
  EXPECT_DOUBLE_EQ(*collective_bus_factor("all_reduce", 2), 1.0);
  EXPECT_DOUBLE_EQ(*collective_bus_factor("_allgather_base", 4), 3.0 / 4);
  EXPECT_DOUBLE_EQ(*collective_bus_factor("reduce_scatter_tensor_coalesced", 4), 3.0 / 4);
  EXPECT_DOUBLE_EQ(*collective_bus_factor("all_to_all", 8), 7.0 / 8);
  EXPECT_DOUBLE_EQ(*collective_bus_factor("broadcast", 8), 1.0);
  EXPECT_DOUBLE_EQ(*collective_bus_factor("reduce", 8), 1.0);
  EXPECT_DOUBLE_EQ(*collective_bus_factor("send", 2), 1.0);
  EXPECT_DOUBLE_EQ(*collective_bus_factor("gather", 4), 3.0 / 4);
  EXPECT_DOUBLE_EQ(*collective_bus_factor("scatter", 4), 3.0 / 4);
  EXPECT_FALSE(collective_bus_factor("barrier", 8).has_value());
  EXPECT_FALSE(collective_bus_factor("allreduce", 1).has_value());  // one rank moves nothing
}

TEST(collective_traffic, message_size_is_the_larger_buffer_and_links_are_the_sweeps) {
  EXPECT_EQ(collective_message_bytes(kernel_collective{"allgather", 8e6, 64e6, 8}), 64e6);
  EXPECT_EQ(collective_message_bytes(kernel_collective{"reduce_scatter", 64e6, 8e6, 8}), 64e6);
  EXPECT_EQ(collective_link_id("AllReduce"), "nccl_allreduce");
  EXPECT_EQ(collective_link_id("all_gather_into_tensor"), "nccl_allgather");
  EXPECT_EQ(collective_link_id("_reduce_scatter_base"), "nccl_reducescatter");
  EXPECT_EQ(collective_link_id("broadcast"), "");
}

}  // namespace
}  // namespace rafter

#include "analysis/limiter.hpp"

#include <gtest/gtest.h>

namespace rafter {
namespace {

limiter_inputs sol(std::optional<double> compute, std::optional<double> memory) {
  limiter_inputs in;
  in.cls = kernel_class::gemm;
  in.compute_fraction = compute;
  in.compute_ceiling = "bf16.tensor";
  in.memory_fraction = memory;
  in.memory_level = "hbm";
  in.mean_s = 1e-3;
  in.link = "nvlink";
  return in;
}

TEST(decide_limiter, nsight_compute_sol_thresholds) {
  const limiter_thresholds t;
  EXPECT_EQ(decide_limiter(sol(0.85, 0.30), t).kind, limiter_kind::compute);
  EXPECT_EQ(decide_limiter(sol(0.85, 0.30), t).detail, "bf16.tensor");
  EXPECT_EQ(decide_limiter(sol(0.20, 0.90), t).kind, limiter_kind::memory);
  EXPECT_EQ(decide_limiter(sol(0.20, 0.90), t).detail, "hbm");
  EXPECT_EQ(decide_limiter(sol(0.59, 0.59), t).kind, limiter_kind::latency);
  EXPECT_EQ(decide_limiter(sol(0.05, std::nullopt), t).kind, limiter_kind::latency);
  EXPECT_EQ(decide_limiter(sol(0.75, 0.62), t).kind, limiter_kind::compute);  // Differ by >= 10 points.
  const auto balanced = decide_limiter(sol(0.66, 0.70), t);
  EXPECT_EQ(balanced.kind, limiter_kind::memory);
  EXPECT_NE(balanced.rule.find("balanced"), std::string::npos);
}

TEST(decide_limiter, rule_text_carries_the_numbers_and_threshold) {
  const auto v = decide_limiter(sol(0.86, 0.30), limiter_thresholds{});
  EXPECT_NE(v.rule.find("86%"), std::string::npos) << v.rule;
  EXPECT_NE(v.rule.find("80%"), std::string::npos) << v.rule;
  EXPECT_NE(v.rule.find("bf16.tensor"), std::string::npos) << v.rule;
  // Just below a threshold reads as below it (not "60% ... below 60%").
  const auto edge = decide_limiter(sol(0.20, 0.5986), limiter_thresholds{});
  EXPECT_EQ(edge.kind, limiter_kind::latency);
  EXPECT_NE(edge.rule.find("memory 59.9% of hbm: both below 60%"), std::string::npos) << edge.rule;
}

TEST(decide_limiter, thresholds_are_respected_not_hard_coded) {
  limiter_thresholds strict;
  strict.high_throughput = 0.95;
  strict.latency_bound = 0.90;
  EXPECT_EQ(decide_limiter(sol(0.85, 0.30), strict).kind, limiter_kind::latency);
}

TEST(decide_limiter, communication_and_launch_overhead_come_first) {
  const limiter_thresholds t;
  auto in = sol(0.95, 0.1);
  in.cls = kernel_class::communication;
  EXPECT_EQ(decide_limiter(in, t).kind, limiter_kind::communication);
  EXPECT_EQ(decide_limiter(in, t).detail, "nvlink");
  in.link_fraction = 0.423;
  in.link_ceiling = "nccl_allgather";
  EXPECT_EQ(decide_limiter(in, t).detail, "nccl_allgather");
  EXPECT_EQ(decide_limiter(in, t).rule, "communication kernel (class rule); bus bandwidth 42% of nccl_allgather");

  auto small = sol(std::nullopt, std::nullopt);
  small.mean_s = 3e-6;
  small.mean_gap_before_s = 5e-6;
  EXPECT_EQ(decide_limiter(small, t).kind, limiter_kind::launch_overhead);
  small.mean_gap_before_s = 1e-6;  // Gap shorter than the kernel: not launch-bound.
  EXPECT_EQ(decide_limiter(small, t).kind, limiter_kind::unknown);
  small.mean_s = 20e-6;            // Long kernel: never launch overhead.
  small.mean_gap_before_s = 1e-3;
  EXPECT_EQ(decide_limiter(small, t).kind, limiter_kind::unknown);
}

TEST(limiter_kind, names_round_trip) {
  for (const auto k : {limiter_kind::compute, limiter_kind::memory, limiter_kind::latency, limiter_kind::launch_overhead,
                       limiter_kind::communication, limiter_kind::unknown}) {
    EXPECT_EQ(limiter_kind_from_string(to_string(k)), k);
  }
  EXPECT_FALSE(limiter_kind_from_string("bogus"));
}

}  // namespace
}  // namespace rafter

#include "microbench/host/core_scaling.hpp"

#include <thread>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "microbench/host/kernels/compute_kernels.hpp"
#include "microbench/host/kernels/simd_level.hpp"
#include "allowed_cpus.hpp"

namespace rafter::host {
namespace {

std::string probe_kernel() { return core_scaling_kernel(detect_simd_level()); }

TEST(core_scaling, efficiency_is_aggregate_over_threads_times_one) {
  EXPECT_DOUBLE_EQ(scaling_efficiency(10.0, 20.0, 2), 1.0);
  EXPECT_DOUBLE_EQ(scaling_efficiency(10.0, 10.0, 2), 0.5);
  EXPECT_DOUBLE_EQ(scaling_efficiency(10.0, 30.0, 4), 0.75);
  EXPECT_DOUBLE_EQ(scaling_efficiency(0.0, 10.0, 2), 0.0);
  EXPECT_DOUBLE_EQ(scaling_efficiency(10.0, -1.0, 2), 0.0);
  EXPECT_DOUBLE_EQ(scaling_efficiency(10.0, 10.0, 0), 0.0);
}

TEST(core_scaling, warning_only_below_the_threshold_and_names_the_numbers) {
  core_scaling s{"fp64.vector.fma", 100e9, 190e9, 2, 0.95};
  EXPECT_EQ(core_scaling_warning(s, "before the compute suite"), "");
  s.all_threads_flop_per_s = 100e9;
  s.efficiency = 0.5;
  const std::string w = core_scaling_warning(s, "before the compute suite");
  EXPECT_NE(w.find("before the compute suite"), std::string::npos) << w;
  EXPECT_NE(w.find("50%"), std::string::npos) << w;
  EXPECT_NE(w.find("fp64.vector.fma"), std::string::npos) << w;
}

// Two workers pinned to one CPU are what co-located vCPUs look like: the probe must see it.
TEST(core_scaling, two_threads_on_one_cpu_are_not_independent) {
  const std::string id = probe_kernel();
  if (id.empty()) GTEST_SKIP() << "no compute kernel runs on this CPU";
  const int cpu = rafter::testing::allowed_cpus(1).front();
  thread_team one({cpu});
  thread_team shared({cpu, cpu});
  const core_scaling s = measure_core_scaling(one, shared, id, 800'000, 5);
  EXPECT_GT(s.one_thread_flop_per_s, 0.0);
  EXPECT_LT(s.efficiency, 0.75) << "two threads time-sharing cpu 0 ran at " << s.efficiency << " of 2 x one thread";
  EXPECT_GT(s.efficiency, 0.25);
  EXPECT_FALSE(core_scaling_warning(s, "now").empty());
}

TEST(core_scaling, separate_cpus_give_a_plausible_efficiency) {
  const std::vector<int> cpus = rafter::testing::allowed_cpus(2);
  if (cpus.size() < 2) GTEST_SKIP() << "one CPU allowed: nothing to compare";
  const std::string id = probe_kernel();
  if (id.empty()) GTEST_SKIP() << "no compute kernel runs on this CPU";
  thread_team one({cpus[0]});
  thread_team both(cpus);
  const core_scaling s = measure_core_scaling(one, both, id, 200'000, 3);
  EXPECT_EQ(s.threads, 2);
  EXPECT_EQ(s.kernel, id);
  // Whether the two CPUs are independent right now depends on the machine (SMT siblings, a VM's
  // placement); the figure is a ratio of two positive rates and cannot exceed ~1 by much.
  EXPECT_GT(s.efficiency, 0.2);
  EXPECT_LT(s.efficiency, 1.3);
}

TEST(core_scaling, unknown_kernel_is_unsupported) {
  thread_team one(rafter::testing::allowed_cpus(1));
  EXPECT_THROW((void)measure_core_scaling(one, one, "fp128.vector.fma", 1000, 1), unsupported_error);
}

}  // namespace
}  // namespace rafter::host

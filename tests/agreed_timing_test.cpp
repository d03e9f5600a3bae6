#include "microbench/mpi/agreed_timing.hpp"

#include <algorithm>
#include <functional>
#include <vector>

#include <gtest/gtest.h>

namespace rafter::mpi {
namespace {

/// A fake operation: each one takes `per_op` seconds on this rank.
struct fake_op {
  double per_op = 1e-6;
  std::vector<int> calls;  ///< n of every time_of call.
  double operator()(int n) {
    calls.push_back(n);
    return per_op * n;
  }
};

TEST(agreed_timing, scales_the_repeat_count_to_the_target_and_reports_per_operation_seconds) {
  fake_op op;
  agreed_timing_policy policy;
  policy.repetitions = 4;
  policy.target_s = 1e-3;
  const agreed_timing t = time_agreed(std::ref(op), [](double s) { return s; }, policy);
  EXPECT_EQ(t.repeats, 1000);  // 1 ms / 1 µs
  EXPECT_DOUBLE_EQ(t.seconds.median, 1e-6);
  EXPECT_EQ(t.seconds.n, 4);
  EXPECT_TRUE(t.seconds.settled);
  // Warm-up, first timing, growth by 8 while under a tenth of the target, then the samples.
  EXPECT_EQ(op.calls.front(), 1);
  EXPECT_EQ(std::count(op.calls.begin(), op.calls.end(), 1000), 4);
}

TEST(agreed_timing, every_sample_counts_the_slowest_rank) {
  fake_op op;
  agreed_timing_policy policy;
  policy.target_s = 1e-3;
  // Another rank is three times slower: the agreed value is its time.
  const agreed_timing t = time_agreed(std::ref(op), [](double s) { return 3.0 * s; }, policy);
  EXPECT_NEAR(t.seconds.median, 3e-6, 1e-15);
  EXPECT_EQ(t.repeats, 333);
}

TEST(agreed_timing, a_spread_above_the_tolerance_is_measured_again_then_flagged) {
  int call = 0;
  auto noisy = [&call](int n) { return (++call % 2 == 0 ? 1e-6 : 4e-6) * n; };
  agreed_timing_policy policy;
  policy.repetitions = 3;
  policy.target_s = 1e-4;
  policy.max_attempts = 2;
  const agreed_timing t = time_agreed(noisy, [](double s) { return s; }, policy);
  EXPECT_FALSE(t.seconds.settled);
  EXPECT_EQ(t.seconds.n, 6);  // Second attempt: twice the samples.
  EXPECT_GE(t.seconds.max, t.seconds.min * 3.9);
}

TEST(agreed_timing, repeats_are_bounded) {
  agreed_timing_policy policy;
  policy.max_repeats = 64;
  const agreed_timing zero = time_agreed([](int) { return 0.0; }, [](double s) { return s; }, policy);
  EXPECT_EQ(zero.repeats, 64);
  const agreed_timing slow = time_agreed([](int n) { return 1.0 * n; }, [](double s) { return s; }, policy);
  EXPECT_EQ(slow.repeats, 1);
}

}  // namespace
}  // namespace rafter::mpi

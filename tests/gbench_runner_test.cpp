#include "microbench/gbench_runner.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/interrupt.hpp"

namespace rafter {
namespace {

// The "kernel" reports a fixed time per iteration, so GB's statistics are known exactly.
TEST(gbench_runner, reports_gbench_median_min_max_of_manual_times) {
  const timing_policy policy{5, 0.002, 0.0, 0.05, 1};
  const sample_stats s = measure_with_gbench("constant", [] { return 1e-4; }, policy);
  EXPECT_DOUBLE_EQ(s.median, 1e-4);
  EXPECT_DOUBLE_EQ(s.min, 1e-4);
  EXPECT_DOUBLE_EQ(s.max, 1e-4);
  EXPECT_EQ(s.n, 5);
  EXPECT_TRUE(s.settled);
}

TEST(gbench_runner, a_point_that_never_settles_is_flagged_after_bounded_attempts) {
  // Every iteration takes 1% longer than the one before: the repetitions drift, CV far above 0.01%.
  int calls = 0;
  auto noisy = [&] { return 1e-4 * (1.0 + 0.01 * ++calls); };
  const timing_policy policy{3, 0.0005, 0.0, 0.0001, 2};
  const sample_stats s = measure_with_gbench("noisy", noisy, policy);
  EXPECT_FALSE(s.settled);
  EXPECT_EQ(s.n, 6);  // The second attempt doubled the repetitions.
  EXPECT_LE(s.min, s.median);
  EXPECT_LE(s.median, s.max);
}

TEST(gbench_runner, an_interrupt_stops_the_measurement) {
  set_interrupt_for_testing(true);
  EXPECT_THROW((void)measure_with_gbench("interrupted", [] { return 1e-4; }, timing_policy{}), interrupted_error);
  set_interrupt_for_testing(false);
}

TEST(gbench_runner, an_exception_from_the_measured_function_is_rethrown_unchanged_after_the_harness) {
  int calls = 0;
  auto failing = [&]() -> double {
    if (++calls == 3) throw unsupported_error("cublasLtMatmul failed: CUBLAS_STATUS_NOT_SUPPORTED");
    return 1e-4;
  };
  try {
    (void)measure_with_gbench("throws", failing, timing_policy{3, 0.002, 0.0, 0.05, 2});
    ADD_FAILURE() << "no exception";
  } catch (const unsupported_error& e) {
    EXPECT_STREQ(e.what(), "cublasLtMatmul failed: CUBLAS_STATUS_NOT_SUPPORTED");
  }
  EXPECT_EQ(calls, 3);  // Nothing ran after the throw: no further iteration, repetition or attempt.
  // The harness is usable again.
  EXPECT_DOUBLE_EQ(measure_with_gbench("after", [] { return 2e-4; }, timing_policy{3, 0.002, 0.0, 0.05, 1}).median, 2e-4);
}

}  // namespace
}  // namespace rafter

#include "microbench/check_failures.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

namespace rafter {
namespace {

void wrong_result() { throw error(exit_code::check_failed, "the kernel computed a wrong result: element 3 is 2, expected 1"); }

TEST(check_failures, a_measurement_that_returns_is_kept) {
  check_failures failed;
  int runs = 0;
  EXPECT_TRUE(failed.guard("fp32.vector.fma", [&] { ++runs; }));
  EXPECT_EQ(runs, 1);
  EXPECT_TRUE(failed.empty());
}

TEST(check_failures, a_wrong_result_is_recorded_and_the_next_measurement_runs) {
  check_failures failed;
  EXPECT_FALSE(failed.guard("fp8.tensor.wgmma", wrong_result));
  bool next_ran = false;
  EXPECT_TRUE(failed.guard("hbm.read", [&] { next_ran = true; }));
  EXPECT_TRUE(next_ran);
  ASSERT_EQ(failed.failures().size(), 1u);
  EXPECT_EQ(failed.failures()[0].id, "fp8.tensor.wgmma");
  EXPECT_EQ(failed.failures()[0].message, "the kernel computed a wrong result: element 3 is 2, expected 1");
  EXPECT_EQ(check_failures::warning(failed.failures()[0]),
            "fp8.tensor.wgmma: the kernel computed a wrong result: element 3 is 2, expected 1; not measured");
}

TEST(check_failures, every_other_error_ends_the_sweep_unrecorded) {
  check_failures failed;
  // A CUDA error (exit code 3) may leave the context unusable: it must not be swallowed.
  EXPECT_THROW(failed.guard("l2.read", [] { throw error(exit_code::unsupported, "cudaErrorIllegalAddress"); }), error);
  EXPECT_THROW(failed.guard("l2.read", [] { throw interrupted_error(); }), interrupted_error);
  EXPECT_THROW(failed.guard("l2.read", [] { throw usage_error("--device 9"); }), usage_error);
  EXPECT_THROW(failed.guard("l2.read", [] { throw std::runtime_error("internal"); }), std::runtime_error);
  EXPECT_TRUE(failed.empty());
}

TEST(check_failures, the_summary_names_each_dropped_measurement_and_what_was_written) {
  check_failures failed;
  (void)failed.guard("fp8.tensor.wgmma", wrong_result);
  EXPECT_EQ(failed.summary("p.json"),
            "fp8.tensor.wgmma failed its check (a wrong result); p.json written without it (the profile's warnings say "
            "why)");
  (void)failed.guard("bandwidth.read at 4 MiB", wrong_result);
  EXPECT_EQ(failed.summary("p.json and p.html"),
            "2 measurements failed their checks (wrong results): fp8.tensor.wgmma, bandwidth.read at 4 MiB; p.json and "
            "p.html written without them (the profile's warnings say why)");
}

}  // namespace
}  // namespace rafter

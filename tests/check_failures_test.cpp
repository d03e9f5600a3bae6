#include "microbench/check_failures.hpp"

#include <stdexcept>
#include <string>
#include <vector>

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

TEST(check_failures, a_phase_that_fails_stops_the_sweep_and_keeps_what_was_measured) {
  check_failures failed;
  std::vector<std::string> ran;
  EXPECT_TRUE(failed.run_phase("compute (CUDA cores)", [&] { ran.push_back("core"); }));
  EXPECT_FALSE(failed.run_phase("compute (wgmma)", [&] {
    ran.push_back("wgmma");
    throw error(exit_code::unsupported, "cudaDeviceSynchronize() failed: cudaErrorIllegalInstruction");
  }));
  // Every later phase is left out: the context may be unusable.
  EXPECT_FALSE(failed.run_phase("memory", [&] { ran.push_back("memory"); }));
  EXPECT_EQ(ran, (std::vector<std::string>{"core", "wgmma"}));
  ASSERT_TRUE(failed.stopped().has_value());
  EXPECT_EQ(failed.stopped()->where, "compute (wgmma)");
  EXPECT_FALSE(failed.empty());
  EXPECT_EQ(failed.code(), exit_code::unsupported);
  EXPECT_EQ(check_failures::warning(*failed.stopped()),
            "the sweep stopped in compute (wgmma): cudaDeviceSynchronize() failed: cudaErrorIllegalInstruction; the rest "
            "of the sweep was not measured");
  EXPECT_EQ(failed.summary("p.json"),
            "the sweep stopped in compute (wgmma) (cudaDeviceSynchronize() failed: cudaErrorIllegalInstruction); p.json "
            "written with what was measured before");
}

TEST(check_failures, a_phase_run_after_a_stop_is_named_and_its_own_error_is_a_failure) {
  check_failures failed;
  std::vector<std::string> ran;
  (void)failed.run_phase("compute (wgmma)", [] { throw error(exit_code::unsupported, "cudaFuncSetAttribute failed"); });
  EXPECT_TRUE(failed.run_phase_after_stop("interconnect", [&] { ran.push_back("links"); }));
  EXPECT_FALSE(failed.run_phase_after_stop("interconnect (NCCL)", [] { throw error(exit_code::unsupported, "ncclSystemError"); }));
  EXPECT_EQ(ran, (std::vector<std::string>{"links"}));
  ASSERT_TRUE(failed.stopped().has_value());
  EXPECT_EQ(failed.stopped()->where, "compute (wgmma)");  // the first stop stays the stop
  EXPECT_EQ(failed.code(), exit_code::unsupported);
  EXPECT_EQ(check_failures::warning(*failed.stopped()),
            "the sweep stopped in compute (wgmma): cudaFuncSetAttribute failed; the rest of the sweep was not measured, "
            "except interconnect (run after it: the context stayed usable)");
  ASSERT_EQ(failed.failures().size(), 1u);
  EXPECT_EQ(check_failures::warning(failed.failures()[0]), "interconnect (NCCL): ncclSystemError; not measured");
  // Without a stop it is run_phase.
  check_failures fresh;
  EXPECT_FALSE(fresh.run_phase_after_stop("interconnect", [] { throw error(exit_code::unsupported, "x"); }));
  ASSERT_TRUE(fresh.stopped().has_value());
  EXPECT_TRUE(fresh.stopped()->resumed.empty());
}

TEST(check_failures, a_stop_after_a_wrong_result_says_both) {
  check_failures failed;
  (void)failed.guard("fp32.vector.fma", wrong_result);
  EXPECT_EQ(failed.code(), exit_code::check_failed);
  (void)failed.run_phase("latency", [] { throw error(exit_code::check_failed, "a timed pointer chase computed a wrong result"); });
  EXPECT_EQ(failed.code(), exit_code::check_failed);
  EXPECT_EQ(failed.summary("p.json"),
            "the sweep stopped in latency (a timed pointer chase computed a wrong result); p.json written with what was "
            "measured before; 1 measurement(s) also failed their checks");
}

TEST(check_failures, interruptions_usage_errors_and_foreign_exceptions_pass_through_a_phase) {
  check_failures failed;
  EXPECT_THROW(failed.run_phase("memory", [] { throw interrupted_error(); }), interrupted_error);
  EXPECT_THROW(failed.run_phase("memory", [] { throw usage_error("--device 9"); }), usage_error);
  EXPECT_THROW(failed.run_phase("memory", [] { throw std::runtime_error("internal"); }), std::runtime_error);
  EXPECT_TRUE(failed.empty());
  EXPECT_FALSE(failed.stopped().has_value());
}

}  // namespace
}  // namespace rafter

#include "gpu_test_support.hpp"

#if RAFTER_HAVE_CUDA
#include "microbench/cuda/core_bench.hpp"
#include "microbench/cuda/kernel_counts.hpp"

namespace rafter::cuda {
namespace {

TEST(core_bench, every_cuda_core_kernel_matches_the_host_reference) {
  RAFTER_SKIP_WITHOUT_GPU();
  gpu_session session(0);
  for (const auto& i : core_ops()) {
    SCOPED_TRACE(i.id);
    core_bench bench(session, i.op, 1234);
    EXPECT_EQ(bench.run_and_check(2, 0), "");  // every thread, 32 steps
    EXPECT_GT(bench.time(50), 0.0);
    EXPECT_EQ(bench.check_output(50, 64), "");  // the timed launch, 64 threads
    EXPECT_DOUBLE_EQ(bench.flop(50), core_flop(i.op, bench.threads(), 50));
    EXPECT_EQ(bench.threads() % core_threads_per_block, 0u);
  }
}

TEST(core_bench, the_check_fails_on_a_result_of_different_work) {
  RAFTER_SKIP_WITHOUT_GPU();
  gpu_session session(0);
  core_bench bench(session, core_op::fp32_fma, 99);
  ASSERT_EQ(bench.run_and_check(1, 0), "");
  EXPECT_NE(bench.check_output(2, 16), "");  // 16 steps ran, 32 expected
}

TEST(core_bench, the_probe_reads_a_plausible_sm_clock) {
  RAFTER_SKIP_WITHOUT_GPU();
  gpu_session session(0);
  core_bench bench(session, core_op::fp32_fma, 5);
  session.reset_probe();
  (void)bench.time(2000);
  const auto hz = session.probed_clock_hz();
  ASSERT_TRUE(hz.has_value());
  EXPECT_GT(*hz, 1e8);
  EXPECT_LT(*hz, 5e9);
}

}  // namespace
}  // namespace rafter::cuda
#else
TEST(core_bench, needs_a_cuda_build) { GTEST_SKIP() << "built without CUDA"; }
#endif

#include "gpu_test_support.hpp"

#if RAFTER_HAVE_CUDA
#include "core/error.hpp"
#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/wgmma_bench.hpp"

namespace rafter::cuda {
namespace {

TEST(wgmma_bench, every_wgmma_kernel_matches_d0_plus_ab_on_hopper) {
  RAFTER_SKIP_WITHOUT_GPU();
  gpu_session session(0);
  if (session.facts().cc != 90) {
    EXPECT_THROW(wgmma_bench(session, wgmma_op::bf16, 1), unsupported_error);
    GTEST_SKIP() << "wgmma needs sm_90; this GPU is compute capability " << session.facts().cc;
  }
  for (const auto& i : wgmma_ops()) {
    SCOPED_TRACE(i.id);
    wgmma_bench bench(session, i.op, 31);
    EXPECT_EQ(bench.run_and_check(0), "");
    EXPECT_EQ(bench.run_and_check(2), "");
    EXPECT_GT(bench.time(2), 0.0);
    EXPECT_EQ(bench.check_output(2), "");
    EXPECT_DOUBLE_EQ(bench.flop(2), wgmma_flop(i.op, static_cast<std::size_t>(bench.blocks()), 2));
  }
}

}  // namespace
}  // namespace rafter::cuda
#else
TEST(wgmma_bench, needs_a_cuda_build) { GTEST_SKIP() << "built without CUDA"; }
#endif

#include "gpu_test_support.hpp"

#if RAFTER_HAVE_CUDA
#include "core/error.hpp"
#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/mma_bench.hpp"

namespace rafter::cuda {
namespace {

TEST(mma_bench, every_mma_kernel_the_gpu_has_matches_d0_plus_ab) {
  RAFTER_SKIP_WITHOUT_GPU();
  gpu_session session(0);
  for (const auto& i : mma_ops()) {
    SCOPED_TRACE(i.id);
    if (!mma_exists(i.op, session.facts().cc) || mma_is_emulated(i.op, session.facts().cc)) {
      EXPECT_THROW(mma_bench(session, i.op, 1), unsupported_error);
      continue;
    }
    mma_bench bench(session, i.op, 77);
    EXPECT_EQ(bench.run_and_check(0), "");  // a single +B step
    EXPECT_EQ(bench.run_and_check(3), "");  // +B, -B three times, then +B
    EXPECT_GT(bench.time(3), 0.0);
    EXPECT_EQ(bench.check_output(3), "");
    EXPECT_DOUBLE_EQ(bench.flop(3), mma_flop(i.op, bench.warps(), 3));
  }
}

}  // namespace
}  // namespace rafter::cuda
#else
TEST(mma_bench, needs_a_cuda_build) { GTEST_SKIP() << "built without CUDA"; }
#endif

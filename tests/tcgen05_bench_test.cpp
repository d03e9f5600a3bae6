#include "gpu_test_support.hpp"

#if RAFTER_HAVE_CUDA
#include "core/error.hpp"
#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/tcgen05_bench.hpp"

namespace rafter::cuda {
namespace {

TEST(tcgen05_bench, every_tcgen05_kernel_matches_d0_plus_ab_on_the_sm_100_family_and_thor) {
  RAFTER_SKIP_WITHOUT_GPU();
  gpu_session session(0);
  if (!tcgen05_exists(tcgen05_op::bf16, session.facts().cc)) {
    EXPECT_THROW(tcgen05_bench(session, tcgen05_op::bf16, 1), unsupported_error);
    GTEST_SKIP() << "tcgen05 needs compute capability 10.0, 10.3 or 11.0; this GPU is " << session.facts().cc;
  }
  for (const auto& i : tcgen05_ops()) {
    SCOPED_TRACE(i.id);
    if (!tcgen05_exists(i.op, session.facts().cc)) {  // kind::i8: B200 and Thor only
      EXPECT_THROW(tcgen05_bench(session, i.op, 37), unsupported_error);
      continue;
    }
    tcgen05_bench bench(session, i.op, 37);
    EXPECT_EQ(bench.blocks(), session.facts().sms * tcgen05_blocks_per_sm);
    EXPECT_EQ(bench.run_and_check(0), "");
    EXPECT_EQ(bench.run_and_check(3), "");
    EXPECT_GT(bench.time(3), 0.0);
    EXPECT_EQ(bench.check_output(3), "");
    EXPECT_DOUBLE_EQ(bench.flop(3), tcgen05_flop(i.op, static_cast<std::size_t>(bench.blocks()), 3));
  }
}

}  // namespace
}  // namespace rafter::cuda
#else
TEST(tcgen05_bench, needs_a_cuda_build) { GTEST_SKIP() << "built without CUDA"; }
#endif

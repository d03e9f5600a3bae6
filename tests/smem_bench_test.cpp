#include "gpu_test_support.hpp"

#if RAFTER_HAVE_CUDA
#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/smem_bench.hpp"

namespace rafter::cuda {
namespace {

TEST(smem_bench, every_thread_sums_each_row_once_per_pass) {
  RAFTER_SKIP_WITHOUT_GPU();
  gpu_session session(0);
  smem_bench bench(session, 8);
  EXPECT_EQ(bench.run_and_check(13), "");
  EXPECT_NE(bench.check_output(12), "");
  EXPECT_GT(bench.time(100), 0.0);
  EXPECT_EQ(bench.check_output(100), "");
  EXPECT_DOUBLE_EQ(bench.bytes(100), smem_bytes(bench.threads(), 100));
}

}  // namespace
}  // namespace rafter::cuda
#else
TEST(smem_bench, needs_a_cuda_build) { GTEST_SKIP() << "built without CUDA"; }
#endif

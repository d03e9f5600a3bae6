#include "gpu_test_support.hpp"

#if RAFTER_HAVE_CUDA
#include "core/error.hpp"
#include "microbench/cuda/p2p_bench.hpp"

namespace rafter::cuda {
namespace {

TEST(p2p_bench, peer_writes_and_reads_deliver_the_pattern) {
  RAFTER_SKIP_WITHOUT_GPU();
  int devices = 0;
  ASSERT_EQ(cudaGetDeviceCount(&devices), cudaSuccess);
  if (devices < 2) GTEST_SKIP() << "one GPU visible: no peer to copy to";
  int can = 0;
  ASSERT_EQ(cudaDeviceCanAccessPeer(&can, 0, 1), cudaSuccess);
  if (!can) {
    EXPECT_THROW(p2p_bench(0, 1, 1 << 20, 1), unsupported_error);
    GTEST_SKIP() << "GPUs 0 and 1 are not peer-capable";
  }
  p2p_bench bench(0, 1, (std::size_t{4} << 20) + 16, 1);
  for (const bool read : {false, true}) {
    EXPECT_EQ(bench.run_and_check(read), "");
    EXPECT_GT(bench.time(read, 2), 0.0);
    EXPECT_EQ(bench.check_output(), "");
  }
  std::string mismatch = "unset";
  const std::optional<double> t = bench.small_copies(8, 10, mismatch);
  ASSERT_TRUE(t.has_value()) << bench.gate_timeout_reason();
  EXPECT_GT(*t, 0.0);
  EXPECT_EQ(mismatch, "");
}

}  // namespace
}  // namespace rafter::cuda
#else
TEST(p2p_bench, needs_a_cuda_build) { GTEST_SKIP() << "built without CUDA"; }
#endif

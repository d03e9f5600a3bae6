#include "gpu_test_support.hpp"

#if RAFTER_HAVE_CUDA && RAFTER_HAVE_NCCL
#include <vector>

#include "core/error.hpp"
#include "microbench/cuda/nccl_bench.hpp"

namespace rafter::cuda {
namespace {

TEST(nccl_bench, every_collective_matches_the_host_reference) {
  RAFTER_SKIP_WITHOUT_GPU();
  const nccl_library nccl;
  if (!nccl.available()) GTEST_SKIP() << "NCCL cannot be loaded: " << nccl.unavailable_reason();
  int devices = 0;
  ASSERT_EQ(cudaGetDeviceCount(&devices), cudaSuccess);
  if (devices < 2) {
    EXPECT_THROW(nccl_bench(nccl, std::vector<int>{0}, 1 << 20, 1), unsupported_error);
    GTEST_SKIP() << "one GPU visible: collectives need two";
  }
  std::vector<int> all;
  for (int d = 0; d < devices; ++d) all.push_back(d);
  nccl_bench bench(nccl, all, std::size_t{8} << 20, 1);
  for (const auto& i : collectives()) {
    SCOPED_TRACE(i.name);
    for (const std::size_t bytes : {std::size_t{4096}, std::size_t{8} << 20}) {
      EXPECT_EQ(bench.run_and_check(i.op, bytes), "");
      EXPECT_GT(bench.time(i.op, bytes, 3), 0.0);
      EXPECT_EQ(bench.check_output(i.op, bytes), "");
      EXPECT_EQ(bench.message_bytes(bytes) % (4 * static_cast<std::size_t>(devices)), 0u);
    }
  }
}

}  // namespace
}  // namespace rafter::cuda
#elif RAFTER_HAVE_CUDA
TEST(nccl_bench, needs_nccl_h) { GTEST_SKIP() << "built without nccl.h"; }
#else
TEST(nccl_bench, needs_a_cuda_build) { GTEST_SKIP() << "built without CUDA"; }
#endif

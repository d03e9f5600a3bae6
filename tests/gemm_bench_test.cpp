#include "gpu_test_support.hpp"

#if RAFTER_HAVE_CUDA
#include "core/error.hpp"
#include "microbench/cuda/gemm_bench.hpp"

namespace rafter::cuda {
namespace {

TEST(gemm_bench, every_precision_the_gpu_has_matches_the_host_reference) {
  RAFTER_SKIP_WITHOUT_GPU();
  const cublaslt_library lt;
  if (!lt.available()) GTEST_SKIP() << "cuBLASLt cannot be loaded: " << lt.unavailable_reason();
  gpu_session session(0);
  int measured = 0;
  for (const auto& i : gemm_precisions()) {
    SCOPED_TRACE(i.name);
    if (session.facts().cc < i.min_cc) {
      EXPECT_THROW(gemm_bench(session, lt, i.precision, 256, 1), unsupported_error);
      continue;
    }
    gemm_bench bench(session, lt, i.precision, 512, 1);
    EXPECT_EQ(bench.run_and_check(), "");
    EXPECT_GT(bench.time(3), 0.0);
    EXPECT_EQ(bench.check_output(), "");
    EXPECT_DOUBLE_EQ(bench.flop(3), 3 * gemm_flop(512, 512, 512));
    ++measured;
  }
  EXPECT_GE(measured, 3);  // bf16, fp16 and tf32 on any GPU rafter supports
}

TEST(gemm_bench, an_output_that_was_never_computed_is_caught) {
  RAFTER_SKIP_WITHOUT_GPU();
  const cublaslt_library lt;
  if (!lt.available()) GTEST_SKIP() << "cuBLASLt cannot be loaded: " << lt.unavailable_reason();
  gpu_session session(0);
  gemm_bench bench(session, lt, gemm_precision::bf16, 256, 2);
  EXPECT_NE(bench.check_output(), "");  // D was never written
}

}  // namespace
}  // namespace rafter::cuda
#else
TEST(gemm_bench, needs_a_cuda_build) { GTEST_SKIP() << "built without CUDA"; }
#endif

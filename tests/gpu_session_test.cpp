#include "gpu_test_support.hpp"

#if RAFTER_HAVE_CUDA
#include "core/error.hpp"
#include "microbench/cuda/gpu_session.hpp"

namespace rafter::cuda {
namespace {

TEST(gpu_session, reads_the_device_and_times_with_events) {
  RAFTER_SKIP_WITHOUT_GPU();
  gpu_session session(0);
  const device_facts& f = session.facts();
  EXPECT_FALSE(f.name.empty());
  EXPECT_GE(f.cc, 80);
  EXPECT_GT(f.sms, 0);
  EXPECT_GT(f.l2_bytes, 0.0);
  EXPECT_GT(f.total_bytes, f.free_bytes / 2);
  session.flush_l2();
  const double t = session.time([](cudaStream_t) { return cudaSuccess; });
  EXPECT_GE(t, 0.0);
  EXPECT_LT(t, 0.1);
  session.reset_probe();
  EXPECT_FALSE(session.probed_clock_hz().has_value());  // nothing probed yet
}

TEST(gpu_session, a_failing_launch_throws_with_exit_code_3) {
  RAFTER_SKIP_WITHOUT_GPU();
  gpu_session session(0);
  EXPECT_THROW((void)session.time([](cudaStream_t) { return cudaErrorInvalidValue; }), error);
}

}  // namespace
}  // namespace rafter::cuda
#else
TEST(gpu_session, needs_a_cuda_build) { GTEST_SKIP() << "built without CUDA"; }
#endif

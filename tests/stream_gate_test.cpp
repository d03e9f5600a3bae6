#include "gpu_test_support.hpp"

#if RAFTER_HAVE_CUDA
#include <chrono>
#include <thread>

#include "core/error.hpp"
#include "microbench/cuda/cuda_call.hpp"
#include "microbench/cuda/device_buffer.hpp"
#include "microbench/cuda/stream_gate.hpp"

namespace rafter::cuda {
namespace {

/// A stream of device 0, destroyed at the end of the test.
struct test_stream {
  cudaStream_t s = nullptr;
  test_stream() {
    RAFTER_CUDA_CALL(cudaSetDevice(0));
    RAFTER_CUDA_CALL(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  }
  ~test_stream() { cudaStreamDestroy(s); }
};

TEST(stream_gate, the_hosts_queuing_time_is_not_timed) {
  RAFTER_SKIP_WITHOUT_GPU();
  const test_stream stream;
  stream_gate gate;
  device_buffer<unsigned char> buffer(4096);
  // The host takes 100 ms to queue a copy of a few microseconds: the gate keeps it out of the time.
  const std::optional<double> t = gate.time(stream.s, [&](cudaStream_t s) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return cudaMemsetAsync(buffer.get(), 1, buffer.bytes(), s);
  });
  ASSERT_TRUE(t.has_value()) << gate.timeout_reason();
  EXPECT_GE(*t, 0.0);
  EXPECT_LT(*t, 0.05);
}

TEST(stream_gate, a_gate_the_host_opens_too_late_times_out_and_its_time_is_refused) {
  RAFTER_SKIP_WITHOUT_GPU();
  const test_stream stream;
  stream_gate gate(200'000'000);  // 200 ms: the next time() queues well within it
  const std::optional<double> late = gate.time(stream.s, [](cudaStream_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    return cudaSuccess;
  });
  EXPECT_FALSE(late.has_value());
  EXPECT_NE(gate.timeout_reason().find("0.2 s timeout"), std::string::npos) << gate.timeout_reason();
  // The gate closes again for the next time.
  EXPECT_TRUE(gate.time(stream.s, [](cudaStream_t) { return cudaSuccess; }).has_value());
}

TEST(stream_gate, a_failure_while_queuing_throws_opens_the_gate_and_leaves_no_error_behind) {
  RAFTER_SKIP_WITHOUT_GPU();
  const test_stream stream;
  stream_gate gate;
  const auto started = std::chrono::steady_clock::now();
  EXPECT_THROW((void)gate.time(stream.s, [](cudaStream_t) { return cudaErrorInvalidValue; }), error);
  RAFTER_CUDA_CALL(cudaStreamSynchronize(stream.s));
  // The gate kernel ended when the gate opened, long before its 2 s timeout.
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), 1.0);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_TRUE(gate.time(stream.s, [](cudaStream_t) { return cudaSuccess; }).has_value());
}

}  // namespace
}  // namespace rafter::cuda
#else
TEST(stream_gate, needs_a_cuda_build) { GTEST_SKIP() << "built without CUDA"; }
#endif

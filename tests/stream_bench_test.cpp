#include "gpu_test_support.hpp"

#if RAFTER_HAVE_CUDA
#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/stream_bench.hpp"

namespace rafter::cuda {
namespace {

constexpr std::size_t small_vectors = (std::size_t{8} << 20) / 16 + 3;  // 8 MiB and a ragged tail

TEST(stream_bench, every_stream_kernel_writes_exactly_the_reference) {
  RAFTER_SKIP_WITHOUT_GPU();
  gpu_session session(0);
  for (const stream_op op : {stream_op::read, stream_op::write, stream_op::copy, stream_op::triad}) {
    SCOPED_TRACE(to_string(op));
    stream_bench bench(session, op, small_vectors, load_path::cached, 17);
    EXPECT_EQ(bench.run_and_check(1), "");
    EXPECT_GT(bench.time(1, true), 0.0);
    EXPECT_EQ(bench.check_output(1), "");
    EXPECT_DOUBLE_EQ(bench.bytes(1), stream_bytes(op, small_vectors, 1));
  }
}

TEST(stream_bench, the_l2_only_read_sums_every_pass) {
  RAFTER_SKIP_WITHOUT_GPU();
  gpu_session session(0);
  stream_bench bench(session, stream_op::read, small_vectors, load_path::l2_only, 3);
  EXPECT_EQ(bench.run_and_check(3), "");
  EXPECT_NE(bench.check_output(4), "");  // three passes ran, not four
}

TEST(stream_bench, every_stream_kernel_probes_a_plausible_sm_clock) {
  RAFTER_SKIP_WITHOUT_GPU();
  gpu_session session(0);
  for (const stream_op op : {stream_op::read, stream_op::write, stream_op::copy, stream_op::triad}) {
    SCOPED_TRACE(to_string(op));
    // 128 MiB per array: a launch of tens of microseconds, long against %globaltimer's resolution.
    stream_bench bench(session, op, (std::size_t{128} << 20) / 16, load_path::cached, 23);
    session.reset_probe();
    (void)bench.time_launches(1, 4, false);
    const auto hz = session.probed_clock_hz();
    ASSERT_TRUE(hz.has_value());
    EXPECT_GT(*hz, 1e8);
    EXPECT_LT(*hz, 5e9);
  }
}

TEST(stream_bench, a_write_that_did_not_happen_is_caught) {
  RAFTER_SKIP_WITHOUT_GPU();
  gpu_session session(0);
  stream_bench bench(session, stream_op::copy, small_vectors, load_path::cached, 5);
  EXPECT_NE(bench.check_output(1), "");  // nothing ran: b holds no copy of a
}

}  // namespace
}  // namespace rafter::cuda
#else
TEST(stream_bench, needs_a_cuda_build) { GTEST_SKIP() << "built without CUDA"; }
#endif

#include "gpu_test_support.hpp"

#if RAFTER_HAVE_CUDA
#include "microbench/cuda/host_link_bench.hpp"

namespace rafter::cuda {
namespace {

constexpr std::size_t small_transfer = (std::size_t{4} << 20) + 48;  // 4 MiB and a ragged tail of vectors

TEST(host_link_bench, every_copy_delivers_the_pattern) {
  RAFTER_SKIP_WITHOUT_GPU();
  gpu_session session(0);
  host_link_bench bench(session, small_transfer, 3);
  for (const auto& i : host_copies()) {
    SCOPED_TRACE(i.id);
    EXPECT_EQ(bench.run_and_check(i.copy), "");
    EXPECT_GT(bench.time(i.copy, 2), 0.0);
    EXPECT_EQ(bench.check_output(i.copy), "");
    EXPECT_DOUBLE_EQ(bench.bytes(i.copy, 2), (i.copy == host_copy::bidir_pinned ? 4.0 : 2.0) * small_transfer);
  }
}

TEST(host_link_bench, small_copies_arrive_and_a_missing_copy_is_caught) {
  RAFTER_SKIP_WITHOUT_GPU();
  gpu_session session(0);
  host_link_bench bench(session, small_transfer, 4);
  for (const bool h2d : {true, false}) {
    std::string mismatch = "unset";
    const std::optional<double> t = bench.small_copies(h2d, 8, 10, mismatch);
    ASSERT_TRUE(t.has_value()) << bench.gate_timeout_reason();
    EXPECT_GT(*t, 0.0);
    EXPECT_EQ(mismatch, "");
  }
  // No full copy has run: the device destination holds only the small copies' 8 bytes.
  EXPECT_NE(bench.check_output(host_copy::h2d_pinned), "");
}

}  // namespace
}  // namespace rafter::cuda
#else
TEST(host_link_bench, needs_a_cuda_build) { GTEST_SKIP() << "built without CUDA"; }
#endif

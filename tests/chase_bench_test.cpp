#include "gpu_test_support.hpp"

#if RAFTER_HAVE_CUDA
#include "microbench/cuda/chase_bench.hpp"
#include "microbench/cuda/kernel_counts.hpp"

namespace rafter::cuda {
namespace {

TEST(chase_bench, the_chase_ends_where_the_host_walk_ends_and_keeps_going) {
  RAFTER_SKIP_WITHOUT_GPU();
  gpu_session session(0);
  for (const std::size_t footprint : {std::size_t{64} << 10, std::size_t{64} << 20}) {
    SCOPED_TRACE(footprint);
    chase_bench bench(session, footprint, 21);
    EXPECT_EQ(bench.footprint_bytes(), footprint);
    chase_result r = bench.run(1000, 4096);
    EXPECT_EQ(bench.check(r, 1000, 4096), "");
    EXPECT_NE(bench.check(r, 1000, 4095), "");  // one hop short is caught
    r = bench.run(0, 4096);                    // continues from the last line
    EXPECT_EQ(bench.check(r, 0, 4096), "");
    const auto hz = clock_hz_from_probe(r.cycles, r.nanoseconds);
    ASSERT_TRUE(hz.has_value());
    EXPECT_GT(*hz, 1e8);
    EXPECT_LT(*hz, 5e9);
  }
}

}  // namespace
}  // namespace rafter::cuda
#else
TEST(chase_bench, needs_a_cuda_build) { GTEST_SKIP() << "built without CUDA"; }
#endif

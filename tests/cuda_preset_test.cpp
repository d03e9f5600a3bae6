#include "microbench/cuda/cuda_preset.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "microbench/cuda/kernel_counts.hpp"

namespace rafter::cuda {
namespace {

TEST(cuda_preset, quick_and_full_exist_and_full_is_finer_and_larger) {
  const cuda_preset quick = cuda_preset_for("quick");
  const cuda_preset full = cuda_preset_for("full");
  EXPECT_GT(full.steps_per_octave, quick.steps_per_octave);
  EXPECT_GE(full.chase_min_last, quick.chase_min_last);
  EXPECT_GE(full.timing.repetitions, quick.timing.repetitions);
  EXPECT_THROW((void)cuda_preset_for("bogus"), usage_error);
}

TEST(cuda_preset, hbm_arrays_are_far_beyond_l2_and_fit_in_memory) {
  const cuda_preset p = cuda_preset_for("quick");
  const double l2 = 50.0 * (1 << 20);
  const std::size_t gib = std::size_t{1} << 30;
  // 16 x 50 MiB = 800 MiB wanted; plenty of memory.
  EXPECT_EQ(hbm_array_bytes(p, l2, 80 * gib, 3), std::size_t{800} << 20);
  // A small L2: the 512 MiB floor.
  EXPECT_EQ(hbm_array_bytes(p, 4.0 * (1 << 20), 80 * gib, 1), std::size_t{512} << 20);
  // Little free memory: 60% of it shared by 3 arrays, whole MiB.
  EXPECT_EQ(hbm_array_bytes(p, l2, gib, 3), (static_cast<std::size_t>(0.6 * gib / 3) >> 20) << 20);
  // Too little to stay 4x beyond L2.
  EXPECT_THROW((void)hbm_array_bytes(p, l2, 300u << 20, 3), unsupported_error);
}

TEST(cuda_preset, chase_is_dense_inside_l2_where_the_partitions_show) {
  const double l2 = 50.0 * (1 << 20);
  for (const char* name : {"quick", "full"}) {
    SCOPED_TRACE(name);
    const cuda_preset p = cuda_preset_for(name);
    const std::size_t cap = std::size_t{64} << 30;
    const auto sizes = chase_footprints(p, l2, cap, 256);
    ASSERT_FALSE(sizes.empty());
    EXPECT_EQ(sizes.front(), p.chase_first);
    EXPECT_GE(sizes.back(), std::max<std::size_t>(p.chase_min_last, static_cast<std::size_t>(p.chase_span_over_l2 * l2)));
    for (std::size_t i = 1; i < sizes.size(); ++i) EXPECT_GT(sizes[i], sizes[i - 1]);
    for (const std::size_t s : sizes) EXPECT_EQ(s % 256, 0u);
    // Between L2/2 and L2 (the far partition's range) at least chase_l2_steps_per_octave points.
    const auto far = std::count_if(sizes.begin(), sizes.end(), [&](std::size_t s) { return static_cast<double>(s) > l2 / 2 && static_cast<double>(s) <= l2; });
    EXPECT_GE(far, p.chase_l2_steps_per_octave);
  }
  // A small memory cap bounds every footprint, the dense ones too.
  const auto capped = chase_footprints(cuda_preset_for("quick"), l2, std::size_t{16} << 20, 256);
  EXPECT_LE(capped.back(), std::size_t{16} << 20);
  EXPECT_GE(capped.back(), std::size_t{8} << 20);
  // An L2 so large that 64 x L2 passes 16 GiB: the chase kernel's 32-bit index bounds the footprints.
  const auto huge = chase_footprints(cuda_preset_for("full"), 512.0 * (1 << 20), std::size_t{1} << 40, 256);
  EXPECT_LE(huge.back(), chase_max_footprint_bytes);
}

TEST(cuda_preset, the_bandwidth_curve_starts_where_every_sm_has_two_blocks_of_work) {
  // The read kernel's block covers stream_threads_per_block 16-byte vectors: 4 KiB.
  EXPECT_EQ(every_sm_busy_bytes(132), std::size_t{132} * 4096);
  EXPECT_EQ(every_sm_busy_bytes(0), 0u);
  const std::size_t granule = 1 << 16;
  for (const char* name : {"quick", "full"}) {
    SCOPED_TRACE(name);
    const cuda_preset p = cuda_preset_for(name);
    EXPECT_GE(p.curve_first, std::size_t{1} << 20);
    for (const int sms : {1, 108, 132, 148, 170, 1000}) {
      SCOPED_TRACE(sms);
      const std::size_t first = curve_first_bytes(p, sms, granule);
      EXPECT_GE(first, 2 * every_sm_busy_bytes(sms));
      EXPECT_GE(first, p.curve_first);
      EXPECT_EQ(first % granule, 0u);
      EXPECT_LT(first, std::max(p.curve_first, 2 * every_sm_busy_bytes(sms)) + granule);  // rounded up, no further
    }
  }
  // H100 SXM (132 SMs): 2 x 132 x 4 KiB = 1.03 MiB, rounded up to 17 x 64 KiB.
  EXPECT_EQ(curve_first_bytes(cuda_preset_for("full"), 132, granule), std::size_t{17} << 16);
  // An A100 (108 SMs) needs 864 KiB: the preset's 1 MiB stands.
  EXPECT_EQ(curve_first_bytes(cuda_preset_for("full"), 108, granule), std::size_t{1} << 20);
}

TEST(cuda_preset, gemm_link_and_collective_sizes_are_set_and_full_reaches_further) {
  const cuda_preset quick = cuda_preset_for("quick");
  const cuda_preset full = cuda_preset_for("full");
  for (const cuda_preset* p : {&quick, &full}) {
    SCOPED_TRACE(p->name);
    ASSERT_FALSE(p->gemm_sizes.empty());
    EXPECT_TRUE(std::is_sorted(p->gemm_sizes.begin(), p->gemm_sizes.end()));
    for (const std::size_t s : p->gemm_sizes) EXPECT_EQ(s % 16, 0u);  // cuBLASLt fp8 needs multiples of 16
    EXPECT_EQ(p->gemm_sizes.back(), 8192u);                            // the published anchor size
    EXPECT_GE(p->link_bytes, std::size_t{64} << 20);
    EXPECT_EQ(p->link_bytes % 16, 0u);
    EXPECT_GT(p->link_small_copies, 0);
    EXPECT_LT(p->nccl_first, p->nccl_last);
  }
  EXPECT_GT(full.gemm_sizes.size(), quick.gemm_sizes.size());
  EXPECT_GT(full.link_bytes, quick.link_bytes);
  EXPECT_GT(full.nccl_last, quick.nccl_last);
}

}  // namespace
}  // namespace rafter::cuda

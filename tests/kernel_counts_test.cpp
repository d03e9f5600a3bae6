#include "microbench/cuda/kernel_counts.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

namespace rafter::cuda {
namespace {

TEST(kernel_counts, a_full_wave_is_every_sm_at_its_occupancy) {
  EXPECT_EQ(blocks_filling_gpu(132, 8), 1056);
  EXPECT_THROW((void)blocks_filling_gpu(0, 8), std::invalid_argument);
  EXPECT_THROW((void)blocks_filling_gpu(132, 0), std::invalid_argument);
}

TEST(kernel_counts, core_flop_counts_two_per_fma_lane) {
  const std::size_t threads = 1000, outer = 10;
  const double steps = static_cast<double>(outer) * core_unroll * core_chains * threads;
  EXPECT_DOUBLE_EQ(core_flop(core_op::fp32_fma, threads, outer), steps * 2);
  EXPECT_DOUBLE_EQ(core_flop(core_op::fp64_fma, threads, outer), steps * 2);
  EXPECT_DOUBLE_EQ(core_flop(core_op::int32_imad, threads, outer), steps * 2);
  // A packed pair is two lanes: 4 operations per instruction.
  EXPECT_DOUBLE_EQ(core_flop(core_op::fp16x2_fma, threads, outer), steps * 4);
  EXPECT_DOUBLE_EQ(core_flop(core_op::bf16x2_fma, threads, outer), steps * 4);
}

TEST(kernel_counts, mma_flop_is_two_m_n_k_per_instruction) {
  EXPECT_EQ(mma_per_warp(0), static_cast<std::size_t>(mma_chains));
  EXPECT_EQ(mma_per_warp(10), static_cast<std::size_t>(21 * mma_chains));
  EXPECT_DOUBLE_EQ(mma_flop(mma_op::fp16, 1, 0), 4.0 * 2 * 16 * 8 * 16);
  EXPECT_DOUBLE_EQ(mma_flop(mma_op::tf32, 3, 5), 3.0 * 11 * mma_chains * 2 * 16 * 8 * 8);
  EXPECT_DOUBLE_EQ(mma_flop(mma_op::int8, 2, 1), 2.0 * 3 * mma_chains * 2 * 16 * 8 * 32);
  EXPECT_DOUBLE_EQ(mma_flop(mma_op::fp8, 1, 1), mma_flop(mma_op::int8, 1, 1));
  EXPECT_DOUBLE_EQ(mma_flop(mma_op::fp4, 1, 1), 2 * mma_flop(mma_op::fp8, 1, 1));  // m16n8k64
}

TEST(kernel_counts, tcgen05_flop_is_two_m_n_k_per_instruction) {
  EXPECT_EQ(tcgen05_per_block(0), 1u);
  EXPECT_EQ(tcgen05_per_block(5), static_cast<std::size_t>(5 * 2 * tcgen05_group + 1));
  EXPECT_DOUBLE_EQ(tcgen05_flop(tcgen05_op::bf16, 1, 0), 2.0 * 128 * 256 * 16);
  EXPECT_DOUBLE_EQ(tcgen05_flop(tcgen05_op::tf32, 3, 2), 3.0 * (2 * 2 * tcgen05_group + 1) * 2 * 128 * 256 * 8);
  EXPECT_DOUBLE_EQ(tcgen05_flop(tcgen05_op::fp4, 1, 0), 2.0 * 128 * 256 * 64);
  EXPECT_EQ(tcgen05_blocks_per_sm * tcgen05_tmem_columns, 512) << "the SM's tensor memory, no more";
  EXPECT_LE(tcgen05_accumulator_columns, tcgen05_scale_a_column);
  EXPECT_EQ(tcgen05_scale_a_column + tcgen05_scale_columns / 2, tcgen05_scale_b_column);
  EXPECT_LE(tcgen05_scale_a_column + tcgen05_scale_columns, tcgen05_tmem_columns);
}

TEST(kernel_counts, tcgen05_padding_keeps_the_blocks_per_sm_the_tensor_memory_holds) {
  // B200: 228 KiB per SM; each block also holds 12 KiB of tiles and the 1 KiB the driver reserves.
  static_assert(tcgen05_blocks_per_sm == 1);
  for (const std::size_t per_sm : {std::size_t{233472}, std::size_t{100 * 1024}, std::size_t{256 * 1024}}) {
    const std::size_t block = tcgen05_padding_bytes(per_sm);
    EXPECT_GT((tcgen05_blocks_per_sm + 1) * block, per_sm) << per_sm;
    EXPECT_LE(tcgen05_blocks_per_sm * (block + 12 * 1024 + 16 + 1024), per_sm) << per_sm;
  }
}

TEST(kernel_counts, wgmma_flop_is_two_m_n_k_per_instruction) {
  EXPECT_EQ(wgmma_per_warpgroup(0), 1u);
  EXPECT_EQ(wgmma_per_warpgroup(3), static_cast<std::size_t>(3 * 2 * wgmma_group + 1));
  EXPECT_DOUBLE_EQ(wgmma_flop(wgmma_op::bf16, 1, 0), 2.0 * 64 * 256 * 16);
  EXPECT_DOUBLE_EQ(wgmma_flop(wgmma_op::fp8, 2, 1), 2.0 * (2 * wgmma_group + 1) * 2 * 64 * 256 * 32);
}

TEST(kernel_counts, stream_bytes_follow_the_stream_convention) {
  EXPECT_DOUBLE_EQ(stream_bytes(stream_op::read, 100, 3), 100.0 * 16 * 3);
  EXPECT_DOUBLE_EQ(stream_bytes(stream_op::write, 100, 3), 100.0 * 16);  // passes apply to read only
  EXPECT_DOUBLE_EQ(stream_bytes(stream_op::copy, 100, 1), 100.0 * 16 * 2);
  EXPECT_DOUBLE_EQ(stream_bytes(stream_op::triad, 100, 1), 100.0 * 16 * 3);
  EXPECT_DOUBLE_EQ(smem_bytes(128, 10), 128.0 * 10 * smem_loads * 16);
  EXPECT_EQ(vectors_in(33), 2u);
}

TEST(kernel_counts, the_probe_clock_is_cycles_over_time) {
  EXPECT_DOUBLE_EQ(*clock_hz_from_probe(1'800'000, 1'000'000), 1.8e9);
  EXPECT_FALSE(clock_hz_from_probe(0, 5).has_value());
  EXPECT_FALSE(clock_hz_from_probe(5, 0).has_value());
}

TEST(kernel_counts, scaling_to_a_target_time_is_proportional_and_clamped) {
  EXPECT_EQ(scale_to_target(0.001, 100, 0.01, 1, 1'000'000), 1000u);
  EXPECT_EQ(scale_to_target(0.001, 100, 0.01, 1, 500), 500u);
  EXPECT_EQ(scale_to_target(1.0, 100, 0.0001, 5, 500), 5u);
  EXPECT_EQ(scale_to_target(0.0, 100, 0.01, 1, 77), 77u);  // Too fast to time: as much as allowed.
}

}  // namespace
}  // namespace rafter::cuda

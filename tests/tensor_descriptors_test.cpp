#include "microbench/cuda/tensor_descriptors.hpp"

#include <gtest/gtest.h>

namespace rafter::cuda {
namespace {

TEST(tensor_descriptors, wgmma_descriptor_packs_address_and_offsets_in_16_byte_units) {
  // 0x1230 >> 4 = 0x123; LBO 128 >> 4 = 8 at bit 16; SBO 256 >> 4 = 16 at bit 32; no swizzle.
  EXPECT_EQ(wgmma_smem_descriptor(0x1230, 128, 256), 0x123ull | (8ull << 16) | (16ull << 32));
  // Only the 18-bit shared window address counts (14 bits after >> 4).
  EXPECT_EQ(wgmma_smem_descriptor(0x4'0010, 0, 0), 1ull);
  EXPECT_EQ(wgmma_smem_descriptor(0x3'fff0, 0, 0), 0x3fffull);
  EXPECT_EQ(wgmma_smem_descriptor(0, 0x3'fff0, 0x3'fff0), (0x3fffull << 16) | (0x3fffull << 32));
}

TEST(tensor_descriptors, tcgen05_descriptor_is_the_wgmma_layout_with_version_one) {
  const std::uint64_t d = tcgen05_smem_descriptor(0x400, 128, 256);
  EXPECT_EQ(d & ((1ull << 46) - 1), wgmma_smem_descriptor(0x400, 128, 256));
  EXPECT_EQ((d >> 46) & 7u, 1u);   // fixed constant 0b001
  EXPECT_EQ((d >> 49) & 7u, 0u);   // base offset
  EXPECT_EQ((d >> 52) & 1u, 0u);   // relative leading-dimension offset
  EXPECT_EQ((d >> 61) & 7u, 0u);   // no swizzle
}

TEST(tensor_descriptors, tcgen05_instruction_descriptor_matches_the_ptx_table_and_ptxas) {
  // bf16 (kind::f16 format 1) m128 n256, D fp32, worked out by hand from the PTX ISA table
  // "Instruction descriptor format for .kind::tf32, .kind::f16, .kind::f8f6f4 and .kind::i8" (the
  // layout CUTLASS's UMMA::InstrDescriptor has too): 0x10 | 1 << 7 | 1 << 10 | 32 << 17 | 8 << 24.
  EXPECT_EQ(tcgen05_instruction_descriptor(1, 128, 256, false), 0x8400490u);
  EXPECT_EQ(tcgen05_instruction_descriptor(1, 128, 256, true), 0x8404490u);
  // fp16 and e4m3 (format 0): only D's type, N and M.
  EXPECT_EQ(tcgen05_instruction_descriptor(0, 128, 256, false), (1u << 4) | (32u << 17) | (8u << 24));
  // tf32 (format 2) in A and B.
  EXPECT_EQ(tcgen05_instruction_descriptor(2, 64, 8, false), (1u << 4) | (2u << 7) | (2u << 10) | (1u << 17) | (4u << 24));
  // Sparsity, saturation, transposes, reserved bits and the shift stay 0.
  for (const bool neg : {false, true}) {
    const std::uint32_t d = tcgen05_instruction_descriptor(7, 256, 256, neg);
    EXPECT_EQ(d & 0xfu, 0u);
    EXPECT_EQ(d & (1u << 6), 0u);
    EXPECT_EQ(d & (1u << 13), 0u);
    EXPECT_EQ(d & ((1u << 15) | (1u << 16) | (1u << 23) | (1u << 29) | (3u << 30)), 0u);
    EXPECT_EQ((d >> 14) & 1u, neg ? 1u : 0u);
    EXPECT_EQ((d >> 24) & 0x1fu, 16u);
  }
}

TEST(tensor_descriptors, i8_instruction_descriptor_has_int32_d_and_signed_operands) {
  // s8 x s8 -> s32, m128 n256: 2 << 4 | 1 << 7 | 1 << 10 | 32 << 17 | 8 << 24.
  EXPECT_EQ(tcgen05_i8_instruction_descriptor(128, 256), 0x084004a0u);
  EXPECT_EQ(tcgen05_i8_instruction_descriptor(128, 256) & ((1u << 3) | (3u << 13)), 0u) << "no saturation, no negation";
  EXPECT_EQ(tcgen05_i8_instruction_descriptor(128, 256) & ~(3u << 4),
            tcgen05_instruction_descriptor(1, 128, 256, false) & ~(3u << 4));
}

TEST(tensor_descriptors, nvf4_instruction_descriptor_matches_the_block_scaled_table) {
  // e2m1 x e2m1, m128 n256, e4m3 scales, dense K64: 1 << 7 | 1 << 10 | 32 << 17 | 1 << 27.
  EXPECT_EQ(tcgen05_nvf4_instruction_descriptor(128, 256, false), 0x08400480u);
  EXPECT_EQ(tcgen05_nvf4_instruction_descriptor(128, 256, true), 0x08404480u);
  EXPECT_EQ((tcgen05_nvf4_instruction_descriptor(256, 64, false) >> 27) & 3u, 2u);  // M >> 7
  for (const bool neg : {false, true}) {
    const std::uint32_t d = tcgen05_nvf4_instruction_descriptor(128, 256, neg);
    EXPECT_EQ(d & ((3u << 4) | (3u << 29)), 0u) << "scale-factor ids 0";
    EXPECT_EQ(d & (1u << 23), 0u) << "e4m3 scales";
    EXPECT_EQ(d & (1u << 31), 0u) << "dense K = 64";
    EXPECT_EQ(d & ((1u << 2) | (1u << 13) | (1u << 15) | (1u << 16)), 0u);
  }
}

}  // namespace
}  // namespace rafter::cuda

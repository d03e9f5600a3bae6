#include "microbench/cuda/host_reference.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

#include <gtest/gtest.h>

#include "microbench/cuda/kernel_counts.hpp"

namespace rafter::cuda {
namespace {

TEST(host_reference, number_formats_encode_and_decode_known_values) {
  EXPECT_EQ(fp16_bits(1.0), 0x3c00);
  EXPECT_EQ(fp16_bits(-2.0), 0xc000);
  EXPECT_EQ(fp16_bits(0.5), 0x3800);
  EXPECT_EQ(fp16_bits(1.0 + 1.0 / 1024), 0x3c01);
  EXPECT_DOUBLE_EQ(fp16_value(0x3c01), 1.0 + 1.0 / 1024);
  EXPECT_DOUBLE_EQ(fp16_value(0x0001), std::ldexp(1.0, -24));  // smallest subnormal
  EXPECT_THROW((void)fp16_bits(1.0 + 1.0 / 4096), std::invalid_argument);  // not representable
  EXPECT_EQ(bf16_bits(1.0), 0x3f80);
  EXPECT_DOUBLE_EQ(bf16_value(0xc040), -3.0);
  EXPECT_THROW((void)bf16_bits(1.0 + 1.0 / 1024), std::invalid_argument);
  EXPECT_DOUBLE_EQ(e4m3_value(0x38), 1.0);
  EXPECT_DOUBLE_EQ(e4m3_value(0x7e), 448.0);
  EXPECT_DOUBLE_EQ(e4m3_value(0xb9), -1.125);
  EXPECT_DOUBLE_EQ(e2m1_value(0x2), 1.0);
  EXPECT_DOUBLE_EQ(e2m1_value(0x7), 6.0);
  EXPECT_DOUBLE_EQ(e2m1_value(0xf), -6.0);
  EXPECT_DOUBLE_EQ(e2m1_value(0x9), -0.5);
  EXPECT_DOUBLE_EQ(e2m1_value(0x5), 3.0);
  EXPECT_DOUBLE_EQ(e2m1_value(0x72), 1.0);  // only the low nibble
  EXPECT_TRUE(std::isnan(e4m3_value(0x7f)));
  EXPECT_DOUBLE_EQ(tf32_value(std::bit_cast<std::uint32_t>(1.5f) | 0x1fffu), 1.5);  // low 13 bits ignored
  EXPECT_DOUBLE_EQ(round_to_significand(1.0 + 3.0 / 2048, 11), 1.0 + 2.0 / 1024);  // ties to even
  EXPECT_DOUBLE_EQ(round_to_significand(1.0 + 1.0 / 2048, 11), 1.0);
}

TEST(host_reference, random_inputs_are_never_zero_and_use_every_significand_bit) {
  std::mt19937_64 rng(42);
  std::set<int> low_bits;
  std::set<bool> signs;
  std::set<int> fp4_codes;
  for (int i = 0; i < 2000; ++i) {
    const std::uint16_t h = random_fp16(rng);
    const double v = fp16_value(h);
    EXPECT_GE(std::fabs(v), 0.25);
    EXPECT_LT(std::fabs(v), 2.0);
    low_bits.insert(h & 3);
    EXPECT_NE(bf16_value(random_bf16(rng)), 0.0);
    const double e = e4m3_value(random_e4m3(rng));
    EXPECT_TRUE(std::isfinite(e));
    EXPECT_GE(std::fabs(e), 0.25);
    EXPECT_EQ(random_tf32(rng) & 0x1fffu, 0u);
    const std::uint8_t f4 = random_e2m1(rng);
    EXPECT_LT(f4, 16);
    EXPECT_NE(e2m1_value(f4), 0.0);
    fp4_codes.insert(f4);
    const int i8 = random_int8(rng);
    EXPECT_NE(i8, 0);
    EXPECT_GE(i8, -127);
    const float acc = random_accumulator(rng);
    EXPECT_GE(std::fabs(acc), 0.25f);
    EXPECT_LT(std::fabs(acc), 2.0f);
    signs.insert(acc < 0);
  }
  EXPECT_EQ(low_bits.size(), 4u);
  EXPECT_EQ(signs.size(), 2u);
  EXPECT_EQ(fp4_codes.size(), 14u);
}

TEST(host_reference, core_reference_runs_the_fused_recurrence) {
  const core_inputs in = make_core_inputs(core_op::fp32_fma, 4, 7);
  ASSERT_EQ(in.start.size(), 4u * core_chains);
  float a = std::bit_cast<float>(static_cast<std::uint32_t>(in.start[3]));
  const float b = std::bit_cast<float>(static_cast<std::uint32_t>(in.b));
  const float c = std::bit_cast<float>(static_cast<std::uint32_t>(in.c));
  for (int i = 0; i < 5; ++i) a = std::fma(a, b, c);
  EXPECT_EQ(core_reference(core_op::fp32_fma, in.start[3], in.b, in.c, 5), std::bit_cast<std::uint32_t>(a));
  // Over a launch's steps (~1e5) the chains keep moving: one missing trip of core_unroll steps
  // changes the result, for fp32 and fp64 alike, and the values stay finite.
  for (const core_op op : {core_op::fp32_fma, core_op::fp64_fma}) {
    const core_inputs chains = make_core_inputs(op, 4, 11);
    for (const std::size_t steps : {std::size_t{1} << 12, std::size_t{1} << 17, std::size_t{1} << 19}) {
      const std::uint64_t full = core_reference(op, chains.start[0], chains.b, chains.c, steps);
      EXPECT_NE(full, core_reference(op, chains.start[0], chains.b, chains.c, steps - core_unroll)) << steps;
      const double value = op == core_op::fp32_fma ? std::bit_cast<float>(static_cast<std::uint32_t>(full))
                                                   : std::bit_cast<double>(full);
      EXPECT_TRUE(std::isfinite(value));
    }
  }
  // Far beyond a launch it settles below c / (1 - b) (rounding stops it a little short), finite.
  const float settled = std::bit_cast<float>(static_cast<std::uint32_t>(core_reference(core_op::fp32_fma, in.start[0], in.b, in.c, 1u << 25)));
  EXPECT_TRUE(std::isfinite(settled));
  EXPECT_GT(settled, 0.9f * c / (1 - b));
  EXPECT_LE(settled, c / (1 - b));
  EXPECT_EQ(core_reference(core_op::int32_imad, 3, 5, 7, 2), (3u * 5 + 7) * 5 + 7);
  EXPECT_EQ(core_reference(core_op::int32_imad, 0xffffffffu, 2, 0, 1), 0xfffffffeu);  // wraps
}

TEST(host_reference, packed_half_lanes_round_once_per_step) {
  // Lane 0: 1.0 * 0.5 + 0.25 = 0.75 exactly; lane 1: (1 + 2^-10)^2 + 2^-12 rounds once, to 1 + 2^-9.
  const std::uint64_t a = fp16_bits(1.0) | (static_cast<std::uint64_t>(fp16_bits(1.0 + 1.0 / 1024)) << 16);
  const std::uint64_t b = fp16_bits(0.5) | (static_cast<std::uint64_t>(fp16_bits(1.0 + 1.0 / 1024)) << 16);
  const std::uint64_t c = fp16_bits(0.25) | (static_cast<std::uint64_t>(fp16_bits(std::ldexp(1.0, -12))) << 16);
  const std::uint64_t r = core_reference(core_op::fp16x2_fma, a, b, c, 1);
  EXPECT_DOUBLE_EQ(fp16_value(static_cast<std::uint16_t>(r)), 0.75);
  EXPECT_DOUBLE_EQ(fp16_value(static_cast<std::uint16_t>(r >> 16)), 1.0 + 2.0 / 1024);
  const core_inputs in = make_core_inputs(core_op::bf16x2_fma, 2, 9);
  const std::uint64_t out = core_reference(core_op::bf16x2_fma, in.start[0], in.b, in.c, 1000);
  EXPECT_TRUE(std::isfinite(bf16_value(static_cast<std::uint16_t>(out))));
}

TEST(host_reference, core_comparison_is_exact_for_wide_types_and_within_2_ulp_for_halves) {
  EXPECT_EQ(compare_core(core_op::fp32_fma, 5, 5), "");
  EXPECT_NE(compare_core(core_op::fp32_fma, 5, 6), "");
  const std::uint64_t one = fp16_bits(1.0);
  EXPECT_EQ(compare_core(core_op::fp16x2_fma, one | (one << 16), (one + 2) | (one << 16)), "");
  EXPECT_NE(compare_core(core_op::fp16x2_fma, one | (one << 16), (one + 3) | (one << 16)), "");
  EXPECT_NE(compare_core(core_op::fp16x2_fma, 0xffffffffu, one | (one << 16)), "");  // poison (NaN) fails
}

/// Every (row, col) of an r x c matrix is held by exactly one (lane, element).
template <typename F>
void expect_bijection(int rows, int cols, int elements, F position) {
  std::set<std::pair<int, int>> seen;
  for (int lane = 0; lane < 32; ++lane) {
    for (int e = 0; e < elements; ++e) {
      const auto p = position(lane, e);
      EXPECT_GE(p.first, 0);
      EXPECT_LT(p.first, rows);
      EXPECT_GE(p.second, 0);
      EXPECT_LT(p.second, cols);
      EXPECT_TRUE(seen.insert(p).second) << "lane " << lane << " element " << e;
    }
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(rows * cols));
}

TEST(host_reference, mma_fragment_layouts_cover_each_matrix_once) {
  for (const auto& i : mma_ops()) {
    SCOPED_TRACE(i.id);
    expect_bijection(i.m, i.k, mma_a_elements(i.op), [&](int l, int e) { return mma_a_position(i.op, l, e); });
    expect_bijection(i.k, i.n, mma_b_elements(i.op), [&](int l, int e) { return mma_b_position(i.op, l, e); });
  }
  expect_bijection(16, 8, 4, [](int l, int e) { return mma_acc_position(l, e); });
  // PTX ISA m16n8k16 A: lane 5 (group 1, thread 1) holds a0 at (1, 2) and a7 at (9, 11).
  EXPECT_EQ(mma_a_position(mma_op::fp16, 5, 0), std::make_pair(1, 2));
  EXPECT_EQ(mma_a_position(mma_op::fp16, 5, 7), std::make_pair(9, 11));
  // m16n8k32 int8 A: a15 of lane 31 is at (15, 31).
  EXPECT_EQ(mma_a_position(mma_op::int8, 31, 15), std::make_pair(15, 31));
  // m16n8k64 e2m1 (the 4-bit layout): lane 5 holds a0 at (1, 8), a8 at (9, 8), a16 at (1, 40) and
  // a31 at (9, 47); its b0 is B(8, 1) and b15 is B(47, 1).
  EXPECT_EQ(mma_a_position(mma_op::fp4, 5, 0), std::make_pair(1, 8));
  EXPECT_EQ(mma_a_position(mma_op::fp4, 5, 8), std::make_pair(9, 8));
  EXPECT_EQ(mma_a_position(mma_op::fp4, 5, 16), std::make_pair(1, 40));
  EXPECT_EQ(mma_a_position(mma_op::fp4, 5, 31), std::make_pair(9, 47));
  EXPECT_EQ(mma_b_position(mma_op::fp4, 5, 0), std::make_pair(8, 1));
  EXPECT_EQ(mma_b_position(mma_op::fp4, 5, 15), std::make_pair(47, 1));
}

TEST(host_reference, mma_tile_fragments_pack_the_tile_and_its_negated_b) {
  for (const auto& i : mma_ops()) {
    SCOPED_TRACE(i.id);
    const mma_tile t = make_mma_tile(i.op, 3);
    ASSERT_EQ(t.fragments.size(), 32u * mma_fragment_words);
    const int per_word = 32 / i.element_bits;
    const std::uint32_t mask = i.element_bits == 32 ? 0xffffffffu : (1u << i.element_bits) - 1u;
    auto decode = [&](std::uint32_t bits) -> double {
      switch (i.op) {
        case mma_op::fp16: return fp16_value(static_cast<std::uint16_t>(bits));
        case mma_op::bf16: return bf16_value(static_cast<std::uint16_t>(bits));
        case mma_op::tf32: return tf32_value(bits);
        case mma_op::int8: return static_cast<std::int8_t>(static_cast<std::uint8_t>(bits));
        case mma_op::fp8: return e4m3_value(static_cast<std::uint8_t>(bits));
        case mma_op::fp4: return e2m1_value(static_cast<std::uint8_t>(bits));
      }
      return 0.0;
    };
    for (int lane = 0; lane < 32; ++lane) {
      const std::uint32_t* w = &t.fragments[static_cast<std::size_t>(lane * mma_fragment_words)];
      for (int e = 0; e < mma_a_elements(i.op); ++e) {
        const auto [r, c] = mma_a_position(i.op, lane, e);
        const double v = decode((w[e / per_word] >> (i.element_bits * (e % per_word))) & mask);
        EXPECT_EQ(v, t.a[static_cast<std::size_t>(r * i.k + c)]);
        EXPECT_NE(v, 0.0);
      }
      for (int e = 0; e < mma_b_elements(i.op); ++e) {
        const auto [r, c] = mma_b_position(i.op, lane, e);
        const int shift = i.element_bits * (e % per_word);
        EXPECT_EQ(decode((w[4 + e / per_word] >> shift) & mask), t.b[static_cast<std::size_t>(r * i.n + c)]);
        EXPECT_EQ(decode((w[6 + e / per_word] >> shift) & mask), -t.b[static_cast<std::size_t>(r * i.n + c)]);
      }
      if (!i.block_scaled) {
        EXPECT_EQ(w[8], 0u);
        EXPECT_EQ(w[9], 0u);
        continue;
      }
      // Byte j of words 8 and 9: the unsigned e4m3 scale of K block j of A and of B.
      ASSERT_EQ(t.a_scales.size(), static_cast<std::size_t>(i.k / mma_scale_block));
      ASSERT_EQ(t.b_scales.size(), t.a_scales.size());
      for (std::size_t j = 0; j < t.a_scales.size(); ++j) {
        const auto a_bits = static_cast<std::uint8_t>(w[8] >> (8 * j)), b_bits = static_cast<std::uint8_t>(w[9] >> (8 * j));
        EXPECT_EQ(a_bits & 0x80, 0);
        EXPECT_EQ(b_bits & 0x80, 0);
        EXPECT_EQ(e4m3_value(a_bits), t.a_scales[j]);
        EXPECT_EQ(e4m3_value(b_bits), t.b_scales[j]);
      }
    }
    const auto [sum, magnitude] = mma_tile_product(t, 0, 0);
    EXPECT_LE(std::fabs(sum), magnitude);
    EXPECT_GT(magnitude, 0.0);
  }
  EXPECT_EQ(mma_tolerance(mma_op::int8, 100.0, 10), 0.0);
  EXPECT_DOUBLE_EQ(mma_tolerance(mma_op::fp4, 4.0, 8), 8 * 4.0 * std::ldexp(1.0, -13));
  EXPECT_DOUBLE_EQ(mma_tolerance(mma_op::bf16, 4.0, 8), 8 * 4.0 * std::ldexp(1.0, -21));
}

TEST(host_reference, mma_tile_product_scales_each_k_block_by_both_of_its_scales) {
  mma_tile t;
  t.m = 1;
  t.n = 1;
  t.k = 2 * mma_scale_block;
  t.a.assign(32, 1.0);
  t.b.assign(32, -0.5);
  EXPECT_EQ(mma_tile_product(t, 0, 0), std::make_pair(-16.0, 16.0));  // unscaled
  t.a_scales = {2.0, 0.25};
  t.b_scales = {3.0, 4.0};
  // 16 * (1 * -0.5) * 2 * 3 + 16 * (1 * -0.5) * 0.25 * 4
  EXPECT_EQ(mma_tile_product(t, 0, 0), std::make_pair(-56.0, 56.0));
}

TEST(host_reference, wgmma_shared_memory_layout_is_core_matrices_without_swizzle) {
  // 16-bit elements, K = 16: (row, k) -> 8x8 core matrices of 128 bytes; LBO 128, SBO 256.
  EXPECT_EQ(kmajor_smem_offset(0, 0, 2), 0u);
  EXPECT_EQ(kmajor_smem_offset(0, 1, 2), 2u);
  EXPECT_EQ(kmajor_smem_offset(1, 0, 2), 16u);
  EXPECT_EQ(kmajor_smem_offset(0, 8, 2), 128u);
  EXPECT_EQ(kmajor_smem_offset(8, 0, 2), 256u);
  EXPECT_EQ(kmajor_smem_offset(0, 16, 1), 128u);  // fp8: 16 elements per 16-byte core row
  for (int eb : {1, 2, 4}) {
    const int k = 32 / eb;
    std::set<std::size_t> offsets;
    for (int r = 0; r < 256; ++r) {
      for (int kk = 0; kk < k; ++kk) {
        const std::size_t o = kmajor_smem_offset(r, kk, eb);
        // The canonical K-major no-swizzle layout ((8,m),(T,2k)):((1T,SBO),(1,LBO)) in bytes, with
        // the offsets the kernels' descriptors carry: SBO 256 (8-row groups), LBO 128 (along K).
        const int k_byte = kk * eb;
        EXPECT_EQ(o, static_cast<std::size_t>((r % 8) * 16 + (r / 8) * 256 + k_byte % 16 + (k_byte / 16) * 128));
        EXPECT_EQ(o % static_cast<std::size_t>(eb), 0u);
        EXPECT_LT(o, 256u * 32);
        offsets.insert(o);
      }
    }
    EXPECT_EQ(offsets.size(), 256u * static_cast<std::size_t>(k));
  }
  std::set<std::pair<int, int>> seen;
  for (int t = 0; t < 128; ++t) {
    for (int reg = 0; reg < 128; ++reg) EXPECT_TRUE(seen.insert(wgmma_acc_position(t, reg)).second);
  }
  EXPECT_EQ(seen.size(), 64u * 256);
  EXPECT_EQ(wgmma_acc_position(33, 5), std::make_pair(16 + 0, 8 + 2 + 1));  // warp 1, lane 1, block 1, e 1
}

TEST(host_reference, smem_tiles_store_every_value_at_its_layout_offset) {
  struct shape {
    const char* precision;
    int m, n, k;
  };
  for (const shape& sh : {shape{"bf16", 64, 256, 16}, shape{"fp16", 128, 256, 16}, shape{"tf32", 128, 256, 8},
                          shape{"fp8", 64, 256, 32}, shape{"fp8", 128, 256, 32}, shape{"fp4", 128, 256, 64},
                          shape{"int8", 128, 256, 32}}) {
    SCOPED_TRACE(std::string(sh.precision) + " m" + std::to_string(sh.m));
    const smem_tiles t = make_smem_tiles(sh.precision, sh.m, sh.n, sh.k, 5);
    ASSERT_EQ(t.a_smem.size(), static_cast<std::size_t>(sh.m) * 32);
    ASSERT_EQ(t.b_smem.size(), static_cast<std::size_t>(sh.n) * 32);
    const std::string p = sh.precision;
    const int eb = std::max(1, 32 / sh.k);  // fp4: two elements per byte
    auto value_at = [&](const std::vector<std::uint8_t>& smem, int r, int kk) {
      if (p == "fp4") return e2m1_value(static_cast<std::uint8_t>(smem[kmajor_smem_offset(r, kk / 2, 1)] >> (4 * (kk % 2))));
      const std::size_t o = kmajor_smem_offset(r, kk, eb);
      std::uint32_t bits = 0;
      for (int byte = 0; byte < eb; ++byte) bits |= std::uint32_t{smem[o + static_cast<std::size_t>(byte)]} << (8 * byte);
      if (p == "int8") return static_cast<double>(static_cast<std::int8_t>(bits));
      if (p == "fp8") return e4m3_value(static_cast<std::uint8_t>(bits));
      if (p == "tf32") return tf32_value(bits);
      return p == "bf16" ? bf16_value(static_cast<std::uint16_t>(bits)) : fp16_value(static_cast<std::uint16_t>(bits));
    };
    for (int kk = 0; kk < sh.k; ++kk) {
      for (int r = 0; r < sh.n; r += 37) {
        const double v = value_at(t.b_smem, r, kk);
        EXPECT_NE(v, 0.0);
        EXPECT_EQ(v, t.b[static_cast<std::size_t>(r * sh.k + kk)]);
      }
      for (int r = 0; r < sh.m; r += 13) EXPECT_EQ(value_at(t.a_smem, r, kk), t.a[static_cast<std::size_t>(r * sh.k + kk)]);
    }
  }
  EXPECT_THROW((void)make_smem_tiles("fp6", 64, 256, 32, 1), std::invalid_argument);
  EXPECT_THROW((void)make_smem_tiles("bf16", 64, 256, 8, 1), std::invalid_argument);
}

TEST(host_reference, check_async_mma_finds_the_first_wrong_accumulator) {
  const smem_tiles t = make_smem_tiles("bf16", 8, 8, 16, 3);
  // Two blocks of an 8 x 8 accumulator, element (r, c) of block b at b * 64 + c * 8 + r.
  const auto position = [](std::size_t at) { return std::pair<int, int>(static_cast<int>(at % 8), static_cast<int>((at / 8) % 8)); };
  std::mt19937_64 rng(9);
  std::vector<float> d0(128), out(128);
  for (std::size_t at = 0; at < d0.size(); ++at) {
    d0[at] = random_accumulator(rng);
    const auto [r, c] = position(at);
    out[at] = static_cast<float>(d0[at] + smem_tile_product(t, r, c).first);
  }
  EXPECT_EQ(check_async_mma(t, "bf16", d0, out, 9, 4, 64, position), "");
  std::vector<float> wrong = out;
  wrong[64 + 3 * 8 + 5] += 1.0f;
  const std::string message = check_async_mma(t, "bf16", d0, wrong, 9, 4, 64, position);
  EXPECT_EQ(message.rfind("block 1 element (5, 3) after 9 steps: got ", 0), 0u) << message;
  wrong = out;
  wrong[7] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_NE(check_async_mma(t, "bf16", d0, wrong, 9, 4, 64, position), "");
  // The tolerance grows with the steps and the peak |D0| + 4 * sum |a b|: a 1e-3 error after a
  // million steps is rounding, after 9 it is not.
  wrong = out;
  wrong[0] += 1e-3f;
  EXPECT_EQ(check_async_mma(t, "bf16", d0, wrong, 1'000'000, 4, 64, position), "");
  EXPECT_NE(check_async_mma(t, "bf16", d0, wrong, 9, 4, 64, position), "");
}

TEST(host_reference, check_async_mma_integer_is_exact_modulo_2_to_the_32) {
  const smem_tiles t = make_smem_tiles("int8", 8, 8, 32, 4);
  const auto position = [](std::size_t at) { return std::pair<int, int>(static_cast<int>(at % 8), static_cast<int>((at / 8) % 8)); };
  std::vector<std::uint32_t> d0(64), out(64);
  const std::size_t steps = 1'000'003;  // steps * |P| far beyond 2^31: the int32 accumulator wraps
  for (std::size_t at = 0; at < d0.size(); ++at) {
    d0[at] = static_cast<std::uint32_t>(static_cast<std::int32_t>(at * 7919) - 250'000);
    const auto [r, c] = position(at);
    std::int64_t p = 0;
    for (int kk = 0; kk < 32; ++kk) p += static_cast<std::int64_t>(t.a[static_cast<std::size_t>(r * 32 + kk)] * t.b[static_cast<std::size_t>(c * 32 + kk)]);
    out[at] = static_cast<std::uint32_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(d0[at])) + static_cast<std::int64_t>(steps) * p);
  }
  EXPECT_EQ(check_async_mma_integer(t, d0, out, steps, 64, position), "");
  std::vector<std::uint32_t> wrong = out;
  wrong[9] += 1;
  const std::string message = check_async_mma_integer(t, d0, wrong, steps, 64, position);
  EXPECT_EQ(message.rfind("block 0 element (1, 1) after 1000003 steps: got ", 0), 0u) << message;
  EXPECT_NE(check_async_mma_integer(t, d0, out, steps + 1, 64, position), "");
}

TEST(host_reference, async_mma_tolerance_is_looser_for_fp8) {
  EXPECT_DOUBLE_EQ(async_mma_tolerance("bf16", 4.0, 8), 8 * 4.0 * std::ldexp(1.0, -21));
  EXPECT_DOUBLE_EQ(async_mma_tolerance("fp8", 4.0, 8), 8 * 4.0 * std::ldexp(1.0, -13));
  EXPECT_DOUBLE_EQ(async_mma_tolerance("fp4", 4.0, 8), 8 * 4.0 * std::ldexp(1.0, -13));
}

TEST(host_reference, stream_helpers) {
  EXPECT_EQ(write_value(0, 0, 5), 5u);
  EXPECT_EQ(write_value(1, 2, 0), 6u * 0x9E3779B1u);
  const std::uint32_t words[] = {1, 2, 3, 4, 0xffffffffu, 1, 1, 1};
  const auto s = lane_sums(words, 2);
  EXPECT_EQ(s[0], 0u);  // wraps
  EXPECT_EQ(s[1], 3u);
  EXPECT_EQ(s[3], 5u);
}

TEST(host_reference, the_chase_is_one_cycle_through_every_line) {
  const auto next = make_chase_cycle(1000, 11);
  std::set<std::uint32_t> seen;
  std::uint32_t p = 0;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(seen.insert(p).second);
    p = next[p];
  }
  EXPECT_EQ(p, 0u);
  EXPECT_EQ(chase_end(next, 0, 1000), 0u);
  EXPECT_EQ(chase_end(next, 0, 2), next[next[0]]);
  EXPECT_THROW((void)make_chase_cycle(1, 1), std::invalid_argument);
  EXPECT_THROW((void)make_chase_cycle((std::size_t{1} << 27) + 1, 1), std::invalid_argument);  // 16 GiB of lines
}

}  // namespace
}  // namespace rafter::cuda

#include "microbench/cuda/gemm_reference.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <set>

#include <gtest/gtest.h>

#include "microbench/cuda/host_reference.hpp"

namespace rafter::cuda {
namespace {

std::uint32_t output_bits(gemm_precision p, double v) {
  switch (p) {
    case gemm_precision::bf16:
    case gemm_precision::fp8: return std::bit_cast<std::uint32_t>(static_cast<float>(v)) >> 16;  // truncation
    case gemm_precision::fp16: return fp16_bits(round_to_significand(v, 11));
    case gemm_precision::tf32: return std::bit_cast<std::uint32_t>(static_cast<float>(v));
  }
  return 0;
}

TEST(gemm_reference, inputs_are_random_never_zero_and_in_range_with_every_stored_bit_used) {
  for (const auto& i : gemm_precisions()) {
    SCOPED_TRACE(i.name);
    std::set<std::uint32_t> distinct;
    int negative = 0;
    std::uint32_t ored = 0;
    for (std::uint64_t idx = 0; idx < 100000; ++idx) {
      const std::uint32_t bits = gemm_input_bits(i.precision, 42, idx);
      const double v = gemm_input_value(i.precision, bits);
      ASSERT_TRUE(std::isfinite(v)) << idx;
      ASSERT_GE(std::fabs(v), 0.25) << idx;
      ASSERT_LT(std::fabs(v), 2.0) << idx;
      negative += v < 0 ? 1 : 0;
      distinct.insert(bits);
      ored |= bits;
    }
    EXPECT_NEAR(negative, 50000, 1000);
    // Every encoding of a sign, three binades and the stored fraction bits occurs.
    const std::size_t fraction_values = i.precision == gemm_precision::bf16 ? 128 : i.precision == gemm_precision::fp8 ? 8 : 1024;
    EXPECT_EQ(distinct.size(), 2 * 3 * fraction_values);
    if (i.precision == gemm_precision::tf32) {
      EXPECT_EQ(ored & 0x1fffu, 0u);  // tf32: the 13 low bits stay zero
    }
  }
  EXPECT_NE(gemm_input_bits(gemm_precision::bf16, 1, 7), gemm_input_bits(gemm_precision::bf16, 2, 7));
}

TEST(gemm_reference, the_reference_is_the_tn_dot_product) {
  const std::size_t k = 16;
  const auto e = gemm_reference(gemm_precision::fp16, 3, 4, k, 2, 5);
  double value = 0.0, sum_abs = 0.0;
  for (std::size_t kk = 0; kk < k; ++kk) {
    const double a = gemm_input_value(gemm_precision::fp16, gemm_input_bits(gemm_precision::fp16, 3, 2 * k + kk));
    const double b = gemm_input_value(gemm_precision::fp16, gemm_input_bits(gemm_precision::fp16, 4, 5 * k + kk));
    value += a * b;
    sum_abs += std::fabs(a * b);
  }
  EXPECT_DOUBLE_EQ(e.value, value);
  EXPECT_DOUBLE_EQ(e.sum_abs, sum_abs);
  EXPECT_GT(e.sum_abs, std::fabs(e.value));
}

TEST(gemm_reference, the_tolerance_accepts_rounding_and_rejects_wrong_results) {
  const std::size_t k = 4096;
  for (const auto& i : gemm_precisions()) {
    SCOPED_TRACE(i.name);
    int rejected_zero = 0, rejected_dropped_slice = 0;
    for (std::size_t col = 0; col < 64; ++col) {
      const auto ref = gemm_reference(i.precision, 11, 12, k, 1, col);
      const double tol = gemm_tolerance(i.precision, ref.value, ref.sum_abs);
      // The stored, rounded result passes.
      const double stored = gemm_output_value(i.precision, output_bits(i.precision, ref.value));
      EXPECT_LE(std::fabs(stored - ref.value), tol);
      // An unwritten (zero) output and a missing 32-wide k-slice are rejected for most elements.
      rejected_zero += std::fabs(ref.value) > tol ? 1 : 0;
      const auto first_slice = gemm_reference(i.precision, 11, 12, 32, 1, col);  // the dot over k < 32 only
      rejected_dropped_slice += std::fabs(first_slice.value) > tol ? 1 : 0;
    }
    EXPECT_GE(rejected_zero, 56) << "a zero output must fail for nearly every element";
    // fp32 accumulation: nearly every element; fp8 (a looser accumulation bound): about half of
    // them, which over the 256 elements a check samples still leaves no such error unseen.
    EXPECT_GE(rejected_dropped_slice, i.precision == gemm_precision::fp8 ? 24 : 56) << rejected_dropped_slice;
  }
}

TEST(gemm_reference, check_gemm_samples_names_the_first_wrong_element) {
  const std::size_t k = 64;
  const auto positions = gemm_sample_positions(128, 96, 20, 9);
  std::vector<std::uint32_t> got;
  for (const auto& [r, c] : positions) got.push_back(output_bits(gemm_precision::bf16, gemm_reference(gemm_precision::bf16, 5, 6, k, r, c).value));
  EXPECT_EQ(check_gemm_samples(gemm_precision::bf16, 5, 6, k, positions, got), "");
  got[7] = 0;
  const std::string why = check_gemm_samples(gemm_precision::bf16, 5, 6, k, positions, got);
  const std::string where = "D[" + std::to_string(positions[7].first) + "][" + std::to_string(positions[7].second) + "]";
  EXPECT_NE(why.find(where), std::string::npos) << why;
  got.pop_back();
  EXPECT_NE(check_gemm_samples(gemm_precision::bf16, 5, 6, k, positions, got), "");
}

TEST(gemm_reference, sample_positions_start_at_the_corners_and_are_distinct) {
  const auto p = gemm_sample_positions(100, 50, 64, 1);
  ASSERT_EQ(p.size(), 64u);
  EXPECT_EQ(p[0], std::make_pair(std::size_t{0}, std::size_t{0}));
  EXPECT_EQ(p[3], std::make_pair(std::size_t{99}, std::size_t{49}));
  std::set<std::pair<std::size_t, std::size_t>> s(p.begin(), p.end());
  EXPECT_EQ(s.size(), p.size());
  for (const auto& [r, c] : p) {
    EXPECT_LT(r, 100u);
    EXPECT_LT(c, 50u);
  }
  EXPECT_EQ(gemm_sample_positions(2, 2, 10, 1).size(), 4u);
}

TEST(gemm_reference, flop_and_the_precision_table) {
  EXPECT_DOUBLE_EQ(gemm_flop(8192, 8192, 8192), 2.0 * 8192.0 * 8192.0 * 8192.0);
  EXPECT_EQ(std::string(info(gemm_precision::fp8).name), "fp8");
  EXPECT_EQ(info(gemm_precision::fp8).min_cc, 89);
  for (const auto& i : gemm_precisions()) EXPECT_EQ(&info(i.precision), &i);
}

}  // namespace
}  // namespace rafter::cuda

#include "microbench/cuda/gemm_reference.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <random>
#include <set>

#include <fmt/format.h>

#include "microbench/cuda/host_reference.hpp"

namespace rafter::cuda {

namespace {

constexpr gemm_precision_info precision_table[] = {
    {gemm_precision::bf16, "bf16.matrix_library.cublaslt", "bf16", "bf16 A and B, bf16 D", 80, 2, 2, 8, 16},
    {gemm_precision::fp16, "fp16.matrix_library.cublaslt", "fp16", "fp16 A and B, fp16 D", 70, 2, 2, 11, 16},
    {gemm_precision::tf32, "tf32.matrix_library.cublaslt", "tf32", "fp32 A and B rounded to tf32, fp32 D", 80, 4, 4, 24, 16},
    {gemm_precision::fp8, "fp8.matrix_library.cublaslt", "fp8", "fp8 e4m3 A and B (scales 1), bf16 D", 89, 1, 2, 8, 10},
};

}  // namespace

std::span<const gemm_precision_info> gemm_precisions() noexcept { return precision_table; }

const gemm_precision_info& info(gemm_precision precision) noexcept {
  return precision_table[static_cast<std::size_t>(precision)];
}

double gemm_input_value(gemm_precision precision, std::uint32_t bits) noexcept {
  switch (precision) {
    case gemm_precision::bf16: return bf16_value(static_cast<std::uint16_t>(bits));
    case gemm_precision::fp16: return fp16_value(static_cast<std::uint16_t>(bits));
    case gemm_precision::tf32: return tf32_value(bits);
    case gemm_precision::fp8: return e4m3_value(static_cast<std::uint8_t>(bits));
  }
  return 0.0;
}

double gemm_output_value(gemm_precision precision, std::uint32_t bits) noexcept {
  switch (precision) {
    case gemm_precision::bf16:
    case gemm_precision::fp8: return bf16_value(static_cast<std::uint16_t>(bits));
    case gemm_precision::fp16: return fp16_value(static_cast<std::uint16_t>(bits));
    case gemm_precision::tf32: return std::bit_cast<float>(bits);
  }
  return 0.0;
}

gemm_reference_element gemm_reference(gemm_precision precision, std::uint64_t seed_a, std::uint64_t seed_b,
                                      std::size_t k, std::size_t row, std::size_t col) noexcept {
  gemm_reference_element e;
  for (std::size_t kk = 0; kk < k; ++kk) {
    const double a = gemm_input_value(precision, gemm_input_bits(precision, seed_a, row * k + kk));
    const double b = gemm_input_value(precision, gemm_input_bits(precision, seed_b, col * k + kk));
    e.value += a * b;
    e.sum_abs += std::fabs(a * b);
  }
  return e;
}

double gemm_tolerance(gemm_precision precision, double reference, double sum_abs) noexcept {
  const gemm_precision_info& i = info(precision);
  return std::ldexp(std::fabs(reference), 1 - i.output_significand) + std::ldexp(sum_abs, -i.accumulator_bits);
}

double gemm_flop(std::size_t m, std::size_t n, std::size_t k) noexcept {
  return 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
}

std::vector<std::pair<std::size_t, std::size_t>> gemm_sample_positions(std::size_t m, std::size_t n, std::size_t count,
                                                                       std::uint64_t seed) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  if (m == 0 || n == 0) return out;
  count = std::min(count, m * n);
  std::set<std::pair<std::size_t, std::size_t>> seen;
  const auto add = [&](std::size_t r, std::size_t c) {
    if (out.size() < count && seen.insert({r, c}).second) out.emplace_back(r, c);
  };
  add(0, 0);
  add(m - 1, 0);
  add(0, n - 1);
  add(m - 1, n - 1);
  std::mt19937_64 rng(seed);
  while (out.size() < count) add(rng() % m, rng() % n);
  return out;
}

std::string check_gemm_samples(gemm_precision precision, std::uint64_t seed_a, std::uint64_t seed_b, std::size_t k,
                               std::span<const std::pair<std::size_t, std::size_t>> positions,
                               std::span<const std::uint32_t> got) {
  if (got.size() != positions.size()) {
    return fmt::format("{} output elements read back for {} positions", got.size(), positions.size());
  }
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const auto [row, col] = positions[i];
    const gemm_reference_element ref = gemm_reference(precision, seed_a, seed_b, k, row, col);
    const double value = gemm_output_value(precision, got[i]);
    const double tolerance = gemm_tolerance(precision, ref.value, ref.sum_abs);
    if (!std::isfinite(value) || std::fabs(value - ref.value) > tolerance) {
      return fmt::format("{} GEMM with k={}: D[{}][{}] is {}, expected {} (tolerance {:.3g})", info(precision).name, k,
                         row, col, value, ref.value, tolerance);
    }
  }
  return {};
}

}  // namespace rafter::cuda

#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace rafter::cuda {

/// Host side of the cuBLASLt GEMM ceiling (gemm_bench): the precisions measured, the random
/// inputs (generated on the GPU from a seed and the element index, recomputed here), the host
/// reference of one output element and its tolerance. Nothing here needs CUDA.

/// Input type of one GEMM. Every one accumulates in fp32 (CUBLAS_COMPUTE_32F, tf32 through
/// CUBLAS_COMPUTE_32F_FAST_TF32).
enum class gemm_precision { bf16, fp16, tf32, fp8 };

struct gemm_precision_info {
  gemm_precision precision;
  const char* id;              ///< Compute ceiling id: "bf16.matrix_library.cublaslt".
  const char* name;            ///< "bf16", "fp16", "tf32", "fp8": the profile's precision.
  const char* layout;          ///< Types, in words, for the method: "bf16 A and B, bf16 D".
  int min_cc = 0;              ///< Compute capability major*10+minor the type needs.
  int input_bytes = 0;         ///< Bytes of one A or B element.
  int output_bytes = 0;        ///< Bytes of one D element.
  int output_significand = 0;  ///< Significand bits of D, the implicit bit included (bf16 8, fp16 11, fp32 24).
  int accumulator_bits = 0;    ///< Bits the tolerance allows the accumulation to lose (see gemm_tolerance).
};

[[nodiscard]] std::span<const gemm_precision_info> gemm_precisions() noexcept;
[[nodiscard]] const gemm_precision_info& info(gemm_precision precision) noexcept;

/// A 64-bit mix of (seed, index) (splitmix64 finalizer): the random source of the inputs.
[[nodiscard]] constexpr std::uint64_t gemm_mix(std::uint64_t seed, std::uint64_t index) noexcept {
  std::uint64_t x = seed * 0x9e3779b97f4a7c15ull + index + 0x632be59bd9b4e019ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/// Bits of input element `index` of the matrix with seed `seed`, in the precision's encoding
/// (bf16/fp16: 16 bits, tf32: an fp32 word whose 13 low significand bits are zero, fp8: e4m3 in
/// 8 bits): a random sign, a magnitude in [0.25, 2) (three binades) and every stored significand
/// bit random; never zero, never subnormal, never NaN. Callable from CUDA kernels (constexpr).
[[nodiscard]] constexpr std::uint32_t gemm_input_bits(gemm_precision precision, std::uint64_t seed,
                                                      std::uint64_t index) noexcept {
  const std::uint64_t r = gemm_mix(seed, index);
  const auto sign = static_cast<std::uint32_t>(r & 1);
  const auto binade = static_cast<std::uint32_t>((r >> 1) % 3);  // 0: [0.25, 0.5), 1: [0.5, 1), 2: [1, 2)
  const auto fraction = static_cast<std::uint32_t>(r >> 8);
  switch (precision) {
    case gemm_precision::bf16: return (sign << 15) | ((125u + binade) << 7) | (fraction & 0x7fu);
    case gemm_precision::fp16: return (sign << 15) | ((13u + binade) << 10) | (fraction & 0x3ffu);
    case gemm_precision::tf32: return (sign << 31) | ((125u + binade) << 23) | ((fraction & 0x3ffu) << 13);
    case gemm_precision::fp8: return (sign << 7) | ((5u + binade) << 3) | (fraction & 0x7u);
  }
  return 0;
}

/// The value those bits stand for.
[[nodiscard]] double gemm_input_value(gemm_precision precision, std::uint32_t bits) noexcept;
/// The value of an output element as stored by the GPU (bf16, fp16 or fp32 bits, low bits first).
[[nodiscard]] double gemm_output_value(gemm_precision precision, std::uint32_t bits) noexcept;

/// One output element of the "TN" product the benchmark computes, D (m x n) = A^T B, with A
/// stored k x m and B stored k x n column-major (element (kk, row) of A at row * k + kk).
struct gemm_reference_element {
  double value = 0.0;    ///< sum_kk A[kk][row] * B[kk][col], in double.
  double sum_abs = 0.0;  ///< sum_kk |A[kk][row] * B[kk][col]|.
};
[[nodiscard]] gemm_reference_element gemm_reference(gemm_precision precision, std::uint64_t seed_a,
                                                    std::uint64_t seed_b, std::size_t k, std::size_t row,
                                                    std::size_t col) noexcept;

/// Largest acceptable |got - reference| for an output element:
/// |reference| * 2^(1 - output_significand) (the rounding of D, one ulp) +
/// sum_abs * 2^-accumulator_bits (the accumulation; 16 for fp32 accumulation: 256 fp32 ulps of the
/// largest possible partial sum; 10 for fp8, whose tensor-core accumulation keeps fewer bits
/// between promotions to fp32). For random-sign inputs |reference| is about sqrt(k) while sum_abs
/// is about 0.77 k, so a missing or wrong k-slice, a transposed operand or an unwritten output
/// exceeds it (docs/metrics.md).
[[nodiscard]] double gemm_tolerance(gemm_precision precision, double reference, double sum_abs) noexcept;

/// FLOP of one m x n x k GEMM: 2 * m * n * k.
[[nodiscard]] double gemm_flop(std::size_t m, std::size_t n, std::size_t k) noexcept;

/// `count` distinct output positions (row, col) of an m x n result to check: the four corners
/// first, then random positions from the seed.
[[nodiscard]] std::vector<std::pair<std::size_t, std::size_t>> gemm_sample_positions(std::size_t m, std::size_t n,
                                                                                      std::size_t count,
                                                                                      std::uint64_t seed);

/// Empty when every sampled element is within gemm_tolerance of the reference, else a line naming
/// the first element that is not. `got` holds the stored output bits of the sampled positions, in
/// the order of `positions`.
[[nodiscard]] std::string check_gemm_samples(gemm_precision precision, std::uint64_t seed_a, std::uint64_t seed_b,
                                             std::size_t k, std::span<const std::pair<std::size_t, std::size_t>> positions,
                                             std::span<const std::uint32_t> got);

}  // namespace rafter::cuda

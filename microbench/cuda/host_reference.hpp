#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "microbench/cuda/kernel_catalog.hpp"

namespace rafter::cuda {

/// Host references for the GPU ceiling kernels: the number formats the GPU uses, random inputs
/// (never zero), the fragment layouts of the tensor-core instructions and the exact results each
/// kernel must produce. Nothing here needs CUDA.

// ---- number formats -------------------------------------------------------------------------

/// `x` rounded to nearest-even with `bits` significand bits (the implicit bit included), for
/// values in the normal range of the target format.
[[nodiscard]] double round_to_significand(double x, int bits) noexcept;
/// IEEE binary16 bits of `x`, which must be exactly representable as a normal fp16 (or zero);
/// throws std::invalid_argument otherwise.
[[nodiscard]] std::uint16_t fp16_bits(double x);
[[nodiscard]] double fp16_value(std::uint16_t bits) noexcept;
/// bfloat16 bits of `x`, which must be exactly representable; throws std::invalid_argument otherwise.
[[nodiscard]] std::uint16_t bf16_bits(double x);
[[nodiscard]] double bf16_value(std::uint16_t bits) noexcept;
/// FP8 E4M3 (OCP / NVIDIA __nv_fp8_e4m3): NaN for 0x7f and 0xff, no infinities.
[[nodiscard]] double e4m3_value(std::uint8_t bits) noexcept;
/// FP4 E2M1 (OCP MX / NVFP4), the low 4 bits of `nibble`: +-{0, 0.5, 1, 1.5, 2, 3, 4, 6}.
[[nodiscard]] double e2m1_value(std::uint8_t nibble) noexcept;
/// TF32 stored in an fp32 register: the 13 low significand bits are zero.
[[nodiscard]] double tf32_value(std::uint32_t bits) noexcept;

// ---- random inputs --------------------------------------------------------------------------

/// A non-zero value of magnitude in [0.25, 2) with every significand bit of the format random;
/// `format_bits` is 16 for fp16 (10 stored bits), 8 for bf16 (7), 11 for tf32 (10), 4 for e4m3 (3).
/// Returns the bits in the format's own encoding.
[[nodiscard]] std::uint16_t random_fp16(std::mt19937_64& rng);
[[nodiscard]] std::uint16_t random_bf16(std::mt19937_64& rng);
[[nodiscard]] std::uint32_t random_tf32(std::mt19937_64& rng);
[[nodiscard]] std::uint8_t random_e4m3(std::mt19937_64& rng);
/// A non-zero E2M1 code (low 4 bits): any of the 14 non-zero values, uniformly.
[[nodiscard]] std::uint8_t random_e2m1(std::mt19937_64& rng);
/// An fp32 accumulator start value: magnitude uniform in [0.25, 2), sign random.
[[nodiscard]] float random_accumulator(std::mt19937_64& rng);
/// An int32 accumulator start value in [-2^20, 2^20).
[[nodiscard]] std::int32_t random_int_accumulator(std::mt19937_64& rng);
/// A non-zero int8 in [-127, 127] (so that its negation is an int8 too).
[[nodiscard]] std::int8_t random_int8(std::mt19937_64& rng);

// ---- CUDA-core FMA chains ----------------------------------------------------------------------

/// Inputs of one core launch: per thread `core_chains` start values, and the two constants, as
/// raw bits (fp64: 64 bits; fp32/int32: 32; fp16x2/bf16x2: two 16-bit lanes, lane 0 low).
struct core_inputs {
  std::vector<std::uint64_t> start;  ///< threads * core_chains values.
  std::uint64_t b = 0;
  std::uint64_t c = 0;
};

/// Random start values in [0.5, 1.5) and c in [0.125, 0.5]. fp64/fp32: b = 1 - k ulp(1/2),
/// k in [16, 32], so a = a*b + c moves every step for ~1/(1 - b) steps (2^19..2^20 fp32, ~2^48
/// fp64: beyond any launch) before it nears c / (1 - b), finite: a check after a launch sees a
/// missing trip, and the FMA pipes see changing operands. fp16x2/bf16x2: b in [0.5, 0.875] (their
/// few significand bits settle any chain within tens of steps; the check then sees the result,
/// not the count). int32: random values, b odd.
[[nodiscard]] core_inputs make_core_inputs(core_op op, std::size_t threads, std::uint64_t seed);

/// The value a chain holds after `steps` steps of a = fma(a, b, c) in the op's arithmetic (IEEE
/// fused multiply-add, round to nearest even; int32 wraps).
[[nodiscard]] std::uint64_t core_reference(core_op op, std::uint64_t a, std::uint64_t b, std::uint64_t c,
                                           std::size_t steps) noexcept;

/// Empty when `got` is acceptable for `expected`, else a one-line description. fp64, fp32 and
/// int32 must match bit for bit; the packed half types within 2 units in the last place per lane
/// (the recurrence contracts, so one rounding difference stays within 1 ulp).
[[nodiscard]] std::string compare_core(core_op op, std::uint64_t got, std::uint64_t expected);

// ---- mma.sync ---------------------------------------------------------------------------------

/// Position (row, column) of element `e` of lane `lane` in the A (m x k), B (k x n) and
/// accumulator (m x n) fragments of the op (PTX ISA, "Matrix Fragments for mma.m16n8k*").
[[nodiscard]] std::pair<int, int> mma_a_position(mma_op op, int lane, int e) noexcept;
[[nodiscard]] std::pair<int, int> mma_b_position(mma_op op, int lane, int e) noexcept;
[[nodiscard]] std::pair<int, int> mma_acc_position(int lane, int e) noexcept;
/// Elements of A (and of B) one lane holds.
[[nodiscard]] int mma_a_elements(mma_op op) noexcept;
[[nodiscard]] int mma_b_elements(mma_op op) noexcept;

/// One random A and B tile, as values and as the per-lane register words the kernel loads:
/// 32 lanes x mma_fragment_words (A[4], B[2], -B[2], scales of A, scales of B). A block-scaled op
/// also draws one random e4m3 scale per mma_scale_block values of K for A and for B (every row of
/// A shares them, every column of B too: the check is blind to which lane supplies a row's scales).
struct mma_tile {
  int m = 0, n = 0, k = 0;
  std::vector<double> a;  ///< m x k, row-major, unscaled element values.
  std::vector<double> b;  ///< k x n, row-major, unscaled element values.
  std::vector<double> a_scales, b_scales;  ///< k / mma_scale_block each (block-scaled ops), else empty.
  std::vector<std::uint32_t> fragments;
};
/// K values one block scale covers (NVFP4: 16).
inline constexpr int mma_scale_block = 16;
[[nodiscard]] mma_tile make_mma_tile(mma_op op, std::uint64_t seed);
/// (A*B)[row][col] and sum_k |A[row][k] * B[k][col]|, each product times its two block scales.
[[nodiscard]] std::pair<double, double> mma_tile_product(const mma_tile& tile, int row, int col) noexcept;

/// Largest acceptable |got - reference| of an fp32 accumulator after `steps` dependent mma steps
/// whose terms are bounded by `magnitude`: steps * magnitude * 2^-acc_bits, acc_bits 13 for fp8
/// and fp4 (Hopper accumulates fp8 products with fewer bits; fp4's accumulation on sm_120 is
/// assumed no better, unmeasured) and 21 otherwise (fp32 keeps 23 fraction bits; tensor cores
/// align and truncate their terms, a model with toward-minus-infinity truncation comes within 3% of
/// 22 bits). Integers must be exact.
[[nodiscard]] double mma_tolerance(mma_op op, double magnitude, std::size_t steps) noexcept;

// ---- wgmma and tcgen05: operands in shared memory ------------------------------------------

/// Byte offset of element (row, kk) of a K-major operand in the no-swizzle shared-memory layout
/// the kernels' descriptors describe (tensor_descriptors.hpp): 8-row x 16-byte core matrices of
/// 128 contiguous bytes, the two core matrices along K 128 bytes apart (leading byte offset),
/// 8-row groups 256 bytes apart (stride byte offset). K is 32 bytes of each row.
[[nodiscard]] std::size_t kmajor_smem_offset(int row, int kk, int element_bytes) noexcept;
/// Position (row, column) of accumulator register `reg` (0..127) of thread `thread` (0..127) of
/// the m64n256 fp32 accumulator (PTX ISA, "WGMMA .m64nNk* register fragment layout for D").
[[nodiscard]] std::pair<int, int> wgmma_acc_position(int thread, int reg) noexcept;

/// One random A (m x k) and B (n x k) tile, as values and as shared-memory images.
struct smem_tiles {
  int m = 0, n = 0, k = 0;
  std::vector<double> a;             ///< m x k row-major.
  std::vector<double> b;             ///< n x k row-major (B is K-major).
  std::vector<std::uint8_t> a_smem;  ///< Bytes in the kmajor_smem_offset layout.
  std::vector<std::uint8_t> b_smem;
};
/// `precision`: "bf16", "fp16", "tf32" (fp32 words with 13 zero low bits), "fp8" (e4m3) or
/// "fp4" (e2m1, two per byte, element 2j in the low nibble of byte j) or "int8" (s8, never 0 or
/// -128); k elements must fill 32 bytes. Throws std::invalid_argument otherwise.
[[nodiscard]] smem_tiles make_smem_tiles(const std::string& precision, int m, int n, int k, std::uint64_t seed);
/// (A*B^T)[row][col] and sum_k |A[row][k] * B[col][k]|.
[[nodiscard]] std::pair<double, double> smem_tile_product(const smem_tiles& tiles, int row, int col) noexcept;
/// Largest acceptable |got - reference| of an fp32 accumulator after `steps` asynchronous MMA
/// steps (wgmma, tcgen05) while its magnitude stays within `magnitude` (the kernels' D peaks at
/// |D0| + group * sum |a b|): steps * magnitude * 2^-acc_bits, acc_bits 13 for "fp8" and "fp4"
/// (Hopper accumulates fp8 products with fewer bits; for the low-precision kinds of tcgen05 the
/// accumulator precision is not documented, 13 bits are assumed) and 21 otherwise.
[[nodiscard]] double async_mma_tolerance(const std::string& precision, double magnitude, std::size_t steps) noexcept;
/// Empty when every accumulator out[at] of an asynchronous-MMA kernel (wgmma, tcgen05) equals
/// d0[at] + (A*B^T)[row][col], (row, col) = position(at), within async_mma_tolerance of the peak
/// |d0| + group * sum_k |a b| after `steps` steps, plus |expected| * 2^-22; else one line on the
/// first element that does not (its block is at / per_block). out and d0 have the same size.
[[nodiscard]] std::string check_async_mma(const smem_tiles& tiles, const std::string& precision,
                                          const std::vector<float>& d0, const std::vector<float>& out,
                                          std::size_t steps, int group, std::size_t per_block,
                                          const std::function<std::pair<int, int>(std::size_t)>& position);
/// The same for int32 accumulators (tcgen05 kind::i8, which cannot negate B, so every one of the
/// `steps` MMAs adds A*B^T): out[at] == d0[at] + steps * (A*B^T)[row][col] modulo 2^32, exactly.
[[nodiscard]] std::string check_async_mma_integer(const smem_tiles& tiles, const std::vector<std::uint32_t>& d0,
                                                  const std::vector<std::uint32_t>& out, std::size_t steps,
                                                  std::size_t per_block,
                                                  const std::function<std::pair<int, int>(std::size_t)>& position);

// ---- memory kernels ---------------------------------------------------------------------------

/// 32-bit lane `lane` (0..3) of the vector the write kernel stores at index `vector_index`.
[[nodiscard]] constexpr std::uint32_t write_value(std::uint64_t vector_index, int lane, std::uint32_t seed) noexcept {
  return static_cast<std::uint32_t>(vector_index * 4 + static_cast<std::uint64_t>(lane)) * 0x9E3779B1u + seed;
}

/// Lane-wise wrapping sums of `vectors` 16-byte vectors (4 x uint32 each).
[[nodiscard]] std::array<std::uint32_t, 4> lane_sums(const std::uint32_t* words, std::size_t vectors) noexcept;

/// A random single cycle through `lines` lines (Sattolo's algorithm): next[i] is the line after i.
/// `lines` from 2 to 2^27 (a footprint under 16 GiB).
[[nodiscard]] std::vector<std::uint32_t> make_chase_cycle(std::size_t lines, std::uint64_t seed);
/// The line reached after `hops` steps from `start`.
[[nodiscard]] std::uint32_t chase_end(const std::vector<std::uint32_t>& next, std::uint32_t start,
                                      std::uint64_t hops) noexcept;

}  // namespace rafter::cuda

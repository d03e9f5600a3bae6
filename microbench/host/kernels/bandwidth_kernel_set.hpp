#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace rafter::host::detail {

/// Granule of every bandwidth array: 8 unrolled 64-byte vectors. Array lengths are multiples of it.
inline constexpr std::size_t bandwidth_block_bytes = 512;

/// The inner loops of bandwidth_benchmark for one instruction set (one *_<isa>.cpp file each).
/// Arrays are 64-byte aligned and `count` (elements of 8 bytes) is a multiple of
/// bandwidth_block_bytes / 8. Each function makes `passes` full passes over its arrays; every
/// pass really touches memory (compiler barriers between passes). Loads are temporal; the *_nt
/// variants store with non-temporal (streaming, write-combining) stores and end with sfence, so
/// all their stores are globally visible when they return.
struct bandwidth_kernel_set {
  /// Returns read_checksum(XOR of data[0..count), passes): independent 64-bit accumulators, each
  /// rotated left by 1 bit at the start of a pass and XORed with its share of the data, then
  /// XORed together. XOR rather than a sum: AVX-512 folds two loaded vectors into an accumulator
  /// with one vpternlogq, so the vector ALUs (2 ports for 512-bit) never limit an L1-resident
  /// read (a sum needs one ALU op per load and saturates them). The per-pass rotation makes a
  /// skipped or repeated pass change the result; the result repeats every 128 passes and is 0 at
  /// multiples of 128 (callers checking a timed run avoid multiples of 64 passes).
  std::uint64_t (*read)(const std::uint64_t* data, std::size_t count, std::size_t passes) noexcept;
  /// data[i] = value.
  void (*write)(std::uint64_t* data, std::size_t count, std::uint64_t value, std::size_t passes) noexcept;
  /// dst[i] = src[i].
  void (*copy)(std::uint64_t* dst, const std::uint64_t* src, std::size_t count, std::size_t passes) noexcept;
  /// a[i] = b[i] + s * c[i] (fused where the set has FMA).
  void (*triad)(double* a, const double* b, const double* c, double s, std::size_t count, std::size_t passes) noexcept;
  void (*write_nt)(std::uint64_t* data, std::size_t count, std::uint64_t value, std::size_t passes) noexcept;
  void (*copy_nt)(std::uint64_t* dst, const std::uint64_t* src, std::size_t count, std::size_t passes) noexcept;
  void (*triad_nt)(double* a, const double* b, const double* c, double s, std::size_t count,
                   std::size_t passes) noexcept;
};

/// What `read` returns after `passes` passes over data whose words XOR to `data_xor`:
/// XOR over i in [0, passes) of rotl(data_xor, i); rotl by 64 is the identity, so only the parity
/// of the number of passes with each i mod 64 matters.
[[nodiscard]] constexpr std::uint64_t read_checksum(std::uint64_t data_xor, std::size_t passes) noexcept {
  std::uint64_t c = 0;
  for (int r = 0; r < 64; ++r) {
    const std::size_t count = passes / 64 + (static_cast<std::size_t>(r) < passes % 64 ? 1 : 0);
    if (count % 2 == 1) c ^= std::rotl(data_xor, r);
  }
  return c;
}

bandwidth_kernel_set bandwidth_kernels_scalar() noexcept;
bandwidth_kernel_set bandwidth_kernels_sse() noexcept;     ///< Needs SSE4.2 (simd_level::sse).
bandwidth_kernel_set bandwidth_kernels_avx2() noexcept;    ///< Needs simd_level::avx2.
bandwidth_kernel_set bandwidth_kernels_avx512() noexcept;  ///< Needs simd_level::avx512.

}  // namespace rafter::host::detail

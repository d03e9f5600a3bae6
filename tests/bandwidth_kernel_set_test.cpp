#include "microbench/host/kernels/bandwidth_kernel_set.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "microbench/host/kernels/simd_level.hpp"

namespace rafter::host::detail {
namespace {

TEST(read_checksum, is_the_xor_of_the_rotated_data_xor_over_the_passes) {
  const std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (const std::size_t passes : {0UL, 1UL, 2UL, 63UL, 64UL, 65UL, 128UL, 129UL, 1000UL}) {
    std::uint64_t expected = 0;
    for (std::size_t i = 0; i < passes; ++i) expected = std::rotl(expected, 1) ^ x;  // the kernels' recurrence
    EXPECT_EQ(read_checksum(x, passes), expected) << passes << " passes";
  }
  // Every pass counts: one pass more or less changes the checksum.
  for (std::size_t passes = 1; passes < 200; ++passes) {
    EXPECT_NE(read_checksum(x, passes), read_checksum(x, passes + 1)) << passes;
  }
}

/// 64-byte aligned words, none zero.
std::unique_ptr<std::uint64_t, decltype(&std::free)> words(std::size_t count) {
  auto* p = static_cast<std::uint64_t*>(std::aligned_alloc(64, count * sizeof(std::uint64_t)));
  for (std::size_t i = 0; i < count; ++i) p[i] = (i * 0x9e3779b97f4a7c15ULL) ^ (i << 40) ^ 1U;
  return {p, &std::free};
}

TEST(bandwidth_kernel_set, every_usable_read_returns_read_checksum) {
  const simd_level level = detect_simd_level();
  struct named { const char* name; bool usable; bandwidth_kernel_set set; };
  const named sets[] = {
      {"scalar", true, bandwidth_kernels_scalar()},
      {"sse", level >= simd_level::sse, bandwidth_kernels_sse()},
      {"avx2", level >= simd_level::avx2, bandwidth_kernels_avx2()},
      {"avx512", level >= simd_level::avx512, bandwidth_kernels_avx512()},
  };
  const std::size_t count = 3 * bandwidth_block_bytes / sizeof(std::uint64_t);
  const auto data = words(count);
  std::uint64_t x = 0;
  for (std::size_t i = 0; i < count; ++i) x ^= data.get()[i];
  for (const named& s : sets) {
    if (!s.usable) continue;
    for (const std::size_t passes : {1UL, 2UL, 3UL, 64UL, 65UL}) {
      EXPECT_EQ(s.set.read(data.get(), count, passes), read_checksum(x, passes)) << s.name << ", " << passes << " passes";
    }
  }
}

}  // namespace
}  // namespace rafter::host::detail

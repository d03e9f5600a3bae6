#include "microbench/cuda/link_pattern.hpp"

#include <fmt/format.h>

namespace rafter::cuda {

void fill_link_pattern(std::uint32_t* out, std::size_t words, std::uint64_t seed, std::size_t first) noexcept {
  for (std::size_t i = 0; i < words; ++i) out[i] = link_word(seed, first + i);
}

std::array<std::uint32_t, 4> link_pattern_sums(std::uint64_t seed, std::size_t words) noexcept {
  std::array<std::uint32_t, 4> sums{};
  for (std::size_t i = 0; i < words; ++i) sums[i % 4] += link_word(seed, i);
  return sums;
}

std::string check_link_pattern(const std::uint32_t* data, std::size_t words, std::uint64_t seed, std::size_t first) {
  for (std::size_t i = 0; i < words; ++i) {
    const std::uint32_t expected = link_word(seed, first + i);
    if (data[i] != expected) {
      return fmt::format("word {} of {} is 0x{:08x}, expected 0x{:08x}", first + i, first + words, data[i], expected);
    }
  }
  return {};
}

std::string compare_link_sums(const std::string& what, const std::array<std::uint32_t, 4>& got,
                              const std::array<std::uint32_t, 4>& expected) {
  for (std::size_t l = 0; l < 4; ++l) {
    if (got[l] != expected[l]) {
      return fmt::format("{}: checksum lane {} is 0x{:08x}, expected 0x{:08x}", what, l, got[l], expected[l]);
    }
  }
  return {};
}

}  // namespace rafter::cuda

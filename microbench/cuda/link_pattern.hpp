#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace rafter::cuda {

/// The data every interconnect copy moves, and its checks: word `i` of a buffer with seed `seed`
/// is link_word(seed, i), never zero, so that a poisoned or partly written destination is caught.
[[nodiscard]] constexpr std::uint32_t link_word(std::uint64_t seed, std::uint64_t word) noexcept {
  std::uint64_t x = seed * 0xd1342543de82ef95ull + word * 0x9e3779b97f4a7c15ull + 1;
  x = (x ^ (x >> 31)) * 0x7fb5d329728ea185ull;
  x = (x ^ (x >> 27)) * 0x81dadef4bc2dd44dull;
  const auto w = static_cast<std::uint32_t>(x ^ (x >> 33));
  return w == 0 ? 1u : w;
}

/// Fills `words` words (starting at word `first` of the pattern) with the pattern.
void fill_link_pattern(std::uint32_t* out, std::size_t words, std::uint64_t seed, std::size_t first = 0) noexcept;

/// Lane-wise wrapping sums (4 lanes of one 16-byte vector) of the first `words` words of the
/// pattern (`words` a multiple of 4): the checksum a copied buffer must have.
[[nodiscard]] std::array<std::uint32_t, 4> link_pattern_sums(std::uint64_t seed, std::size_t words) noexcept;

/// Empty when `data` holds words [first, first + words) of the pattern, else a line naming the
/// first wrong word.
[[nodiscard]] std::string check_link_pattern(const std::uint32_t* data, std::size_t words, std::uint64_t seed,
                                             std::size_t first = 0);

/// Empty when `got` equals `expected`, else a line naming the first differing lane of `what`.
[[nodiscard]] std::string compare_link_sums(const std::string& what, const std::array<std::uint32_t, 4>& got,
                                            const std::array<std::uint32_t, 4>& expected);

}  // namespace rafter::cuda

#include "workloads/llm/bf16_round.hpp"

#include <bit>
#include <cmath>
#include <cstdint>

namespace rafter::llm {

float round_to_bf16(float x) {
  if (std::isnan(x)) return x;
  auto bits = std::bit_cast<std::uint32_t>(x);
  const std::uint32_t lsb = (bits >> 16) & 1u;
  bits += 0x7fffu + lsb;
  bits &= 0xffff0000u;
  return std::bit_cast<float>(bits);
}

}  // namespace rafter::llm

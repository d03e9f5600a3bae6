#pragma once

#include <cstdint>

namespace rafter::llm {

/// Deterministic random weights that the GPU initializer and the CPU reference compute
/// identically. Every value is a small integer times a power of two, so it is exact in BF16 and in
/// float: both sides hold bit-identical weights without sharing a rounding routine. The functions
/// are constexpr so that .cu files call them on the device (nvcc --expt-relaxed-constexpr).

enum class distribution : std::uint32_t {
  /// scale * k / 128 with k an odd integer in [-127, 127]: never zero, mean 0, variance
  /// about scale^2 / 3. `scale` must be a power of two.
  odd_uniform = 0,
  /// 1 + j / 128 with j in [-8, 7]: RMSNorm gains near one.
  near_one = 1,
};

/// One tensor's stream: `key` selects the stream, element i of the tensor is random_value(s, i).
struct random_stream {
  std::uint64_t key = 0;
  float scale = 1.0f;
  distribution kind = distribution::odd_uniform;
};

/// splitmix64's finalizer: a bijective 64-bit mix.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

constexpr std::uint64_t stream_key(std::uint64_t seed, std::uint32_t tensor, std::uint32_t layer) {
  return mix64(seed ^ mix64((static_cast<std::uint64_t>(tensor) << 32) | layer));
}

/// Element `index` of stream `s`.
constexpr float random_value(const random_stream& s, std::uint64_t index) {
  const std::uint64_t h = mix64(s.key + (index + 1) * 0x9e3779b97f4a7c15ULL);
  if (s.kind == distribution::near_one) {
    return 1.0f + static_cast<float>(static_cast<int>(h >> 60) - 8) / 128.0f;
  }
  const int k = static_cast<int>(h >> 57) * 2 - 127;
  return static_cast<float>(k) * (s.scale / 128.0f);
}

/// Token `index` of a prompt drawn from `seed`, uniform in [0, vocab).
constexpr int random_token(std::uint64_t seed, std::uint64_t index, int vocab) {
  return static_cast<int>(mix64(mix64(seed ^ 0x70726f6d7074ULL) + index) % static_cast<std::uint64_t>(vocab));
}

}  // namespace rafter::llm

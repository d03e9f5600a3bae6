#include "microbench/cuda/collective_reference.hpp"

#include <random>

#include <fmt/format.h>

#include "microbench/cuda/link_pattern.hpp"

namespace rafter::cuda {

float collective_input(std::uint64_t seed, int rank, std::size_t i) noexcept {
  return static_cast<float>(1 + link_word(seed + static_cast<std::uint64_t>(rank), i) % 64);
}

void fill_collective_input(float* out, std::size_t count, std::uint64_t seed, int rank) noexcept {
  for (std::size_t i = 0; i < count; ++i) out[i] = collective_input(seed, rank, i);
}

float collective_expected(collective op, std::uint64_t seed, int ranks, int rank, std::size_t elements,
                          std::size_t i) noexcept {
  const std::size_t chunk = elements / static_cast<std::size_t>(ranks > 0 ? ranks : 1);
  float sum = 0.0f;
  switch (op) {
    case collective::all_reduce:
      for (int q = 0; q < ranks; ++q) sum += collective_input(seed, q, i);
      return sum;
    case collective::all_gather:
      return chunk == 0 ? 0.0f : collective_input(seed, static_cast<int>(i / chunk), i % chunk);
    case collective::reduce_scatter:
      for (int q = 0; q < ranks; ++q) sum += collective_input(seed, q, static_cast<std::size_t>(rank) * chunk + i);
      return sum;
  }
  return 0.0f;
}

std::vector<std::size_t> collective_check_positions(std::size_t received, std::size_t all_up_to, std::size_t sampled,
                                                    std::uint64_t seed) {
  std::vector<std::size_t> positions;
  if (received == 0) return positions;
  if (received <= all_up_to) {
    positions.resize(received);
    for (std::size_t i = 0; i < received; ++i) positions[i] = i;
    return positions;
  }
  std::mt19937_64 rng(seed);
  positions = {0, received - 1};
  for (std::size_t c = 0; c < sampled; ++c) positions.push_back(rng() % received);
  return positions;
}

std::string check_collective_output(collective op, std::uint64_t seed, int ranks, int rank, std::size_t elements,
                                    std::span<const std::size_t> positions, std::span<const float> values) {
  if (values.size() != positions.size()) {
    return fmt::format("{} check: {} values for {} positions", info(op).name, values.size(), positions.size());
  }
  for (std::size_t k = 0; k < positions.size(); ++k) {
    const std::size_t i = positions[k];
    const float expected = collective_expected(op, seed, ranks, rank, elements, i);
    if (values[k] != expected) {
      return fmt::format("{} of {} bytes over {} ranks: rank {} element {} is {}, expected {}", info(op).name,
                         elements * 4, ranks, rank, i, values[k], expected);
    }
  }
  return {};
}

}  // namespace rafter::cuda

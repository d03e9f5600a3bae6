#pragma once

// Included only by the *_<isa>.cpp compute files. Instantiate it only with traits types from an
// anonymous namespace, so every instantiation is local to the file compiled with that ISA's flags
// (no ODR merging of code compiled for different instruction sets).

#include <cstddef>
#include <utility>

namespace rafter::host::detail {

/// The generic inner loop of a compute kernel. Traits provides: `vec` (the register type),
/// `static vec load(const void* base, std::size_t index)` (aligned vector `index` of `base`),
/// `static void store(void* base, std::size_t index, vec)` and `static vec step(vec acc, vec x,
/// vec y)`. The accumulators live in registers for the whole loop (constant indices only).
template <class Traits, std::size_t... K>
inline void run_chains(std::index_sequence<K...>, std::size_t iterations, const void* init, const void* operands,
                       void* result) noexcept {
  using vec = typename Traits::vec;
  const vec x = Traits::load(operands, 0);
  const vec y = Traits::load(operands, 1);
  vec acc[sizeof...(K)] = {Traits::load(init, K)...};
  for (std::size_t i = 0; i < iterations; ++i) {
    ((acc[K] = Traits::step(acc[K], x, y)), ...);
  }
  (Traits::store(result, K, acc[K]), ...);
}

/// A compute_loop (see compute_kernel_set.hpp) with `Accumulators` chains.
template <class Traits, std::size_t Accumulators>
void chain_loop(std::size_t iterations, const void* init, const void* operands, void* result) noexcept {
  run_chains<Traits>(std::make_index_sequence<Accumulators>{}, iterations, init, operands, result);
}

}  // namespace rafter::host::detail

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
/// vec y)`. The accumulators live in registers for the whole loop (constant indices only). The loop
/// is unrolled 4 steps deep: its counter and branch (2 scalar uops) then come once per
/// 4 x accumulators vector ops, so they rarely take a vector port (with 512-bit ops, Intel cores
/// have only ports 0 and 5 for them) and the step rate reaches the pipes' peak.
template <class Traits, std::size_t... K>
inline void run_chains(std::index_sequence<K...>, std::size_t iterations, const void* init, const void* operands,
                       void* result) noexcept {
  using vec = typename Traits::vec;
  const vec x = Traits::load(operands, 0);
  const vec y = Traits::load(operands, 1);
  vec acc[sizeof...(K)] = {Traits::load(init, K)...};
  std::size_t i = 0;
  for (; i + 4 <= iterations; i += 4) {
    ((acc[K] = Traits::step(acc[K], x, y)), ...);
    ((acc[K] = Traits::step(acc[K], x, y)), ...);
    ((acc[K] = Traits::step(acc[K], x, y)), ...);
    ((acc[K] = Traits::step(acc[K], x, y)), ...);
  }
  for (; i < iterations; ++i) {
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

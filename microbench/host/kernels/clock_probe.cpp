#include "microbench/host/kernels/clock_probe.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace rafter::host {

namespace {

/// Adds per loop iteration; the loop's own dec/jnz execute beside the chain.
constexpr std::size_t adds_per_iteration = 100;
/// Adds per timed slice (~2.5 ms at 4 GHz): short enough that most slices escape preemption,
/// long enough that the two clock reads (tens of ns) do not matter.
constexpr std::size_t adds_per_slice = 10'000'000;

volatile std::uint64_t clock_sink = 0;
/// The addend, read through a volatile so that the compiler and the core see an unknown register
/// value: Golden Cove and later cores fold chains of `add $imm, reg` at rename (several per cycle;
/// measured 9-13 "GHz" on a 2.9 GHz Sapphire Rapids guest), so the chain must add a register.
volatile std::uint64_t clock_addend = 1;

/// Runs iterations * 100 dependent adds; returns their wall seconds.
double timed_chain(std::size_t iterations) {
  std::uint64_t value = 0;
  const std::uint64_t addend = clock_addend;
  const auto start = std::chrono::steady_clock::now();
#if defined(__x86_64__)
  __asm__ volatile(
      "1:\n\t"
      ".rept 100\n\t"
      "add %2, %0\n\t"
      ".endr\n\t"
      "dec %1\n\t"
      "jnz 1b"
      : "+r"(value), "+r"(iterations)
      : "r"(addend)
      : "cc");
#else
  for (; iterations > 0; --iterations) {
    for (std::size_t k = 0; k < adds_per_iteration; ++k) {
      value += addend;
      __asm__ volatile("" : "+r"(value));
    }
  }
#endif
  const auto stop = std::chrono::steady_clock::now();
  clock_sink = value;
  return std::chrono::duration<double>(stop - start).count();
}

}  // namespace

double measure_core_clock_hz(std::size_t chain_length) {
  const std::size_t slice_iterations = std::max<std::size_t>(1, std::min(chain_length, adds_per_slice) / adds_per_iteration);
  const std::size_t slices = std::max<std::size_t>(1, chain_length / (slice_iterations * adds_per_iteration));
  double best = 0.0;
  for (std::size_t s = 0; s < slices; ++s) {
    const double seconds = timed_chain(slice_iterations);
    if (seconds > 0.0) best = std::max(best, static_cast<double>(slice_iterations * adds_per_iteration) / seconds);
  }
  return best;
}

}  // namespace rafter::host

#include "microbench/host/kernels/clock_probe.hpp"

#include <chrono>
#include <cstdint>

namespace rafter::host {

namespace {

/// Adds per loop iteration; the loop's own dec/jnz execute beside the chain.
constexpr std::size_t adds_per_iteration = 100;

volatile std::uint64_t clock_sink = 0;

}  // namespace

double measure_core_clock_hz(std::size_t chain_length) {
  std::size_t iterations = chain_length / adds_per_iteration;
  if (iterations == 0) iterations = 1;
  const std::size_t adds = iterations * adds_per_iteration;
  std::uint64_t value = 0;
  const auto start = std::chrono::steady_clock::now();
#if defined(__x86_64__)
  __asm__ volatile(
      "1:\n\t"
      ".rept 100\n\t"
      "add $1, %0\n\t"
      ".endr\n\t"
      "dec %1\n\t"
      "jnz 1b"
      : "+r"(value), "+r"(iterations)
      :
      : "cc");
#else
  for (; iterations > 0; --iterations) {
    for (std::size_t k = 0; k < adds_per_iteration; ++k) {
      value += 1;
      __asm__ volatile("" : "+r"(value));
    }
  }
#endif
  const auto stop = std::chrono::steady_clock::now();
  clock_sink = value;
  const double seconds = std::chrono::duration<double>(stop - start).count();
  return seconds > 0.0 ? static_cast<double>(adds) / seconds : 0.0;
}

}  // namespace rafter::host

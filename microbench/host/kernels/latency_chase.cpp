#include "microbench/host/kernels/latency_chase.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace rafter::host {

namespace {

__extension__ typedef unsigned __int128 uint128;

/// Where run() leaves its final pointer, so the chase has an observable result.
volatile std::uintptr_t chase_sink = 0;

/// splitmix64: the seeded generator of the permutation.
class splitmix64 {
public:
  explicit splitmix64(std::uint64_t seed) noexcept : m_state(seed) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, bound), bound > 0 (Lemire's multiply-shift with rejection: no modulo bias).
  std::uint64_t below(std::uint64_t bound) noexcept {
    uint128 product = static_cast<uint128>(next()) * bound;
    auto low = static_cast<std::uint64_t>(product);
    if (low < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        product = static_cast<uint128>(next()) * bound;
        low = static_cast<std::uint64_t>(product);
      }
    }
    return static_cast<std::uint64_t>(product >> 64);
  }

private:
  std::uint64_t m_state;
};

/// The pointer stored at the start of line `index`.
inline std::uint64_t* slot(std::byte* base, std::size_t index) noexcept {
  return reinterpret_cast<std::uint64_t*>(base + index * latency_chase::line_bytes);
}

}  // namespace

void latency_chase::prepare(std::size_t footprint_bytes, std::uint64_t seed) {
  const std::size_t lines = std::max<std::size_t>(2, footprint_bytes / line_bytes);
  m_lines = 0;
  m_cursor = nullptr;
  m_buffer = page_buffer(lines * line_bytes);
  std::byte* const base = m_buffer.data();
  // The successor array of Sattolo's algorithm lives in the lines themselves (as indices), so the
  // build needs no memory beyond the buffer: a[i] = i, then for i = n-1 .. 1 swap a[i] with a[j],
  // j uniform in [0, i). The result i -> a[i] is one cycle through all n lines.
  for (std::size_t i = 0; i < lines; ++i) {
    std::memset(base + i * line_bytes, 0, line_bytes);
    *slot(base, i) = i;
  }
  splitmix64 random(seed);
  for (std::size_t i = lines - 1; i > 0; --i) {
    const std::size_t j = random.below(i);
    std::swap(*slot(base, i), *slot(base, j));
  }
  const auto address = reinterpret_cast<std::uintptr_t>(base);
  for (std::size_t i = 0; i < lines; ++i) {
    std::uint64_t* const p = slot(base, i);
    *p = address + *p * line_bytes;
  }
  m_lines = lines;
  m_cursor = base;
}

std::size_t latency_chase::position() const noexcept {
  if (m_lines == 0) return 0;
  return static_cast<std::size_t>(static_cast<const std::byte*>(m_cursor) - m_buffer.data()) / line_bytes;
}

double latency_chase::run(std::size_t hops) {
  if (m_lines == 0) throw std::logic_error("latency_chase::run before prepare");
  const void* p = m_cursor;
  std::size_t blocks = hops / 16;
  std::size_t rest = hops % 16;
  const auto start = std::chrono::steady_clock::now();
  if (blocks > 0) {
    // 16 dependent `mov (p), p` loads per iteration; dec/jnz run beside the chain.
    __asm__ volatile(
        "1:\n\t"
        ".rept 16\n\t"
        "mov (%0), %0\n\t"
        ".endr\n\t"
        "dec %1\n\t"
        "jnz 1b"
        : "+r"(p), "+r"(blocks)
        :
        : "memory", "cc");
  }
  for (; rest > 0; --rest) __asm__ volatile("mov (%0), %0" : "+r"(p) : : "memory");
  const auto stop = std::chrono::steady_clock::now();
  chase_sink = reinterpret_cast<std::uintptr_t>(p);
  m_cursor = p;
  return std::chrono::duration<double>(stop - start).count();
}

std::string latency_chase::verify() const {
  if (m_lines == 0) return "latency_chase: verify() before prepare()";
  const std::byte* const base = m_buffer.data();
  const auto first = reinterpret_cast<std::uintptr_t>(base);
  const std::uintptr_t last = first + (m_lines - 1) * line_bytes;
  std::vector<bool> visited(m_lines, false);
  std::uintptr_t at = first;
  for (std::size_t hop = 0; hop < m_lines; ++hop) {
    const std::size_t index = (at - first) / line_bytes;
    if (visited[index]) {
      return fmt::format("latency_chase: line {} visited twice; the cycle from line 0 has only {} of {} lines", index, hop,
                         m_lines);
    }
    visited[index] = true;
    const std::uintptr_t next = *reinterpret_cast<const std::uint64_t*>(at);
    if (next < first || next > last || (next - first) % line_bytes != 0) {
      return fmt::format("latency_chase: line {} points to {:#x}, not a line start inside the buffer [{:#x}, {:#x}]", index,
                         next, first, last);
    }
    at = next;
  }
  if (at != first) {
    return fmt::format("latency_chase: after {} hops the chase is at line {}, not back at line 0", m_lines,
                       (at - first) / line_bytes);
  }
  return {};
}

}  // namespace rafter::host

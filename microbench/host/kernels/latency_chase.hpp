#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "microbench/host/kernels/page_buffer.hpp"

namespace rafter::host {

/// Load-to-use latency by pointer chasing: every 64-byte line of a buffer holds, in its first
/// 8 bytes, the address of the next line of one random cycle through all lines, so each load
/// depends on the previous one and hardware prefetchers cannot predict the next line.
class latency_chase {
public:
  static constexpr std::size_t line_bytes = 64;

  /// Builds a single random cyclic permutation (Sattolo's algorithm, splitmix64 seeded with
  /// `seed`, unbiased bounded draws) over the cache lines of a buffer of `footprint_bytes`
  /// (rounded down to whole lines, at least 2 lines); each line holds one pointer, at offset 0
  /// of the line. Buffers of 2 MiB and more are huge-page advised. The chase visits every line
  /// once per lap. Written by the calling thread (first touch: call it on the measuring thread).
  void prepare(std::size_t footprint_bytes, std::uint64_t seed);

  /// Lines in the cycle (footprint / 64); 0 before prepare().
  [[nodiscard]] std::size_t lines() const noexcept { return m_lines; }
  /// Bytes the chase spans: lines() * 64.
  [[nodiscard]] std::size_t footprint_bytes() const noexcept { return m_lines * line_bytes; }

  /// Follows `hops` dependent loads on the calling thread (16 loads per loop iteration so loop
  /// overhead stays off the dependency chain), starting where the previous run() ended (line 0
  /// after prepare()); returns wall seconds (steady_clock). Continuing around the cycle matters:
  /// samples shorter than a lap that restarted at line 0 would re-walk the same few thousand
  /// lines, which then sit in the caches and TLB, and a footprint far beyond the last-level
  /// cache would read as a cache latency. Latency per load = seconds / hops. Throws
  /// std::logic_error before prepare().
  double run(std::size_t hops);

  /// The line the next run() starts from.
  [[nodiscard]] std::size_t position() const noexcept;

  /// "" when correct: following lines() hops from the start returns to the start for the first
  /// time, having visited every line exactly once, and each pointer is a line start inside the
  /// buffer; else a one-line description of the first defect. The walk touches every line once
  /// in chase order: on the measuring thread it also warms the caches and TLB for run().
  [[nodiscard]] std::string verify() const;

  /// The buffer (lines() * 64 bytes, the pointers included), for tests and diagnostics.
  [[nodiscard]] std::span<std::byte> buffer_bytes() noexcept { return {m_buffer.data(), footprint_bytes()}; }

private:
  page_buffer m_buffer;
  std::size_t m_lines = 0;
  const void* m_cursor = nullptr;  ///< Where the next run() starts (a line start in m_buffer).
};

}  // namespace rafter::host

#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "microbench/cuda/device_buffer.hpp"
#include "microbench/cuda/gpu_session.hpp"
#include "microbench/cuda/kernels/stream_kernels.hpp"

namespace rafter::cuda {

/// Latency of one thread chasing a random single cycle through `footprint` bytes of 128-byte
/// lines; the line it ends on is checked against the host walk of the same cycle.
class chase_bench {
public:
  chase_bench(gpu_session& session, std::size_t footprint_bytes, std::uint64_t seed);

  /// One launch from where the previous one ended (line 0 at first): `warm` untimed hops (to fill
  /// the caches), then `hops` timed ones. Continuing around the cycle means a timed launch never
  /// revisits lines a previous launch just touched unless the whole footprint fits in a cache.
  [[nodiscard]] chase_result run(std::uint32_t warm, std::uint32_t hops);
  /// Empty when `result` (of the last run) ends on the line the host reaches after warm + hops
  /// hops from that run's start, and recorded a time.
  [[nodiscard]] std::string check(const chase_result& result, std::uint32_t warm, std::uint32_t hops) const;

  [[nodiscard]] std::size_t lines() const noexcept { return m_next.size(); }
  [[nodiscard]] std::size_t footprint_bytes() const noexcept;

private:
  gpu_session& m_session;
  std::vector<std::uint32_t> m_next;
  std::uint32_t m_position = 0;    ///< Where the next run starts.
  std::uint32_t m_last_start = 0;  ///< Where the last run started.
  device_buffer<std::uint32_t> m_lines;
  device_buffer<chase_result> m_result;
};

}  // namespace rafter::cuda

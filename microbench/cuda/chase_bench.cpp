#include "microbench/cuda/chase_bench.hpp"

#include <fmt/format.h>

#include "microbench/cuda/cuda_call.hpp"
#include "microbench/cuda/host_reference.hpp"
#include "microbench/cuda/kernel_counts.hpp"

namespace rafter::cuda {

chase_bench::chase_bench(gpu_session& session, std::size_t footprint_bytes, std::uint64_t seed)
    : m_session(session), m_next(make_chase_cycle(std::max<std::size_t>(2, footprint_bytes / chase_line_bytes), seed)) {
  m_lines = device_buffer<std::uint32_t>(m_next.size() * (chase_line_bytes / 4));
  m_lines.fill_bytes(0x5a);
  device_buffer<std::uint32_t> compact(m_next.size());
  compact.upload(m_next);
  m_session.run([&](cudaStream_t s) { return launch_chase_expand(compact.get(), m_lines.get(), m_next.size(), s); });
  m_result = device_buffer<chase_result>(1);
}

chase_result chase_bench::run(std::uint32_t warm, std::uint32_t hops) {
  m_last_start = m_position;
  m_session.run([&](cudaStream_t s) { return launch_chase(m_lines.get(), m_last_start, warm, hops, m_result.get(), s); });
  const chase_result result = m_result.download().front();
  m_position = result.end < m_next.size() ? result.end : 0;
  return result;
}

std::string chase_bench::check(const chase_result& result, std::uint32_t warm, std::uint32_t hops) const {
  const std::uint32_t expected = chase_end(m_next, m_last_start, std::uint64_t{warm} + hops);
  if (result.end != expected) {
    return fmt::format("chase of {} lines: ended on line {}, expected {} after {} hops", m_next.size(), result.end,
                       expected, std::uint64_t{warm} + hops);
  }
  if (result.cycles == 0 || result.nanoseconds == 0) return fmt::format("chase of {} lines: no time recorded", m_next.size());
  return {};
}

std::size_t chase_bench::footprint_bytes() const noexcept { return m_next.size() * chase_line_bytes; }

}  // namespace rafter::cuda

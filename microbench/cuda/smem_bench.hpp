#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "microbench/cuda/device_buffer.hpp"
#include "microbench/cuda/gpu_session.hpp"

namespace rafter::cuda {

/// Shared-memory read bandwidth: a full wave of blocks, each reading its own copy of a random
/// buffer with conflict-free 16-byte loads; every thread's lane sums are checked on the host.
class smem_bench {
public:
  smem_bench(gpu_session& session, std::uint64_t seed);

  [[nodiscard]] std::string run_and_check(int passes);
  [[nodiscard]] std::string check_output(int passes) const;
  [[nodiscard]] double time(int passes);

  [[nodiscard]] double bytes(int passes) const noexcept;
  [[nodiscard]] std::size_t threads() const noexcept { return m_threads; }

private:
  gpu_session& m_session;
  int m_blocks = 0;
  std::size_t m_threads = 0;
  std::vector<std::uint32_t> m_init;
  device_buffer<std::uint32_t> m_init_device;
  device_buffer<std::uint32_t> m_out;
};

}  // namespace rafter::cuda

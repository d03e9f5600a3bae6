#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "microbench/cuda/device_buffer.hpp"
#include "microbench/cuda/gpu_session.hpp"
#include "microbench/cuda/host_reference.hpp"

namespace rafter::cuda {

/// The wgmma instruction ceiling (sm_90a) of one input type: one warpgroup per block, a full wave
/// of blocks, m64n256 accumulators, A and B in shared memory. Each run ends with D = D0 + A*B^T.
class wgmma_bench {
public:
  /// Throws unsupported_error unless the device can run the sm_90a kernels.
  wgmma_bench(gpu_session& session, wgmma_op op, std::uint64_t seed);

  [[nodiscard]] std::string run_and_check(int outer);
  [[nodiscard]] std::string check_output(int outer) const;
  [[nodiscard]] double time(int outer);

  [[nodiscard]] double flop(int outer) const noexcept;
  [[nodiscard]] int blocks() const noexcept { return m_blocks; }

private:
  gpu_session& m_session;
  wgmma_op m_op;
  int m_blocks = 0;
  smem_tiles m_tiles;
  std::vector<float> m_d0;
  device_buffer<std::uint8_t> m_a;
  device_buffer<std::uint8_t> m_b;
  device_buffer<float> m_d0_device;
  device_buffer<float> m_out;
};

}  // namespace rafter::cuda

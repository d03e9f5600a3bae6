#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "microbench/cuda/device_buffer.hpp"
#include "microbench/cuda/gpu_session.hpp"
#include "microbench/cuda/host_reference.hpp"

namespace rafter::cuda {

/// The tcgen05.mma instruction ceiling (the sm_100 family, Thor) of one input type: one block on every
/// SM, holding its whole tensor memory (the 128 x 256 fp32 accumulator, and for fp4 the scale
/// factors, all 1.0), A and B in shared memory, one thread issuing the MMAs. Each run ends with
/// D = D0 + A*B^T.
class tcgen05_bench {
public:
  /// Throws unsupported_error unless the device can run the kernel of `op` (tcgen05_exists, and an
  /// image of it is in this build), one block per SM.
  tcgen05_bench(gpu_session& session, tcgen05_op op, std::uint64_t seed);

  [[nodiscard]] std::string run_and_check(int outer);
  [[nodiscard]] std::string check_output(int outer) const;
  [[nodiscard]] double time(int outer);

  [[nodiscard]] double flop(int outer) const noexcept;
  [[nodiscard]] int blocks() const noexcept { return m_blocks; }

private:
  cudaError_t launch(int outer, clock_probe* probe, cudaStream_t stream) const;

  gpu_session& m_session;
  tcgen05_op m_op;
  int m_blocks = 0;
  std::size_t m_padding = 0;
  std::uint32_t m_idesc_plus = 0;
  std::uint32_t m_idesc_minus = 0;
  smem_tiles m_tiles;
  std::vector<std::uint32_t> m_d0;  ///< D0 as 32-bit words: fp32, or int32 for int8.
  device_buffer<std::uint8_t> m_a;
  device_buffer<std::uint8_t> m_b;
  device_buffer<std::uint32_t> m_d0_device;
  device_buffer<std::uint32_t> m_out;
};

}  // namespace rafter::cuda

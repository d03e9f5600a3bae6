#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "microbench/cuda/device_buffer.hpp"
#include "microbench/cuda/gpu_session.hpp"
#include "microbench/cuda/host_reference.hpp"

namespace rafter::cuda {

/// The mma.sync instruction ceiling of one input type: every warp of a full wave keeps
/// mma_chains accumulator tiles busy with a random A, B tile. Each run ends with D = D0 + A*B
/// (the +B and -B steps cancel), checked element by element on the host.
class mma_bench {
public:
  /// Throws unsupported_error when the device's compute capability lacks the instruction or only
  /// emulates it (mma_is_emulated).
  mma_bench(gpu_session& session, mma_op op, std::uint64_t seed);

  [[nodiscard]] std::string run_and_check(int outer);
  /// Every accumulator element of every warp against D0 + A*B within mma_tolerance.
  [[nodiscard]] std::string check_output(int outer) const;
  [[nodiscard]] double time(int outer);

  [[nodiscard]] double flop(int outer) const noexcept;
  [[nodiscard]] std::size_t warps() const noexcept { return m_warps; }

private:
  gpu_session& m_session;
  mma_op m_op;
  int m_blocks = 0;
  std::size_t m_warps = 0;
  mma_tile m_tile;
  std::vector<std::uint32_t> m_d0;  ///< fp32 or int32 bits.
  device_buffer<std::uint32_t> m_fragments;
  device_buffer<std::uint32_t> m_d0_device;
  device_buffer<std::uint32_t> m_out;
};

}  // namespace rafter::cuda

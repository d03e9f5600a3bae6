#pragma once

#include <cstdint>
#include <string>

#include "microbench/cuda/device_buffer.hpp"
#include "microbench/cuda/gpu_session.hpp"
#include "microbench/cuda/host_reference.hpp"

namespace rafter::cuda {

/// The CUDA-core FMA ceiling of one operation on a full wave of blocks (every SM at the kernel's
/// occupancy), with random inputs and a host reference for every chain.
class core_bench {
public:
  core_bench(gpu_session& session, core_op op, std::uint64_t seed);

  /// Poisons the output, runs `outer` trips and checks the result (see check_output).
  [[nodiscard]] std::string run_and_check(int outer, std::size_t threads_to_check);
  /// Compares the output of the last run of `outer` trips with the host reference: every thread
  /// when `threads_to_check` is 0, else that many threads spread evenly over the grid. Empty when
  /// right, else the first mismatch in one line.
  [[nodiscard]] std::string check_output(int outer, std::size_t threads_to_check) const;
  /// Seconds (CUDA events) of one launch of `outer` trips; the probe records the SM clock.
  [[nodiscard]] double time(int outer);

  [[nodiscard]] double flop(int outer) const noexcept;
  [[nodiscard]] std::size_t threads() const noexcept { return m_threads; }
  [[nodiscard]] int blocks() const noexcept { return m_blocks; }

private:
  gpu_session& m_session;
  core_op m_op;
  int m_blocks = 0;
  std::size_t m_threads = 0;
  core_inputs m_inputs;
  device_buffer<unsigned char> m_in;
  device_buffer<unsigned char> m_out;
};

}  // namespace rafter::cuda

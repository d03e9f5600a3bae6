#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "microbench/cuda/device_buffer.hpp"
#include "microbench/cuda/gpu_session.hpp"
#include "microbench/cuda/kernel_catalog.hpp"
#include "microbench/cuda/kernels/stream_kernels.hpp"

namespace rafter::cuda {

/// One global-memory kernel (read, write, copy or triad) over arrays of `vectors` 16-byte vectors
/// of random data (never zeros), on a full wave of blocks. Inputs are generated from the seed by
/// position, so the host checks every output element without keeping a copy.
class stream_bench {
public:
  stream_bench(gpu_session& session, stream_op op, std::size_t vectors, load_path path, std::uint64_t seed);

  /// Poisons the output, runs once (`passes` passes for read, else 1) and checks every element.
  [[nodiscard]] std::string run_and_check(std::size_t passes);
  /// Checks the output of the last run: read, the lane sums of all threads against passes x the
  /// sums of the data; write, copy and triad, every element of the output array.
  [[nodiscard]] std::string check_output(std::size_t passes) const;
  /// Seconds (CUDA events) of one launch; with `cold`, L2 is flushed first (not timed).
  [[nodiscard]] double time(std::size_t passes, bool cold);
  /// Seconds (one pair of CUDA events) of `launches` back-to-back launches, so that the host's
  /// launch gaps between them are not timed; with `cold`, L2 is flushed before the first (not timed).
  [[nodiscard]] double time_launches(std::size_t passes, std::size_t launches, bool cold);

  [[nodiscard]] double bytes(std::size_t passes) const noexcept;
  [[nodiscard]] std::size_t vectors() const noexcept { return m_vectors; }
  [[nodiscard]] std::size_t working_set_bytes() const noexcept;

  /// The 32-bit word `word` (0..4*vectors-1) of the random input array `array` (0: a, 1: b, 2: c).
  [[nodiscard]] std::uint32_t input_word(int array, std::size_t word) const noexcept;

private:
  cudaError_t launch(std::size_t passes, cudaStream_t stream);
  void fill_input(device_buffer<std::uint32_t>& buffer, int array);

  gpu_session& m_session;
  stream_op m_op;
  load_path m_path;
  std::size_t m_vectors = 0;
  std::uint64_t m_seed = 0;
  int m_blocks = 0;
  float m_scalar = 0.0f;
  std::array<std::uint32_t, 4> m_sums{};  ///< Lane sums of array a (read).
  device_buffer<std::uint32_t> m_a, m_b, m_c;
  device_buffer<std::uint32_t> m_partial;
};

}  // namespace rafter::cuda

#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <cuda_runtime_api.h>

#include "microbench/cuda/device_buffer.hpp"
#include "microbench/cuda/stream_gate.hpp"

namespace rafter::cuda {

/// Peer-to-peer copies of `bytes` (a multiple of 16) of random data (link_pattern) from a buffer
/// on GPU `src` to one on GPU `dst` with cudaMemcpyPeerAsync (copy engine), peer access enabled
/// both ways. A write is issued on a stream of `src` (pushed), a read on a stream of `dst`
/// (pulled). The destination is cleared before a checked copy and compared word for word with the
/// pattern afterwards. Leaves `src` the current device; the caller restores its own.
class p2p_bench {
public:
  /// Throws unsupported_error when either GPU cannot access the other (cudaDeviceCanAccessPeer).
  p2p_bench(int src, int dst, std::size_t bytes, std::uint64_t seed);
  ~p2p_bench();
  p2p_bench(const p2p_bench&) = delete;
  p2p_bench& operator=(const p2p_bench&) = delete;

  [[nodiscard]] std::string run_and_check(bool read);
  [[nodiscard]] std::string check_output() const;
  /// Seconds (CUDA events on the issuing GPU's stream) of `repeats` back-to-back copies.
  [[nodiscard]] double time(bool read, int repeats);
  /// Seconds (CUDA events on GPU `src`'s stream) of `copies` back-to-back writes of `small_bytes`,
  /// queued behind a stream gate so that the host's time to queue them is not timed
  /// (stream_gate.hpp); std::nullopt when the gate timed out, or could not be made, when nothing
  /// is copied (the reason: gate_timeout_reason()). Checked either way: `mismatch` empty when the
  /// data arrived.
  [[nodiscard]] std::optional<double> small_copies(std::size_t small_bytes, int copies, std::string& mismatch);
  /// Why small_copies returned std::nullopt.
  [[nodiscard]] std::string gate_timeout_reason() const {
    return m_gate ? m_gate->timeout_reason() : "no stream gate could be made (" + m_no_gate + ")";
  }
  [[nodiscard]] double bytes(int repeats) const noexcept { return static_cast<double>(m_bytes) * repeats; }

private:
  void set_up();
  void release() noexcept;
  cudaError_t enqueue(bool read, int repeats, std::size_t bytes);
  double timed(bool read, int repeats, std::size_t bytes);

  int m_src = 0, m_dst = 0;
  std::size_t m_bytes = 0;
  std::uint64_t m_seed = 0;
  device_buffer<std::uint32_t> m_src_buffer, m_dst_buffer;
  cudaStream_t m_src_stream = nullptr, m_dst_stream = nullptr;
  cudaEvent_t m_start[2] = {nullptr, nullptr}, m_stop[2] = {nullptr, nullptr};
  std::optional<stream_gate> m_gate;  ///< On GPU `src`: holds its stream while small_copies queues.
  std::string m_no_gate;              ///< Why m_gate could not be made.
};

}  // namespace rafter::cuda

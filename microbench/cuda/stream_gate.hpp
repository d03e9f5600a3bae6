#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <cuda_runtime_api.h>

#include "microbench/cuda/kernels/gate_state.hpp"

namespace rafter::cuda {

/// Times work on a stream without the host's time to queue it, as p2pBandwidthLatencyTest and
/// nvbandwidth do: a gate kernel (launch_stream_gate) holds the stream while the host queues a
/// start event, the work and a stop event behind it, then the host opens the gate; the events
/// time the work alone, back to back on the device, however long each API call took. The gate
/// kernel gives up after `timeout_ns` of %globaltimer, so a gate the host never opens (the host
/// stalled, or took longer than that to queue the work) cannot hang the stream; such a time holds
/// host time and is refused. For streams of the device current at construction (its events are
/// that device's); the gate's words are portable mapped pinned host memory. Not thread-safe.
class stream_gate {
public:
  static constexpr std::uint64_t default_timeout_ns = 2'000'000'000;  ///< 2 s.

  /// Throws rafter::error (exit code 3) when a CUDA call fails.
  explicit stream_gate(std::uint64_t timeout_ns = default_timeout_ns);
  ~stream_gate();
  stream_gate(const stream_gate&) = delete;
  stream_gate& operator=(const stream_gate&) = delete;

  /// Closes the gate, queues the gate kernel, the start event, the work `enqueue` queues on
  /// `stream` (it returns the status of its calls) and the stop event; then opens the gate and
  /// waits for the stop event. Returns the seconds between the two events, or std::nullopt when
  /// the gate kernel had timed out (the interval then includes host time). Throws rafter::error
  /// (exit code 3) when a CUDA call, or `enqueue`, fails (rethrows what `enqueue` throws), the
  /// gate opened and the stream drained first, its pending error cleared.
  [[nodiscard]] std::optional<double> time(cudaStream_t stream,
                                          const std::function<cudaError_t(cudaStream_t)>& enqueue);

  /// Why time() returned std::nullopt, in words, naming the timeout.
  [[nodiscard]] std::string timeout_reason() const;
  [[nodiscard]] std::uint64_t timeout_ns() const noexcept { return m_timeout_ns; }

private:
  void release() noexcept;

  std::uint64_t m_timeout_ns = default_timeout_ns;
  gate_state* m_host = nullptr;    ///< cudaHostAlloc (mapped, portable).
  gate_state* m_device = nullptr;  ///< Its device pointer (cudaHostGetDevicePointer).
  cudaEvent_t m_start = nullptr, m_stop = nullptr;
};

/// Makes `gate` (a stream_gate on the current device), or returns why it could not: a CUDA call
/// failed, such as mapped pinned memory refused (its pending error cleared). Returns the empty
/// string when `gate` holds the new gate. Interruptions pass through.
[[nodiscard]] std::string try_make_stream_gate(std::optional<stream_gate>& gate);

}  // namespace rafter::cuda

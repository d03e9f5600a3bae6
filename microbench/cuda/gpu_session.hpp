#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include <cuda_runtime_api.h>

#include "microbench/cuda/device_buffer.hpp"
#include "microbench/cuda/kernels/clock_probe.hpp"

namespace rafter::cuda {

/// What the benchmarks size themselves from, read from the CUDA runtime.
struct device_facts {
  int index = 0;
  std::string name;
  int cc = 0;  ///< major * 10 + minor.
  int sms = 0;
  double l2_bytes = 0.0;
  double shared_memory_per_sm_bytes = 0.0;
  std::optional<double> max_sm_clock_hz;  ///< cudaDevAttrClockRate: the highest SM clock the driver reports.
  std::size_t free_bytes = 0;
  std::size_t total_bytes = 0;
  std::string pci_bus_id;
};

/// One GPU prepared for measuring: the device made current, a stream, two events, a buffer for
/// flushing L2 and a clock probe. Times work with CUDA events. Throws rafter::error (exit code 3)
/// on any CUDA failure.
class gpu_session {
public:
  explicit gpu_session(int device);
  ~gpu_session();
  gpu_session(const gpu_session&) = delete;
  gpu_session& operator=(const gpu_session&) = delete;

  [[nodiscard]] const device_facts& facts() const noexcept { return m_facts; }
  [[nodiscard]] cudaStream_t stream() const noexcept { return m_stream; }
  [[nodiscard]] clock_probe* probe() const noexcept { return m_probe.get(); }

  /// Seconds between an event recorded before and one after the work `launch` enqueues on
  /// stream() (launch returns the launch status). Synchronizes; throws on any CUDA error.
  [[nodiscard]] double time(const std::function<cudaError_t(cudaStream_t)>& launch);
  /// Runs `launch` and waits for it; throws on any CUDA error.
  void run(const std::function<cudaError_t(cudaStream_t)>& launch);
  /// Overwrites a buffer of twice the L2 size, then reads it (on stream(), not timed), so that the
  /// next kernel starts with nothing of its data in L2 and no dirty line to write back.
  void flush_l2();
  /// The SM clock the last probed kernel saw (clock64 cycles over %globaltimer ns), if any.
  [[nodiscard]] std::optional<double> probed_clock_hz() const;
  /// Clears the probe before a kernel that fills it.
  void reset_probe();

private:
  device_facts m_facts;
  cudaStream_t m_stream = nullptr;
  cudaEvent_t m_start = nullptr;
  cudaEvent_t m_stop = nullptr;
  [[nodiscard]] int flush_read_blocks() const noexcept;

  device_buffer<unsigned char> m_flush;
  device_buffer<unsigned char> m_flush_partial;  // the flush read's per-thread sums, never read
  device_buffer<clock_probe> m_probe;
  int m_flush_value = 1;
};

}  // namespace rafter::cuda

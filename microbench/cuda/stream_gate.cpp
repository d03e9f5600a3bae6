#include "microbench/cuda/stream_gate.hpp"

#include <atomic>

#include <fmt/format.h>

#include "core/error.hpp"
#include "microbench/cuda/cuda_call.hpp"
#include "microbench/cuda/kernels/link_kernels.hpp"

namespace rafter::cuda {

namespace {

/// The host's side of the words the gate kernel reads and writes over the bus.
void store(std::uint32_t& word, std::uint32_t value) noexcept {
  std::atomic_ref(word).store(value, std::memory_order_seq_cst);
}
std::uint32_t load(std::uint32_t& word) noexcept { return std::atomic_ref(word).load(std::memory_order_seq_cst); }

}  // namespace

stream_gate::stream_gate(std::uint64_t timeout_ns) : m_timeout_ns(timeout_ns) {
  try {
    RAFTER_CUDA_CALL(cudaHostAlloc(reinterpret_cast<void**>(&m_host), sizeof(gate_state),
                                   cudaHostAllocMapped | cudaHostAllocPortable));
    store(m_host->open, 1);
    store(m_host->timed_out, 0);
    RAFTER_CUDA_CALL(cudaHostGetDevicePointer(reinterpret_cast<void**>(&m_device), m_host, 0));
    RAFTER_CUDA_CALL(cudaEventCreate(&m_start));
    RAFTER_CUDA_CALL(cudaEventCreate(&m_stop));
  } catch (...) {
    release();
    throw;
  }
}

stream_gate::~stream_gate() { release(); }

void stream_gate::release() noexcept {
  if (m_stop) cudaEventDestroy(m_stop);
  if (m_start) cudaEventDestroy(m_start);
  if (m_host) {
    store(m_host->open, 1);  // a gate kernel still running (a failed wait) ends now
    cudaFreeHost(m_host);
  }
  m_stop = m_start = nullptr;
  m_host = m_device = nullptr;
}

std::optional<double> stream_gate::time(cudaStream_t stream, const std::function<cudaError_t(cudaStream_t)>& enqueue) {
  store(m_host->open, 0);
  store(m_host->timed_out, 0);
  if (const cudaError_t e = launch_stream_gate(m_device, m_timeout_ns, stream); e != cudaSuccess) {
    store(m_host->open, 1);
    throw_cuda_error(e, "launch_stream_gate(gate, timeout_ns, stream)", __FILE__, __LINE__);
  }
  // Opened whatever fails: the gate kernel never waits for its timeout, and it has ended (the
  // stream drained) before the next time() closes the gate again.
  const auto open_and_drain = [&] {
    store(m_host->open, 1);
    (void)cudaStreamSynchronize(stream);
    (void)cudaGetLastError();  // a non-sticky failure is reported here, not by the next call
  };
  cudaError_t queued = cudaEventRecord(m_start, stream);
  const char* failed = "cudaEventRecord(start, stream)";
  try {
    if (queued == cudaSuccess) {
      queued = enqueue(stream);
      failed = "the work queued behind the stream gate";
    }
  } catch (...) {
    open_and_drain();
    throw;
  }
  if (queued == cudaSuccess) {
    queued = cudaEventRecord(m_stop, stream);
    failed = "cudaEventRecord(stop, stream)";
  }
  if (queued != cudaSuccess) {
    open_and_drain();
    throw_cuda_error(queued, failed, __FILE__, __LINE__);
  }
  store(m_host->open, 1);
  RAFTER_CUDA_CALL(cudaEventSynchronize(m_stop));
  float ms = 0.0f;
  RAFTER_CUDA_CALL(cudaEventElapsedTime(&ms, m_start, m_stop));
  if (load(m_host->timed_out) != 0) return std::nullopt;
  return static_cast<double>(ms) * 1e-3;
}

std::string try_make_stream_gate(std::optional<stream_gate>& gate) {
  try {
    gate.emplace();
    return {};
  } catch (const error& e) {
    if (e.code() == exit_code::interrupted) throw;
    (void)cudaGetLastError();
    gate.reset();
    return e.what();
  }
}

std::string stream_gate::timeout_reason() const {
  return fmt::format("the stream gate opened on its {:g} s timeout before the host had queued the timed work, so the "
                     "events would have timed the host's queuing too",
                     static_cast<double>(m_timeout_ns) * 1e-9);
}

}  // namespace rafter::cuda

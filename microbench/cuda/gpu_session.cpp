#include "microbench/cuda/gpu_session.hpp"

#include <algorithm>

#include "microbench/cuda/cuda_call.hpp"
#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/kernels/stream_kernels.hpp"

namespace rafter::cuda {

gpu_session::gpu_session(int device) {
  RAFTER_CUDA_CALL(cudaSetDevice(device));
  cudaDeviceProp prop{};
  RAFTER_CUDA_CALL(cudaGetDeviceProperties(&prop, device));
  m_facts.index = device;
  m_facts.name = prop.name;
  m_facts.cc = prop.major * 10 + prop.minor;
  m_facts.sms = prop.multiProcessorCount;
  int value = 0;
  RAFTER_CUDA_CALL(cudaDeviceGetAttribute(&value, cudaDevAttrL2CacheSize, device));
  m_facts.l2_bytes = value;
  RAFTER_CUDA_CALL(cudaDeviceGetAttribute(&value, cudaDevAttrMaxSharedMemoryPerMultiprocessor, device));
  m_facts.shared_memory_per_sm_bytes = value;
  // The clock and the PCI bus id are optional: a failure leaves them unset.
  if (succeeded_else_cleared(cudaDeviceGetAttribute(&value, cudaDevAttrClockRate, device)) && value > 0) {
    m_facts.max_sm_clock_hz = value * 1e3;
  }
  RAFTER_CUDA_CALL(cudaMemGetInfo(&m_facts.free_bytes, &m_facts.total_bytes));
  char bus[32] = {};
  if (succeeded_else_cleared(cudaDeviceGetPCIBusId(bus, sizeof bus, device))) m_facts.pci_bus_id = bus;

  // A blocking stream: ordered after legacy-stream work (cudaMemset, pageable cudaMemcpy) that
  // prepares inputs and poisons outputs.
  RAFTER_CUDA_CALL(cudaStreamCreate(&m_stream));
  RAFTER_CUDA_CALL(cudaEventCreate(&m_start));
  RAFTER_CUDA_CALL(cudaEventCreate(&m_stop));
  m_flush = device_buffer<unsigned char>(static_cast<std::size_t>(std::max(m_facts.l2_bytes, 1e6) * 2));
  m_flush_partial = device_buffer<unsigned char>(static_cast<std::size_t>(flush_read_blocks()) * stream_threads_per_block * 16);
  m_probe = device_buffer<clock_probe>(1);
  reset_probe();
}

gpu_session::~gpu_session() {
  if (m_start) cudaEventDestroy(m_start);
  if (m_stop) cudaEventDestroy(m_stop);
  if (m_stream) cudaStreamDestroy(m_stream);
}

double gpu_session::time(const std::function<cudaError_t(cudaStream_t)>& launch) {
  RAFTER_CUDA_CALL(cudaEventRecord(m_start, m_stream));
  RAFTER_CUDA_CALL(launch(m_stream));
  RAFTER_CUDA_CALL(cudaEventRecord(m_stop, m_stream));
  RAFTER_CUDA_CALL(cudaEventSynchronize(m_stop));
  float ms = 0.0f;
  RAFTER_CUDA_CALL(cudaEventElapsedTime(&ms, m_start, m_stop));
  return static_cast<double>(ms) * 1e-3;
}

void gpu_session::run(const std::function<cudaError_t(cudaStream_t)>& launch) {
  RAFTER_CUDA_CALL(launch(m_stream));
  RAFTER_CUDA_CALL(cudaStreamSynchronize(m_stream));
}

void gpu_session::flush_l2() {
  m_flush_value = m_flush_value % 250 + 1;
  RAFTER_CUDA_CALL(cudaMemsetAsync(m_flush.get(), m_flush_value, m_flush.bytes(), m_stream));
  // Then read it all: the written lines are written back now, not by the next (timed) kernel's
  // evictions, and L2 is left holding clean lines of the flush buffer only.
  RAFTER_CUDA_CALL(launch_stream_read(load_path::cached, flush_read_blocks(), m_flush.get(), m_flush.bytes() / stream_vector_bytes,
                                      1, m_flush_partial.get(), m_stream));
}

int gpu_session::flush_read_blocks() const noexcept { return std::max(m_facts.sms, 1) * 4; }

std::optional<double> gpu_session::probed_clock_hz() const {
  clock_probe p;
  RAFTER_CUDA_CALL(cudaMemcpy(&p, m_probe.get(), sizeof p, cudaMemcpyDeviceToHost));
  if (p.end_cycles <= p.start_cycles || p.end_ns <= p.start_ns) return std::nullopt;
  return clock_hz_from_probe(p.end_cycles - p.start_cycles, p.end_ns - p.start_ns);
}

void gpu_session::reset_probe() { m_probe.fill_bytes(0); }

}  // namespace rafter::cuda

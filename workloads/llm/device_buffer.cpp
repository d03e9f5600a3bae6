#include "workloads/llm/device_buffer.hpp"

#include <utility>

#include <cuda_runtime_api.h>

#include "core/error.hpp"
#include "core/units.hpp"
#include "microbench/cuda/cuda_call.hpp"

namespace rafter::llm {

device_buffer::device_buffer(std::size_t bytes) : m_bytes(bytes) {
  if (bytes == 0) return;
  const cudaError_t status = cudaMalloc(&m_ptr, bytes);
  if (status != cudaSuccess) {
    m_ptr = nullptr;
    cudaGetLastError();
    throw error(exit_code::unsupported,
                "cannot allocate " + format_si(static_cast<double>(bytes), "B") + " of GPU memory: " +
                    cuda::describe_cuda_error(status, "cudaMalloc(&m_ptr, bytes)", __FILE__, __LINE__));
  }
}

device_buffer::~device_buffer() {
  if (m_ptr != nullptr) cudaFree(m_ptr);
}

device_buffer::device_buffer(device_buffer&& other) noexcept
    : m_ptr(std::exchange(other.m_ptr, nullptr)), m_bytes(std::exchange(other.m_bytes, 0)) {}

device_buffer& device_buffer::operator=(device_buffer&& other) noexcept {
  if (this != &other) {
    if (m_ptr != nullptr) cudaFree(m_ptr);
    m_ptr = std::exchange(other.m_ptr, nullptr);
    m_bytes = std::exchange(other.m_bytes, 0);
  }
  return *this;
}

}  // namespace rafter::llm

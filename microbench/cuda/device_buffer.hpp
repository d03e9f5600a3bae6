#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include <cuda_runtime_api.h>

#include "microbench/cuda/cuda_call.hpp"

namespace rafter::cuda {

/// Owns `count` elements of device memory (cudaMalloc). Move-only.
template <typename T>
class device_buffer {
public:
  device_buffer() = default;
  explicit device_buffer(std::size_t count) : m_count(count) {
    if (count > 0) RAFTER_CUDA_CALL(cudaMalloc(reinterpret_cast<void**>(&m_data), count * sizeof(T)));
  }
  ~device_buffer() {
    if (m_data != nullptr) cudaFree(m_data);
  }
  device_buffer(device_buffer&& other) noexcept : m_data(other.m_data), m_count(other.m_count) {
    other.m_data = nullptr;
    other.m_count = 0;
  }
  device_buffer& operator=(device_buffer&& other) noexcept {
    if (this != &other) {
      if (m_data != nullptr) cudaFree(m_data);
      m_data = other.m_data;
      m_count = other.m_count;
      other.m_data = nullptr;
      other.m_count = 0;
    }
    return *this;
  }
  device_buffer(const device_buffer&) = delete;
  device_buffer& operator=(const device_buffer&) = delete;

  [[nodiscard]] T* get() const noexcept { return m_data; }
  [[nodiscard]] std::size_t size() const noexcept { return m_count; }
  [[nodiscard]] std::size_t bytes() const noexcept { return m_count * sizeof(T); }

  /// Copies `host` in and waits until the data is in device memory: a pageable cudaMemcpy may
  /// return before its DMA lands, and kernels on a non-blocking stream are not ordered after it.
  void upload(const std::vector<T>& host) {
    RAFTER_CUDA_CALL(cudaMemcpy(m_data, host.data(), std::min(host.size(), m_count) * sizeof(T), cudaMemcpyHostToDevice));
    RAFTER_CUDA_CALL(cudaDeviceSynchronize());
  }
  [[nodiscard]] std::vector<T> download() const {
    std::vector<T> host(m_count);
    if (m_count > 0) RAFTER_CUDA_CALL(cudaMemcpy(host.data(), m_data, m_count * sizeof(T), cudaMemcpyDeviceToHost));
    return host;
  }
  /// Fills every byte with `value` (a poison pattern before a kernel writes the buffer) and waits
  /// for it: cudaMemset is asynchronous and on the legacy stream.
  void fill_bytes(int value) {
    if (m_count > 0) RAFTER_CUDA_CALL(cudaMemset(m_data, value, m_count * sizeof(T)));
    RAFTER_CUDA_CALL(cudaDeviceSynchronize());
  }

private:
  T* m_data = nullptr;
  std::size_t m_count = 0;
};

}  // namespace rafter::cuda

#pragma once

#include <cstddef>

namespace rafter::llm {

/// Owns one cudaMalloc allocation of `bytes` bytes (none when zero); move-only. Construction
/// throws `rafter::error` (exit code 3) naming the size when the allocation fails.
class device_buffer {
public:
  device_buffer() = default;
  explicit device_buffer(std::size_t bytes);
  ~device_buffer();
  device_buffer(device_buffer&& other) noexcept;
  device_buffer& operator=(device_buffer&& other) noexcept;
  device_buffer(const device_buffer&) = delete;
  device_buffer& operator=(const device_buffer&) = delete;

  [[nodiscard]] std::size_t bytes() const { return m_bytes; }
  template <typename T>
  [[nodiscard]] T* as() const {
    return static_cast<T*>(m_ptr);
  }

private:
  void* m_ptr = nullptr;
  std::size_t m_bytes = 0;
};

}  // namespace rafter::llm

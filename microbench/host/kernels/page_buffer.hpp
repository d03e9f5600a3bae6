#pragma once

#include <cstddef>
#include <span>

namespace rafter::host {

/// Anonymous memory for benchmark arrays: page-aligned (hence 64-byte aligned); buffers of at least
/// one huge page (2 MiB) are 2 MiB-aligned and advised MADV_HUGEPAGE so transparent huge pages back
/// them. Pages are not touched here: the first write decides their NUMA node, so write them from the
/// thread that will use them. Move-only.
class page_buffer {
public:
  static constexpr std::size_t huge_page_bytes = std::size_t{2} << 20;

  page_buffer() noexcept = default;
  /// Maps `bytes` (> 0) bytes; throws std::bad_alloc when the mapping fails.
  explicit page_buffer(std::size_t bytes);
  ~page_buffer();
  page_buffer(page_buffer&& other) noexcept;
  page_buffer& operator=(page_buffer&& other) noexcept;
  page_buffer(const page_buffer&) = delete;
  page_buffer& operator=(const page_buffer&) = delete;

  [[nodiscard]] std::byte* data() const noexcept { return m_data; }
  [[nodiscard]] std::size_t size() const noexcept { return m_size; }
  [[nodiscard]] std::span<std::byte> bytes() const noexcept { return {m_data, m_size}; }
  /// Whether MADV_HUGEPAGE was requested (and accepted) for the buffer.
  [[nodiscard]] bool huge_page_advised() const noexcept { return m_huge; }

private:
  void release() noexcept;

  std::byte* m_data = nullptr;
  std::size_t m_size = 0;
  void* m_mapping = nullptr;     ///< What mmap returned (before alignment).
  std::size_t m_mapped = 0;      ///< Its length.
  bool m_huge = false;
};

}  // namespace rafter::host

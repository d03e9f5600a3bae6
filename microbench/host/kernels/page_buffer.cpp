#include "microbench/host/kernels/page_buffer.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <new>
#include <utility>

namespace rafter::host {

page_buffer::page_buffer(std::size_t bytes) {
  if (bytes == 0) throw std::bad_alloc();
  const bool huge = bytes >= huge_page_bytes;
  // Huge: whole huge pages plus one more of slack for the 2 MiB alignment.
  const std::size_t rounded = huge ? (bytes + huge_page_bytes - 1) & ~(huge_page_bytes - 1) : bytes;
  const std::size_t length = huge ? rounded + huge_page_bytes : bytes;
  void* mapping = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) throw std::bad_alloc();
  m_mapping = mapping;
  m_mapped = length;
  auto address = reinterpret_cast<std::uintptr_t>(mapping);
  if (huge) address = (address + huge_page_bytes - 1) & ~(huge_page_bytes - 1);
  m_data = reinterpret_cast<std::byte*>(address);
  m_size = bytes;
#ifdef MADV_HUGEPAGE
  if (huge) m_huge = madvise(m_data, rounded, MADV_HUGEPAGE) == 0;
#endif
}

page_buffer::~page_buffer() { release(); }

page_buffer::page_buffer(page_buffer&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)),
      m_size(std::exchange(other.m_size, 0)),
      m_mapping(std::exchange(other.m_mapping, nullptr)),
      m_mapped(std::exchange(other.m_mapped, 0)),
      m_huge(std::exchange(other.m_huge, false)) {}

page_buffer& page_buffer::operator=(page_buffer&& other) noexcept {
  if (this != &other) {
    release();
    m_data = std::exchange(other.m_data, nullptr);
    m_size = std::exchange(other.m_size, 0);
    m_mapping = std::exchange(other.m_mapping, nullptr);
    m_mapped = std::exchange(other.m_mapped, 0);
    m_huge = std::exchange(other.m_huge, false);
  }
  return *this;
}

void page_buffer::release() noexcept {
  if (m_mapping != nullptr) munmap(m_mapping, m_mapped);
  m_mapping = nullptr;
  m_mapped = 0;
  m_data = nullptr;
  m_size = 0;
  m_huge = false;
}

}  // namespace rafter::host

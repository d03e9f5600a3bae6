#pragma once

#include <cstddef>
#include <cstdint>

#include "profiler/activity_source.hpp"

namespace rafter::profiler {

/// Walks a buffer CUPTI completed (or one laid out the same way) with `cuptiActivityGetNextRecord`.
/// Stops at the end of the valid bytes; any other CUPTI status ends the walk and is remembered.
class cupti_buffer_source final : public activity_source {
public:
  cupti_buffer_source(std::uint8_t* buffer, std::size_t valid_bytes) : m_buffer(buffer), m_valid_bytes(valid_bytes) {}
  [[nodiscard]] const CUpti_Activity* next() override;
  /// CUPTI_SUCCESS, or the status (other than "end of buffer") that stopped the walk early.
  [[nodiscard]] CUptiResult status() const noexcept { return m_status; }

private:
  std::uint8_t* m_buffer;
  std::size_t m_valid_bytes;
  CUpti_Activity* m_record = nullptr;
  bool m_done = false;
  CUptiResult m_status = CUPTI_SUCCESS;
};

}  // namespace rafter::profiler

#include "profiler/cupti_buffer_source.hpp"

namespace rafter::profiler {

const CUpti_Activity* cupti_buffer_source::next() {
  if (m_done || m_buffer == nullptr || m_valid_bytes == 0) return nullptr;
  const CUptiResult status = cuptiActivityGetNextRecord(m_buffer, m_valid_bytes, &m_record);
  if (status == CUPTI_SUCCESS) return m_record;
  m_done = true;
  if (status != CUPTI_ERROR_MAX_LIMIT_REACHED) m_status = status;  // MAX_LIMIT_REACHED: end of buffer
  return nullptr;
}

}  // namespace rafter::profiler

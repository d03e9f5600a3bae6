#pragma once

#include <cupti_activity.h>

namespace rafter::profiler {

/// The records of one completed activity buffer, in the order CUPTI wrote them. The narrow
/// boundary between CUPTI and the record-decoding code: the collector walks real buffers with
/// `cupti_buffer_source`; tests hand the decoder buffers they built by hand.
class activity_source {
public:
  virtual ~activity_source() = default;
  /// The next record, or nullptr after the last one. A record stays valid until the buffer is
  /// released; strings it points to (kernel names) belong to CUPTI and must be copied.
  [[nodiscard]] virtual const CUpti_Activity* next() = 0;
};

}  // namespace rafter::profiler

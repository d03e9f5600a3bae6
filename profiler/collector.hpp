#pragma once

#include "core/trace.hpp"
#include "profiler/collector_config.hpp"

#define RAFTER_COLLECTOR_API __attribute__((visibility("default")))

namespace rafter {

/// In-process API of rafter's CUPTI collector, for programs that bracket a region themselves
/// (link librafter_inject.so). There is one collection per process (CUPTI allows one activity
/// subscriber); every `collector` is a handle on it, and the first successful `start()` fixes its
/// configuration. The same collection runs when the library is injected through
/// CUDA_INJECTION64_PATH (`rafter trace`).
///
/// A CUPTI failure never reaches the program: `start()` prints one warning and returns false, and
/// the trace written later says why it is empty.
class RAFTER_COLLECTOR_API collector {
public:
  explicit collector(profiler::collector_config config);
  /// Configured from the RAFTER_TRACE_* environment variables (collector_config.hpp).
  collector();

  /// Enables activity tracing. Call before the region to measure: CUPTI instruments kernels when
  /// their module loads, so start before loading the code to measure. True when tracing.
  bool start();
  /// Disables tracing, flushes CUPTI's buffers and writes the trace to `config.output`.
  void stop();
  /// Flushes CUPTI's buffers and writes the trace so far; tracing continues.
  void flush();
  /// The trace so far (after flushing CUPTI's buffers), without writing it.
  [[nodiscard]] trace snapshot();

private:
  profiler::collector_config m_config;
};

}  // namespace rafter

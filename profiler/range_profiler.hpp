#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <cuda.h>

#include "profiler/metric_set.hpp"

struct CUpti_Profiler_Host_Object;
struct CUpti_RangeProfiler_Object;

namespace rafter::profiler {

/// Per-kernel counters through the CUPTI Range Profiler (cupti_range_profiler.h, CUDA 12.6+):
/// auto range and kernel replay, one range per selected launch. CUPTI replays the kernel inside
/// its launch call as many times as the metric set needs passes, saving and restoring the memory
/// it writes, so counters are exact per launch but the launch is serialized and slower.
///
/// UNVERIFIED: compiled against the CUDA 13.0 headers, never run on a GPU yet.
/// Every CUPTI failure throws `rafter::error` (RAFTER_CUPTI_CALL); the collector turns it into one
/// warning and traces on without counters. Not thread-safe: the collector holds a lock from
/// `begin_kernel` to `end_kernel`.
class range_profiler {
public:
  explicit range_profiler(metric_set metrics);
  ~range_profiler();
  range_profiler(const range_profiler&) = delete;
  range_profiler& operator=(const range_profiler&) = delete;

  /// Before a selected launch in `ctx` (the launching thread's current context): prepares the
  /// context on first use (chip, config image, counter data image) and starts a session.
  void begin_kernel(CUcontext ctx);
  /// After that launch returned: stops the session and evaluates the one range it recorded.
  /// Returns metric name -> value, in each counter's own unit.
  [[nodiscard]] std::map<std::string, double> end_kernel(CUcontext ctx);
  /// The chip of a prepared context ("GH100"); empty for a context never prepared.
  [[nodiscard]] std::string chip(CUcontext ctx) const;
  /// Releases what `ctx` holds (called when the context is being destroyed).
  void release_context(CUcontext ctx) noexcept;

  /// Metrics of the set the chip does not expose, dropped (for the trace's warnings).
  [[nodiscard]] const std::vector<std::string>& dropped_metrics() const noexcept { return m_dropped; }
  /// Replay passes the last prepared configuration needs per kernel.
  [[nodiscard]] std::size_t passes() const noexcept { return m_passes; }

private:
  struct context_state {
    std::string chip;
    CUpti_Profiler_Host_Object* host = nullptr;
    CUpti_RangeProfiler_Object* object = nullptr;
    std::vector<std::string> metric_names;
    std::vector<std::uint8_t> config_image;
    std::vector<std::uint8_t> counter_data;
  };

  context_state& prepare(CUcontext ctx);
  void reset_counter_data(context_state& state);
  static void release(context_state& state) noexcept;

  metric_set m_metrics;
  bool m_profiler_initialized = false;
  std::map<CUcontext, std::unique_ptr<context_state>> m_contexts;
  std::vector<std::string> m_dropped;
  std::size_t m_passes = 0;
};

}  // namespace rafter::profiler

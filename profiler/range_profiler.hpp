#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <cuda.h>
#include <cupti_profiler_target.h>

#include "profiler/counter_configuration.hpp"
#include "profiler/metric_set.hpp"

struct CUpti_RangeProfiler_Object;

namespace rafter::profiler {

/// Per-kernel counters through the CUPTI Range Profiler (cupti_range_profiler.h, CUDA 12.6+):
/// auto range and kernel replay, one range per selected launch. CUPTI replays the kernel inside
/// its launch call as many times as the metric set needs passes, saving and restoring the memory
/// it writes, so counters are exact per launch but the launch is serialized and slower.
///
/// Per context, once: chip, counter availability and its `counter_configuration` (the metrics the
/// chip accepts, host object, config image). Per selected launch,
/// the whole Range Profiler cycle on a fresh object: Enable, counter data image, SetConfig, Start
/// (`begin_kernel`); Stop, Decode, evaluate, Disable (`end_kernel`). Nothing stays enabled between
/// selected launches, so other launches are never serialized, and no Range Profiler object is ever
/// configured twice (CUDA 13 has no UnsetConfig; NVIDIA's samples call SetConfig once per Enable).
/// The cost is one Enable/Disable per selected launch (milliseconds, small beside the replay).
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

  /// Initializes CUPTI's profiler API (idempotent). Called when a context is created, before its
  /// modules load, as NVIDIA's injection sample does; `begin_kernel` calls it too.
  void initialize();
  /// Before a selected launch in `ctx` (the launching thread's current context): prepares the
  /// context on first use (chip, config image), then enables the Range Profiler on it, sets its
  /// configuration and starts a session. On a failure nothing stays enabled on `ctx`.
  void begin_kernel(CUcontext ctx);
  /// After that launch returned: stops the session, decodes and evaluates the one range it
  /// recorded, and disables the Range Profiler on `ctx` (also when this throws), so the next
  /// `begin_kernel` starts afresh. Returns metric name -> value, in each counter's own unit; no
  /// value (nullopt) when the range was dropped or not recorded (`one_range_recorded`) or replay
  /// did not submit every pass (a failed launch): that
  /// launch has no counters, never an empty or partial set. A failure to disable after the values
  /// were evaluated does not lose them (the next Enable on `ctx` reports it).
  [[nodiscard]] std::optional<std::map<std::string, double>> end_kernel(CUcontext ctx);
  /// The chip of a prepared context ("GH100"); empty for a context never prepared.
  [[nodiscard]] std::string chip(CUcontext ctx) const;
  /// Releases what `ctx` holds (called when the context is being destroyed).
  void release_context(CUcontext ctx) noexcept;
  /// Drops what `ctx` holds without a CUPTI call on it: the context was destroyed already (while a
  /// replay elsewhere held the collector's lock). A Range Profiler object it had is abandoned.
  void forget_context(CUcontext ctx) noexcept;
  /// Releases every context (the selection is exhausted or counters stopped): nothing stays
  /// enabled and every host object is freed. A later `begin_kernel` would prepare afresh.
  void release_all() noexcept;

  /// Metrics of the set a chip rejected, dropped (for the trace's warnings).
  [[nodiscard]] const std::vector<std::string>& dropped_metrics() const noexcept { return m_dropped; }
  /// Replay passes the last prepared configuration needs per kernel.
  [[nodiscard]] std::size_t passes() const noexcept { return m_passes; }

  /// True when a decoded session holds the one range of its launch: no range dropped
  /// (`cuptiRangeProfilerDecodeData`'s numOfRangeDropped) and exactly one range in the counter
  /// data image (`cuptiRangeProfilerGetCounterDataInfo`'s numTotalRanges).
  [[nodiscard]] static bool one_range_recorded(std::size_t ranges_dropped, std::size_t ranges_in_image) noexcept;
  /// metric name -> value for the finite values only: a NaN or infinite evaluation (a ratio over
  /// a zero duration) is left out, so the kernel's key that needs it is absent, never non-finite.
  [[nodiscard]] static std::map<std::string, double> finite_values(const std::vector<std::string>& names,
                                                                   const std::vector<double>& values);
  /// Why cuptiProfilerDeviceSupported refused a device ("vGPU: disabled by the system; WSL:
  /// unsupported"), from its per-feature levels; empty when every level is SUPPORTED.
  [[nodiscard]] static std::string unsupported_features(const CUpti_Profiler_DeviceSupported_Params& support);

private:
  struct context_state {
    std::unique_ptr<counter_configuration> config;
    std::vector<std::uint8_t> counter_data;
    /// Non-null only from `begin_kernel` to `end_kernel` of one selected launch.
    CUpti_RangeProfiler_Object* object = nullptr;
  };

  context_state& prepare(CUcontext ctx);
  static void enable_and_start(CUcontext ctx, context_state& state);
  [[nodiscard]] static std::optional<std::map<std::string, double>> stop_and_evaluate(context_state& state);
  static void disable(context_state& state) noexcept;
  static void release(context_state& state) noexcept;

  metric_set m_metrics;
  bool m_profiler_initialized = false;
  std::map<CUcontext, std::unique_ptr<context_state>> m_contexts;
  std::vector<std::string> m_dropped;
  std::size_t m_passes = 0;
};

}  // namespace rafter::profiler

#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/trace.hpp"
#include "profiler/activity_source.hpp"
#include "profiler/cupti_record_versions.hpp"

namespace rafter::profiler {

/// Turns CUPTI activity records into the records of a `rafter.trace/1`: concurrent kernels,
/// memcpy and memset (copies), NVTX markers (ranges), devices; counts what it cannot write
/// (overhead, synchronization and external-correlation records, records with invalid timestamps,
/// records CUPTI dropped) into `source.counters` and explains them in `source.warnings`.
///
/// Runtime and driver API records (CUpti_ActivityAPI) are not written: a launch call's thread and
/// start become the `launch` of the kernel records with its correlation id, whichever of the two
/// arrives first (they come in different buffers). Only launch calls are kept, each until a kernel
/// joins it (a graph launch's until the trace is built: all its kernels share its id), and a kernel
/// waits only for its own call, so a million launches cost no more than the kernels themselves.
/// Launch calls no kernel joined by the time the trace is built (a launch into a stream being
/// captured, a failed launch) are counted (`launch_calls_without_kernel`).
///
/// NVTX ranges: a start and its end join by marker id in either order (a range ended on another
/// thread than it started on comes in another buffer); the range belongs to the starting thread.
///
/// Timestamps are CUPTI's nanoseconds, written as they are. A timed record is written only when
/// `start > 0` and `end >= start`; others are counted (`invalid_timestamps.<kind>`), never written.
/// `Versions` names the record structs (cupti_record_versions.hpp); the collector uses
/// `current_record_versions`. Not thread-safe: the collector serializes calls.
template <class Versions>
class basic_activity_decoder {
public:
  /// Decodes every record `source` yields.
  void decode(activity_source& source);
  /// Decodes one record. Kinds the collector does not enable are counted (`unhandled_records`).
  void add(const CUpti_Activity& record);
  /// Records CUPTI reported as dropped (cuptiActivityGetNumDroppedRecords) for one buffer.
  void add_dropped_records(std::uint64_t count);
  /// Counters of one kernel launch, joined in `build()` to the kernel record with this
  /// correlation id (the driver launch call's) or one of `aliases` (the runtime launch calls around
  /// it: CUPTI gives a kernel record the id of "the driver or runtime API" call that launched it).
  /// Correlation ids are unique across both APIs, so an alias never names another launch.
  void add_kernel_metrics(std::uint32_t correlation_id, kernel_metrics metrics,
                          const std::vector<std::uint32_t>& aliases = {});
  /// A selected launch whose counters were lost (the Range Profiler dropped or did not record its
  /// range): it gets no metrics object; counted (`selected_kernels_without_counters`) and warned.
  void add_kernel_without_counters();
  /// Adds `count` to the named counter of `source.counters`.
  void count(const std::string& counter, std::int64_t count);

  /// The trace of every record decoded so far (the decoder keeps its state, so it can be built
  /// again after more records). Kernels, copies and ranges are ordered by start time and numbered
  /// from 1; ranges get their nesting depth per thread; every device a record names is listed.
  ///
  /// Counters join the one kernel record of their correlation id. Should kernel replay leave
  /// several records of a profiled launch (one per pass; CUPTI's documentation does not say it
  /// never does), records identical but for their times are one launch: the earliest is kept, the
  /// others are counted (`replay_duplicate_kernel_records`), not written. Different records under
  /// one profiled correlation id get no counters (`metrics_with_ambiguous_kernel`).
  [[nodiscard]] trace build() const;

  [[nodiscard]] std::int64_t counter(const std::string& name) const;
  [[nodiscard]] std::size_t kernel_count() const noexcept { return m_kernels.size(); }

private:
  struct open_marker {
    std::string name;
    std::string domain;
    std::int64_t thread = -1;
    std::int64_t start_ns = 0;
  };

  void add_kernel(const typename Versions::kernel& r);
  void add_memcpy(const typename Versions::memcpy& r);
  void add_memcpy_peer(const typename Versions::memcpy_peer& r);
  void add_memset(const typename Versions::memset& r);
  void add_marker(const typename Versions::marker& r);
  /// Writes the range `start` opened, ending at `end_ns` (invalid intervals counted, not written).
  void close_marker(open_marker start, std::int64_t end_ns);
  void add_overhead(const typename Versions::overhead& r);
  void add_device(const typename Versions::device& r);
  void add_synchronization(const typename Versions::synchronization& r);
  void add_api(const typename Versions::api& r);
  bool valid_interval(std::uint64_t start, std::uint64_t end, const char* kind);

  std::vector<trace_kernel> m_kernels;
  std::vector<trace_copy> m_copies;
  std::vector<trace_range> m_ranges;
  std::map<int, trace_device> m_devices;
  std::unordered_map<std::uint32_t, open_marker> m_open_markers;
  // Range ends decoded before their start (marker id -> end timestamp, ns): a range started on one
  // thread and ended on another has its two records in different per-thread buffers, which CUPTI
  // delivers in either order.
  std::unordered_map<std::uint32_t, std::int64_t> m_early_marker_ends;
  std::unordered_map<std::uint32_t, kernel_metrics> m_metrics;       // correlation id -> counters
  std::unordered_map<std::uint32_t, std::uint32_t> m_metric_aliases;  // runtime id -> key of m_metrics
  struct launch_call {
    kernel_launch launch;
    bool graph = false;  // a graph launch: every kernel of the graph carries its correlation id
  };
  std::unordered_map<std::uint32_t, launch_call> m_launch_calls;  // correlation id -> launch call not yet joined
  std::unordered_multimap<std::uint32_t, std::size_t> m_kernels_without_call;  // correlation id -> m_kernels index
  // Correlation ids of kernel records skipped for invalid timestamps: their launch calls, whichever
  // comes first, are dropped rather than kept waiting for a kernel that will never be written.
  std::unordered_set<std::uint32_t> m_skipped_kernels;
  // Per CUPTI thread id: (start, correlation id) of the latest driver launch calls no kernel joined.
  std::unordered_map<std::int64_t, std::deque<std::pair<std::int64_t, std::uint32_t>>> m_recent_driver_calls;
  std::map<std::string, std::int64_t> m_counters;
};

using activity_decoder = basic_activity_decoder<current_record_versions>;

/// The CUDA runtime API calls whose RUNTIME records the decoder keeps: kernel and graph launches.
/// The collector asks CUPTI for records of these calls alone (cuptiActivityEnableRuntimeApi), not
/// of every runtime call.
[[nodiscard]] std::span<const CUpti_CallbackId> runtime_launch_calls() noexcept;

/// The CUDA driver API calls whose DRIVER records the collector asks for: the kernel launches a
/// program makes through the driver API (Triton, CUTLASS's Python launcher). A driver call a
/// runtime launch makes on the way, should CUPTI record it, is dropped once that runtime call's
/// record comes (same thread, within its interval; `driver_calls_inside_runtime_launches`).
[[nodiscard]] std::span<const CUpti_CallbackId> driver_launch_calls() noexcept;

}  // namespace rafter::profiler

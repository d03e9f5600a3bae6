#include "profiler/activity_decoder.hpp"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <string_view>

#include <cupti_driver_cbid.h>
#include <cupti_runtime_cbid.h>
#include <fmt/format.h>

namespace rafter::profiler {

namespace {

std::string copy_kind_name(std::uint8_t kind) {
  switch (kind) {
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOD:
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOA: return "h2d";
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOH:
    case CUPTI_ACTIVITY_MEMCPY_KIND_ATOH: return "d2h";
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOD:
    case CUPTI_ACTIVITY_MEMCPY_KIND_ATOA:
    case CUPTI_ACTIVITY_MEMCPY_KIND_ATOD:
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOA: return "d2d";
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOH: return "h2h";
    case CUPTI_ACTIVITY_MEMCPY_KIND_PTOP: return "p2p";
    default: return "other";
  }
}

std::string memory_kind_name(unsigned kind) {
  switch (kind) {
    case CUPTI_ACTIVITY_MEMORY_KIND_PAGEABLE: return "pageable";
    case CUPTI_ACTIVITY_MEMORY_KIND_PINNED: return "pinned";
    case CUPTI_ACTIVITY_MEMORY_KIND_DEVICE: return "device";
    case CUPTI_ACTIVITY_MEMORY_KIND_ARRAY: return "array";
    case CUPTI_ACTIVITY_MEMORY_KIND_MANAGED: return "managed";
    case CUPTI_ACTIVITY_MEMORY_KIND_DEVICE_STATIC: return "device_static";
    case CUPTI_ACTIVITY_MEMORY_KIND_MANAGED_STATIC: return "managed_static";
    default: return "";
  }
}

std::string overhead_kind_name(CUpti_ActivityOverheadKind kind) {
  switch (kind) {
    case CUPTI_ACTIVITY_OVERHEAD_DRIVER_COMPILER: return "driver_compiler";
    case CUPTI_ACTIVITY_OVERHEAD_CUPTI_BUFFER_FLUSH: return "cupti_buffer_flush";
    case CUPTI_ACTIVITY_OVERHEAD_CUPTI_INSTRUMENTATION: return "cupti_instrumentation";
    case CUPTI_ACTIVITY_OVERHEAD_CUPTI_RESOURCE: return "cupti_resource";
    case CUPTI_ACTIVITY_OVERHEAD_RUNTIME_TRIGGERED_MODULE_LOADING: return "module_loading";
    case CUPTI_ACTIVITY_OVERHEAD_LAZY_FUNCTION_LOADING: return "lazy_function_loading";
    case CUPTI_ACTIVITY_OVERHEAD_COMMAND_BUFFER_FULL: return "command_buffer_full";
    case CUPTI_ACTIVITY_OVERHEAD_ACTIVITY_BUFFER_REQUEST: return "activity_buffer_request";
    default: return "other";
  }
}

enum class launch_kind { none, kernel, graph };

constexpr CUpti_CallbackId k_runtime_launch_calls[] = {
    CUPTI_RUNTIME_TRACE_CBID_cudaLaunch_v3020,
    CUPTI_RUNTIME_TRACE_CBID_cudaLaunch_ptsz_v7000,
    CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000,
    CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_ptsz_v7000,
    CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernelExC_v11060,
    CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernelExC_ptsz_v11060,
    CUPTI_RUNTIME_TRACE_CBID_cudaLaunchCooperativeKernel_v9000,
    CUPTI_RUNTIME_TRACE_CBID_cudaLaunchCooperativeKernel_ptsz_v9000,
    CUPTI_RUNTIME_TRACE_CBID_cudaLaunchCooperativeKernelMultiDevice_v9000,
#if CUPTI_API_VERSION >= 130000
    CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_v13000,
    CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_ptsz_v13000,
#endif
    CUPTI_RUNTIME_TRACE_CBID_cudaGraphLaunch_v10000,
    CUPTI_RUNTIME_TRACE_CBID_cudaGraphLaunch_ptsz_v10000,
};

constexpr CUpti_CallbackId k_driver_launch_calls[] = {
    CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel,            CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx,          CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel, CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel_ptsz,
};

/// Driver launch calls remembered per thread, to drop those a runtime launch made: enough for the
/// driver calls of one runtime call (a few), with room for direct launches between.
constexpr std::size_t k_recent_driver_calls = 64;

/// Whether a runtime or driver API call launches kernels: only these calls are kept.
launch_kind launch_call_kind(CUpti_ActivityKind kind, CUpti_CallbackId cbid) {
  if (kind == CUPTI_ACTIVITY_KIND_RUNTIME) {
    switch (cbid) {
      case CUPTI_RUNTIME_TRACE_CBID_cudaLaunch_v3020:
      case CUPTI_RUNTIME_TRACE_CBID_cudaLaunch_ptsz_v7000:
      case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000:
      case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_ptsz_v7000:
      case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernelExC_v11060:
      case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernelExC_ptsz_v11060:
      case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchCooperativeKernel_v9000:
      case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchCooperativeKernel_ptsz_v9000:
      case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchCooperativeKernelMultiDevice_v9000:
#if CUPTI_API_VERSION >= 130000
      case CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_v13000:
      case CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_ptsz_v13000:
#endif
        return launch_kind::kernel;
      case CUPTI_RUNTIME_TRACE_CBID_cudaGraphLaunch_v10000:
      case CUPTI_RUNTIME_TRACE_CBID_cudaGraphLaunch_ptsz_v10000: return launch_kind::graph;
      default: return launch_kind::none;
    }
  }
  if (kind == CUPTI_ACTIVITY_KIND_DRIVER) {
    switch (cbid) {
      case CUPTI_DRIVER_TRACE_CBID_cuLaunch:
      case CUPTI_DRIVER_TRACE_CBID_cuLaunchGrid:
      case CUPTI_DRIVER_TRACE_CBID_cuLaunchGridAsync:
      case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel:
      case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel_ptsz:
      case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx:
      case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx_ptsz:
      case CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel:
      case CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel_ptsz:
      case CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernelMultiDevice: return launch_kind::kernel;
      case CUPTI_DRIVER_TRACE_CBID_cuGraphLaunch:
      case CUPTI_DRIVER_TRACE_CBID_cuGraphLaunch_ptsz: return launch_kind::graph;
      default: return launch_kind::none;
    }
  }
  return launch_kind::none;
}

std::string demangle(const std::string& name) {
  if (name.rfind("_Z", 0) != 0) return "";
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status), std::free);
  return status == 0 && out ? std::string(out.get()) : std::string();
}

template <class Record>
std::int64_t thread_of(const Record& r) {
  if (r.objectKind == CUPTI_ACTIVITY_OBJECT_THREAD || r.objectKind == CUPTI_ACTIVITY_OBJECT_PROCESS) {
    return static_cast<std::int64_t>(r.objectId.pt.threadId);
  }
  return -1;
}

// Orders by start (stable) and numbers from 1. Sorts (start, position) pairs and moves each
// record once: a million kernel records are too large to move twenty times each in a merge sort.
template <class T>
void sort_by_start(std::vector<T>& items) {
  std::vector<std::pair<std::int64_t, std::size_t>> order(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) order[i] = {items[i].start_ns, i};
  if (!std::is_sorted(order.begin(), order.end())) {
    std::sort(order.begin(), order.end());  // pairs are unique: position breaks ties, as stable_sort would
    std::vector<T> sorted;
    sorted.reserve(items.size());
    for (const auto& [start, i] : order) sorted.push_back(std::move(items[i]));
    items = std::move(sorted);
  }
  std::int64_t id = 1;
  for (auto& item : items) item.id = id++;
}

// Two kernel records of one launch, as kernel replay would repeat it: everything but the times.
bool same_launch_but_times(const trace_kernel& a, const trace_kernel& b) {
  return a.name == b.name && a.device == b.device && a.stream == b.stream && a.grid == b.grid && a.block == b.block &&
         a.registers_per_thread == b.registers_per_thread && a.static_shared_bytes == b.static_shared_bytes &&
         a.dynamic_shared_bytes == b.dynamic_shared_bytes && a.graph_id == b.graph_id &&
         a.graph_node_id == b.graph_node_id;
}

std::string plural(std::int64_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

/// The fields a memcpy, peer memcpy or memset record shares, as a trace copy.
template <class Record>
trace_copy copy_record(const Record& r, std::string kind, std::string memory) {
  trace_copy c;
  c.kind = std::move(kind);
  c.device = static_cast<int>(r.deviceId);
  c.stream = r.streamId;
  c.bytes = static_cast<double>(r.bytes);
  c.start_ns = static_cast<std::int64_t>(r.start);
  c.end_ns = static_cast<std::int64_t>(r.end);
  c.correlation_id = r.correlationId;
  c.memory = std::move(memory);
  return c;
}

}  // namespace

template <class Versions>
void basic_activity_decoder<Versions>::decode(activity_source& source) {
  while (const CUpti_Activity* record = source.next()) add(*record);
}

template <class Versions>
void basic_activity_decoder<Versions>::add(const CUpti_Activity& record) {
  switch (record.kind) {
    case CUPTI_ACTIVITY_KIND_KERNEL:
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL:
      add_kernel(reinterpret_cast<const typename Versions::kernel&>(record));
      break;
    case CUPTI_ACTIVITY_KIND_MEMCPY: add_memcpy(reinterpret_cast<const typename Versions::memcpy&>(record)); break;
    case CUPTI_ACTIVITY_KIND_MEMCPY2:
      add_memcpy_peer(reinterpret_cast<const typename Versions::memcpy_peer&>(record));
      break;
    case CUPTI_ACTIVITY_KIND_MEMSET: add_memset(reinterpret_cast<const typename Versions::memset&>(record)); break;
    case CUPTI_ACTIVITY_KIND_MARKER: add_marker(reinterpret_cast<const typename Versions::marker&>(record)); break;
    case CUPTI_ACTIVITY_KIND_OVERHEAD:
      add_overhead(reinterpret_cast<const typename Versions::overhead&>(record));
      break;
    case CUPTI_ACTIVITY_KIND_DEVICE: add_device(reinterpret_cast<const typename Versions::device&>(record)); break;
    case CUPTI_ACTIVITY_KIND_CONTEXT: ++m_counters["context_records"]; break;
    case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION:
      add_synchronization(reinterpret_cast<const typename Versions::synchronization&>(record));
      break;
    case CUPTI_ACTIVITY_KIND_RUNTIME:
    case CUPTI_ACTIVITY_KIND_DRIVER: add_api(reinterpret_cast<const typename Versions::api&>(record)); break;
    case CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION: ++m_counters["external_correlation_records"]; break;
    default: ++m_counters["unhandled_records"]; break;
  }
}

template <class Versions>
bool basic_activity_decoder<Versions>::valid_interval(std::uint64_t start, std::uint64_t end, const char* kind) {
  if (start > 0 && end >= start) return true;
  ++m_counters[std::string("invalid_timestamps.") + kind];
  return false;
}

template <class Versions>
void basic_activity_decoder<Versions>::add_kernel(const typename Versions::kernel& r) {
  if (!valid_interval(r.start, r.end, "kernel")) {
    // Its launch call, decoded or still to come, would wait for it forever.
    if (const auto it = m_launch_calls.find(r.correlationId); it != m_launch_calls.end()) {
      if (!it->second.graph) m_launch_calls.erase(it);
    } else if (r.correlationId != 0) {
      m_skipped_kernels.insert(r.correlationId);
    }
    return;
  }
  trace_kernel k;
  k.name = r.name != nullptr ? r.name : "";
  k.device = static_cast<int>(r.deviceId);
  k.stream = r.streamId;
  k.start_ns = static_cast<std::int64_t>(r.start);
  k.end_ns = static_cast<std::int64_t>(r.end);
  if (r.gridX > 0 && r.gridY > 0 && r.gridZ > 0) {
    k.grid = dim3_value{static_cast<std::uint32_t>(r.gridX), static_cast<std::uint32_t>(r.gridY),
                        static_cast<std::uint32_t>(r.gridZ)};
  }
  if (r.blockX > 0 && r.blockY > 0 && r.blockZ > 0) {
    k.block = dim3_value{static_cast<std::uint32_t>(r.blockX), static_cast<std::uint32_t>(r.blockY),
                         static_cast<std::uint32_t>(r.blockZ)};
  }
  k.registers_per_thread = r.registersPerThread;
  k.static_shared_bytes = r.staticSharedMemory;
  k.dynamic_shared_bytes = r.dynamicSharedMemory;
  k.correlation_id = r.correlationId;
  if (r.graphId != 0) k.graph_id = r.graphId;
  if (r.graphNodeId != 0) k.graph_node_id = static_cast<std::int64_t>(r.graphNodeId);
  if (k.name.empty()) ++m_counters["kernels_without_name"];
  // Its launch call, when that record came first; else the kernel waits for it (add_api).
  if (const auto it = m_launch_calls.find(r.correlationId); it != m_launch_calls.end()) {
    k.launch = it->second.launch;
    if (!it->second.graph) m_launch_calls.erase(it);
  } else if (r.correlationId != 0) {
    m_kernels_without_call.emplace(r.correlationId, m_kernels.size());
  }
  m_kernels.push_back(std::move(k));
}

/// A runtime or driver API call. Only launch calls are kept, as the `launch` of the kernel records
/// with their correlation id: those already decoded get it now, later ones in add_kernel.
template <class Versions>
void basic_activity_decoder<Versions>::add_api(const typename Versions::api& r) {
  ++m_counters["api_records"];
  const launch_kind kind = launch_call_kind(r.kind, r.cbid);
  if (kind == launch_kind::none || r.correlationId == 0) return;
  if (!valid_interval(r.start, r.end, "api")) return;
  ++m_counters["launch_calls"];
  // The thread as CUPTI numbers it, as MARKER records name theirs (objectId.pt.threadId).
  const kernel_launch launch{static_cast<std::int64_t>(r.threadId), static_cast<std::int64_t>(r.start)};
  if (kind == launch_kind::kernel && !m_skipped_kernels.empty() && m_skipped_kernels.erase(r.correlationId) != 0) {
    return;  // its kernel was skipped
  }
  const auto [first, last] = m_kernels_without_call.equal_range(r.correlationId);
  const bool joined = first != last;
  for (auto it = first; it != last; ++it) m_kernels[it->second].launch = launch;
  m_kernels_without_call.erase(first, last);
  // A graph launch's later kernels still need it; another launch's kernel has joined it.
  if (kind == launch_kind::graph || !joined) {
    m_launch_calls[r.correlationId] = launch_call{launch, kind == launch_kind::graph};
  }
  if (r.kind == CUPTI_ACTIVITY_KIND_DRIVER && kind == launch_kind::kernel && !joined) {
    // Possibly the driver call of a runtime launch (whose kernel carries the runtime call's id):
    // dropped when that runtime call's record comes (same thread, same buffer, later).
    auto& recent = m_recent_driver_calls[launch.thread];
    recent.emplace_back(launch.start_ns, r.correlationId);
    if (recent.size() > k_recent_driver_calls) recent.pop_front();
  } else if (r.kind == CUPTI_ACTIVITY_KIND_RUNTIME) {
    const auto it = m_recent_driver_calls.find(launch.thread);
    if (it != m_recent_driver_calls.end()) {
      auto& recent = it->second;
      while (!recent.empty() && recent.back().first >= launch.start_ns) {
        if (recent.back().first <= static_cast<std::int64_t>(r.end) && m_launch_calls.erase(recent.back().second) != 0) {
          ++m_counters["driver_calls_inside_runtime_launches"];
        }
        recent.pop_back();
      }
    }
  }
}

template <class Versions>
void basic_activity_decoder<Versions>::add_memcpy(const typename Versions::memcpy& r) {
  if (!valid_interval(r.start, r.end, "memcpy")) return;
  const std::string kind = copy_kind_name(r.copyKind);
  // The host side of a transfer says whether it was pinned; device-only copies name the source.
  m_copies.push_back(copy_record(r, kind, memory_kind_name(kind == "d2h" ? r.dstKind : r.srcKind)));
}

/// A copy between two devices (cudaMemcpyPeer*, or a copy between two devices' memory through
/// unified addressing), filed under the device that ran it.
template <class Versions>
void basic_activity_decoder<Versions>::add_memcpy_peer(const typename Versions::memcpy_peer& r) {
  if (!valid_interval(r.start, r.end, "memcpy")) return;
  m_copies.push_back(copy_record(r, "p2p", memory_kind_name(r.srcKind)));
}

template <class Versions>
void basic_activity_decoder<Versions>::add_memset(const typename Versions::memset& r) {
  if (!valid_interval(r.start, r.end, "memset")) return;
  m_copies.push_back(copy_record(r, "memset", memory_kind_name(r.memoryKind)));
}

template <class Versions>
void basic_activity_decoder<Versions>::add_marker(const typename Versions::marker& r) {
  const auto flags = static_cast<unsigned>(r.flags);
  const auto ts = static_cast<std::int64_t>(r.timestamp);
  if ((flags & CUPTI_ACTIVITY_FLAG_MARKER_INSTANTANEOUS) != 0) {
    if (!valid_interval(r.timestamp, r.timestamp, "marker")) return;
    trace_range range;
    range.name = r.name != nullptr ? r.name : "";
    range.domain = r.domain != nullptr ? r.domain : "";
    range.thread = thread_of(r);
    range.start_ns = range.end_ns = ts;
    m_ranges.push_back(std::move(range));
  } else if ((flags & CUPTI_ACTIVITY_FLAG_MARKER_START) != 0) {
    if (!valid_interval(r.timestamp, r.timestamp, "marker")) return;
    open_marker start{r.name != nullptr ? r.name : "", r.domain != nullptr ? r.domain : "", thread_of(r), ts};
    if (const auto end = m_early_marker_ends.find(r.id); end != m_early_marker_ends.end()) {
      const std::int64_t end_ns = end->second;
      m_early_marker_ends.erase(end);
      close_marker(std::move(start), end_ns);
    } else {
      m_open_markers[r.id] = std::move(start);
    }
  } else if ((flags & CUPTI_ACTIVITY_FLAG_MARKER_END) != 0) {
    const auto it = m_open_markers.find(r.id);
    if (it == m_open_markers.end()) {
      m_early_marker_ends[r.id] = ts;  // its start may be in a buffer still to come
      return;
    }
    open_marker start = std::move(it->second);
    m_open_markers.erase(it);
    close_marker(std::move(start), ts);
  } else {
    ++m_counters["unhandled_records"];  // NVTX synchronization markers
  }
}

template <class Versions>
void basic_activity_decoder<Versions>::close_marker(open_marker start, std::int64_t end_ns) {
  if (!valid_interval(static_cast<std::uint64_t>(start.start_ns), static_cast<std::uint64_t>(end_ns), "marker")) return;
  trace_range range;
  range.name = std::move(start.name);
  range.domain = std::move(start.domain);
  range.thread = start.thread;
  range.start_ns = start.start_ns;
  range.end_ns = end_ns;
  m_ranges.push_back(std::move(range));
}

template <class Versions>
void basic_activity_decoder<Versions>::add_overhead(const typename Versions::overhead& r) {
  ++m_counters["overhead_records"];
  if (!valid_interval(r.start, r.end, "overhead")) return;
  const auto ns = static_cast<std::int64_t>(r.end - r.start);
  m_counters["overhead_ns"] += ns;
  m_counters["overhead_ns." + overhead_kind_name(r.overheadKind)] += ns;
}

template <class Versions>
void basic_activity_decoder<Versions>::add_synchronization(const typename Versions::synchronization& r) {
  ++m_counters["synchronization_records"];
  if (!valid_interval(r.start, r.end, "synchronization")) return;
  m_counters["synchronization_ns"] += static_cast<std::int64_t>(r.end - r.start);
}

template <class Versions>
void basic_activity_decoder<Versions>::add_device(const typename Versions::device& r) {
  trace_device d;
  d.id = static_cast<int>(r.id);
  d.name = r.name != nullptr ? r.name : "";
  d.cc_major = static_cast<int>(r.computeCapabilityMajor);
  d.cc_minor = static_cast<int>(r.computeCapabilityMinor);
  if (r.numMultiprocessors > 0) d.sm_count = static_cast<int>(r.numMultiprocessors);
  if (r.coreClockRate > 0) d.sm_clock_hz = static_cast<double>(r.coreClockRate) * 1e3;  // kHz
  if (r.globalMemorySize > 0) d.memory_bytes = static_cast<double>(r.globalMemorySize);
  if (r.l2CacheSize > 0) d.l2_bytes = static_cast<double>(r.l2CacheSize);
  if (r.maxSharedMemoryPerMultiprocessor > 0) {
    d.shared_memory_per_sm_bytes = static_cast<double>(r.maxSharedMemoryPerMultiprocessor);
  }
  m_devices.emplace(d.id, std::move(d));  // the first record of a device wins
}

template <class Versions>
void basic_activity_decoder<Versions>::add_dropped_records(std::uint64_t count) {
  if (count > 0) m_counters["dropped_records"] += static_cast<std::int64_t>(count);
}

template <class Versions>
void basic_activity_decoder<Versions>::add_kernel_metrics(std::uint32_t correlation_id, kernel_metrics metrics,
                                                          const std::vector<std::uint32_t>& aliases) {
  m_metrics[correlation_id] = std::move(metrics);
  for (const std::uint32_t alias : aliases) {
    if (alias != correlation_id && alias != 0) m_metric_aliases[alias] = correlation_id;
  }
}

template <class Versions>
void basic_activity_decoder<Versions>::add_kernel_without_counters() {
  ++m_counters["selected_kernels_without_counters"];
}

template <class Versions>
void basic_activity_decoder<Versions>::count(const std::string& counter, std::int64_t count) {
  m_counters[counter] += count;
}

template <class Versions>
std::int64_t basic_activity_decoder<Versions>::counter(const std::string& name) const {
  const auto it = m_counters.find(name);
  return it == m_counters.end() ? 0 : it->second;
}

template <class Versions>
trace basic_activity_decoder<Versions>::build() const {
  trace t;
  t.source.counters = m_counters;
  t.kernels = m_kernels;
  t.copies = m_copies;
  t.ranges = m_ranges;

  // The key of m_metrics a kernel record's correlation id names, directly or through an alias.
  const auto profiled_launch = [&](const trace_kernel& k) -> std::optional<std::uint32_t> {
    if (!k.correlation_id) return std::nullopt;
    const auto id = static_cast<std::uint32_t>(*k.correlation_id);
    if (m_metrics.count(id) != 0) return id;
    if (const auto a = m_metric_aliases.find(id); a != m_metric_aliases.end()) return a->second;
    return std::nullopt;
  };
  // Kernel records of each profiled launch: one expected.
  std::map<std::uint32_t, std::vector<std::size_t>> profiled;
  for (std::size_t i = 0; i < t.kernels.size(); ++i) {
    if (const auto launch = profiled_launch(t.kernels[i])) profiled[*launch].push_back(i);
  }
  std::int64_t replay_duplicates = 0;
  std::set<std::uint32_t> ambiguous;
  std::vector<bool> duplicate(t.kernels.size(), false);
  for (const auto& [correlation, records] : profiled) {
    if (records.size() < 2) continue;
    const auto same_launch = [&](std::size_t i) { return same_launch_but_times(t.kernels[records[0]], t.kernels[i]); };
    if (!std::all_of(records.begin() + 1, records.end(), same_launch)) {
      ambiguous.insert(correlation);
      continue;
    }
    const std::size_t earliest = *std::min_element(records.begin(), records.end(), [&](std::size_t a, std::size_t b) {
      return t.kernels[a].start_ns < t.kernels[b].start_ns;
    });
    for (const std::size_t i : records) {
      // The launch call joined whichever record came first, not necessarily the earliest.
      if (!t.kernels[earliest].launch && t.kernels[i].launch) t.kernels[earliest].launch = t.kernels[i].launch;
      if (i != earliest) {
        duplicate[i] = true;
        ++replay_duplicates;
      }
    }
  }
  if (replay_duplicates > 0) {
    std::vector<trace_kernel> kept;
    kept.reserve(t.kernels.size() - static_cast<std::size_t>(replay_duplicates));
    for (std::size_t i = 0; i < t.kernels.size(); ++i) {
      if (!duplicate[i]) kept.push_back(std::move(t.kernels[i]));
    }
    t.kernels = std::move(kept);
  }

  std::unordered_map<interned_string, interned_string> demangled;  // one demangling per distinct name
  std::set<std::uint32_t> joined;
  for (auto& k : t.kernels) {
    auto [it, fresh] = demangled.try_emplace(k.name);
    if (fresh) it->second = demangle(k.name);
    k.demangled = it->second;
    if (const auto launch = profiled_launch(k); launch && ambiguous.count(*launch) == 0) {
      k.metrics = m_metrics.at(*launch);
      joined.insert(*launch);
    }
  }
  sort_by_start(t.kernels);
  sort_by_start(t.copies);

  // Nesting depth per thread: ranges ordered by start (longer first on ties); a range is nested in
  // every earlier range of its thread that has not ended when it starts.
  std::stable_sort(t.ranges.begin(), t.ranges.end(), [](const trace_range& a, const trace_range& b) {
    if (a.start_ns != b.start_ns) return a.start_ns < b.start_ns;
    return a.end_ns > b.end_ns;
  });
  std::map<std::int64_t, std::vector<std::int64_t>> open_ends;  // thread -> ends of enclosing ranges
  std::int64_t id = 1;
  for (auto& r : t.ranges) {
    r.id = id++;
    auto& stack = open_ends[r.thread];
    while (!stack.empty() && stack.back() <= r.start_ns) stack.pop_back();
    r.depth = static_cast<int>(stack.size());
    stack.push_back(r.end_ns);
  }

  std::map<int, trace_device> devices = m_devices;
  std::int64_t unknown_devices = 0;
  const auto need_device = [&](int device) {
    if (devices.count(device) == 0) {
      trace_device d;
      d.id = device;
      d.name = fmt::format("device {} (no CUPTI device record)", device);
      devices.emplace(device, std::move(d));
      ++unknown_devices;
    }
  };
  for (const auto& k : t.kernels) need_device(k.device);
  for (const auto& c : t.copies) need_device(c.device);
  for (auto& [device_id, d] : devices) t.devices.push_back(d);

  auto& counters = t.source.counters;
  counters["kernels"] = static_cast<std::int64_t>(t.kernels.size());
  counters["copies"] = static_cast<std::int64_t>(t.copies.size());
  counters["ranges"] = static_cast<std::int64_t>(t.ranges.size());
  if (!m_metrics.empty()) {
    counters["kernels_with_metrics"] = static_cast<std::int64_t>(joined.size());
    const auto orphans = static_cast<std::int64_t>(m_metrics.size() - joined.size() - ambiguous.size());
    if (orphans > 0) counters["metrics_without_kernel"] = orphans;
  }
  if (replay_duplicates > 0) counters["replay_duplicate_kernel_records"] = replay_duplicates;
  if (!ambiguous.empty()) counters["metrics_with_ambiguous_kernel"] = static_cast<std::int64_t>(ambiguous.size());
  if (!m_open_markers.empty()) counters["open_ranges"] = static_cast<std::int64_t>(m_open_markers.size());
  if (!m_early_marker_ends.empty()) {
    counters["marker_ends_without_start"] = static_cast<std::int64_t>(m_early_marker_ends.size());
  }
  const auto unjoined_calls = std::count_if(m_launch_calls.begin(), m_launch_calls.end(),
                                            [](const auto& call) { return !call.second.graph; });
  if (unjoined_calls > 0) counters["launch_calls_without_kernel"] = unjoined_calls;
  if (unknown_devices > 0) counters["devices_without_record"] = unknown_devices;
  const auto without_launch =
      std::count_if(t.kernels.begin(), t.kernels.end(), [](const trace_kernel& k) { return !k.launch; });
  if (counter("launch_calls") > 0 || without_launch < static_cast<std::int64_t>(t.kernels.size())) {
    counters["kernels_with_launch"] = static_cast<std::int64_t>(t.kernels.size()) - without_launch;
  }
  if (without_launch > 0) counters["kernels_without_launch"] = without_launch;

  auto& warnings = t.source.warnings;
  if (const auto it = counters.find("dropped_records"); it != counters.end()) {
    warnings.push_back(plural(it->second, "activity record", "activity records") +
                       " dropped by CUPTI (no free host activity buffer): the trace is incomplete; larger "
                       "buffers (RAFTER_TRACE_BUFFER_BYTES) may keep them");
  }
  for (const char* kind : {"kernel", "memcpy", "memset", "marker", "overhead", "synchronization", "api"}) {
    const auto it = counters.find(std::string("invalid_timestamps.") + kind);
    if (it != counters.end()) {
      // CUPTI writes GPU timestamps into device buffers first; when they overflow it drops the
      // timestamps, not the records (CUPTI_ACTIVITY_ATTR_DEVICE_BUFFER_SIZE).
      const bool gpu_timed = std::string_view(kind) == "kernel" || std::string_view(kind) == "memcpy" ||
                             std::string_view(kind) == "memset";
      warnings.push_back(fmt::format("{} with invalid timestamps (start = 0 or end < start) skipped{}",
                                     plural(it->second, (std::string(kind) + " record").c_str(),
                                            (std::string(kind) + " records").c_str()),
                                     gpu_timed ? ": still running when the trace was written, or CUPTI's device "
                                                 "buffer overflowed (raise RAFTER_TRACE_DEVICE_BUFFER_BYTES)"
                                               : ""));
    }
  }
  if (const auto it = counters.find("unreadable_buffers"); it != counters.end()) {
    warnings.push_back(plural(it->second, "activity buffer", "activity buffers") +
                       " could not be read to the end (CUPTI reported an incomplete or invalid record): the "
                       "records after it are lost and the trace is incomplete");
  }
  if (const auto it = counters.find("open_ranges"); it != counters.end()) {
    warnings.push_back(plural(it->second, "NVTX range was", "NVTX ranges were") +
                       " still open when the trace was written (not written)");
  }
  if (const auto it = counters.find("marker_ends_without_start"); it != counters.end()) {
    warnings.push_back(plural(it->second, "NVTX range end", "NVTX range ends") + " without a start skipped");
  }
  if (const auto it = counters.find("metrics_without_kernel"); it != counters.end()) {
    warnings.push_back(plural(it->second, "kernel's counters", "kernels' counters") +
                       " had no kernel record to attach to (not written)");
  }
  if (const auto it = counters.find("selected_kernels_without_counters"); it != counters.end()) {
    warnings.push_back(plural(it->second, "selected kernel launch has", "selected kernel launches have") +
                       " no counters: the range profiler dropped or did not record their range (no metrics object "
                       "written)");
  }
  if (const auto it = counters.find("replay_duplicate_kernel_records"); it != counters.end()) {
    warnings.push_back(plural(it->second, "kernel record", "kernel records") +
                       " repeating a profiled launch (kernel replay; same correlation id, name, grid and block) "
                       "not written: each launch is written once, with its earliest record's times");
  }
  if (const auto it = counters.find("metrics_with_ambiguous_kernel"); it != counters.end()) {
    warnings.push_back(plural(it->second, "kernel's counters", "kernels' counters") +
                       " matched several different kernel records by correlation id (not written)");
  }
  if (unknown_devices > 0) {
    warnings.push_back(plural(unknown_devices, "device", "devices") + " named by records had no CUPTI device record");
  }
  if (without_launch > 0) {
    warnings.push_back(fmt::format(
        "{} no launching API call record (launched by a call rafter does not record, such as a legacy cuLaunch or a "
        "graph launched through the driver API, or the record was lost): {} in no CPU-side (NVTX) range",
        plural(without_launch, "kernel has", "kernels have"), without_launch == 1 ? "it counts" : "they count"));
  }
  return t;
}

template class basic_activity_decoder<record_versions_12>;
#if CUPTI_API_VERSION >= 130000
template class basic_activity_decoder<record_versions_13_0>;
#endif

std::span<const CUpti_CallbackId> runtime_launch_calls() noexcept { return k_runtime_launch_calls; }

std::span<const CUpti_CallbackId> driver_launch_calls() noexcept { return k_driver_launch_calls; }

}  // namespace rafter::profiler

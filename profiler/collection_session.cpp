#include "profiler/collection_session.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <optional>
#include <span>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/version.hpp"
#include "profiler/cuda_driver.hpp"
#include "profiler/cupti_buffer_source.hpp"
#include "profiler/cupti_call.hpp"
#include "profiler/cupti_record_versions.hpp"
#include "profiler/launch_stream.hpp"
#include "profiler/metric_set.hpp"

namespace rafter::profiler {

namespace {

// Handed to CUPTI when no buffer can be allocated, so CUPTI never receives a null buffer.
constexpr std::size_t k_emergency_bytes = std::size_t{64} << 10;
alignas(8) std::uint8_t g_emergency_buffer[k_emergency_bytes];
std::atomic_flag g_emergency_in_use = ATOMIC_FLAG_INIT;

constexpr std::size_t k_max_free_buffers = 4;

struct kind_to_enable {
  CUpti_ActivityKind kind;
  const char* name;
  const char* missing;  // what the trace lacks when the kind cannot be enabled
};
// CONCURRENT_KERNEL, never KERNEL: KERNEL serializes every kernel on the GPU.
constexpr kind_to_enable k_kinds[] = {
    {CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, "CONCURRENT_KERNEL", "kernels"},
    {CUPTI_ACTIVITY_KIND_MEMCPY, "MEMCPY", "memory copies"},
    {CUPTI_ACTIVITY_KIND_MEMCPY2, "MEMCPY2", "copies between two GPUs"},
    {CUPTI_ACTIVITY_KIND_MEMSET, "MEMSET", "memsets"},
    {CUPTI_ACTIVITY_KIND_SYNCHRONIZATION, "SYNCHRONIZATION", "synchronization counts"},
    {CUPTI_ACTIVITY_KIND_MARKER, "MARKER", "NVTX ranges"},
    // Runtime and driver API calls: records of the launch calls only (enable_kind), kept as kernels'
    // `launch` (thread and start), which puts kernels into CPU-side (NVTX) ranges. Driver launches
    // are Triton's and other driver-API launchers'.
    {CUPTI_ACTIVITY_KIND_RUNTIME, "RUNTIME", "kernel launch calls: kernels count in no NVTX range"},
    {CUPTI_ACTIVITY_KIND_DRIVER, "DRIVER", "driver-API kernel launch calls (Triton): those kernels count in no NVTX range"},
    {CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION, "EXTERNAL_CORRELATION", "external correlation counts"},
    {CUPTI_ACTIVITY_KIND_OVERHEAD, "OVERHEAD", "CUPTI overhead counts"},
    {CUPTI_ACTIVITY_KIND_DEVICE, "DEVICE", "device properties"},
    {CUPTI_ACTIVITY_KIND_CONTEXT, "CONTEXT", "context counts"},
};

/// The API calls whose records RUNTIME and DRIVER are enabled for, one at a time
/// (`runtime_launch_calls`, `driver_launch_calls`): the decoder keeps nothing else, and every other
/// call (cudaEventQuery polling, cudaGetDevice, the driver calls the runtime makes) would cost a
/// record. nullopt for other kinds, enabled whole.
struct per_call_kind {
  std::span<const CUpti_CallbackId> ids;
  CUptiResult (*enable_api)(CUpti_CallbackId, uint8_t);
};
std::optional<per_call_kind> per_call(CUpti_ActivityKind kind) noexcept {
#if CUPTI_API_VERSION >= 130000
  if (kind == CUPTI_ACTIVITY_KIND_RUNTIME) return per_call_kind{runtime_launch_calls(), cuptiActivityEnableRuntimeApi};
  if (kind == CUPTI_ACTIVITY_KIND_DRIVER) return per_call_kind{driver_launch_calls(), cuptiActivityEnableDriverApi};
#endif
  (void)kind;
  return std::nullopt;
}

/// Enables `kind` (RUNTIME and DRIVER for their launch calls alone); on failure nothing of `kind`
/// stays enabled. Before CUDA 13 headers (no per-call enabling) DRIVER is not enabled at all: it
/// would record every driver call.
CUptiResult enable_kind(CUpti_ActivityKind kind) noexcept {
  const auto calls = per_call(kind);
  if (!calls) return kind == CUPTI_ACTIVITY_KIND_DRIVER ? CUPTI_ERROR_NOT_SUPPORTED : cuptiActivityEnable(kind);
  for (std::size_t i = 0; i < calls->ids.size(); ++i) {
    if (const CUptiResult status = calls->enable_api(calls->ids[i], 1); status != CUPTI_SUCCESS) {
      for (std::size_t j = 0; j < i; ++j) (void)calls->enable_api(calls->ids[j], 0);
      return status;
    }
  }
  return CUPTI_SUCCESS;
}

/// Undoes `enable_kind`.
void disable_kind(CUpti_ActivityKind kind) noexcept {
  if (const auto calls = per_call(kind)) {
    for (const CUpti_CallbackId id : calls->ids) (void)calls->enable_api(id, 0);
  } else {
    (void)cuptiActivityDisable(kind);
  }
}

constexpr CUpti_CallbackId k_launch_callbacks[] = {
    CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel,           CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx,         CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel, CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel_ptsz,
};

// Other launches: graph launches (their kernels run without a launch callback of their own) and
// the legacy and multi-device launch calls. Never selected (their kernels get no counters), but
// held back like any launch while a selected launch's replay is open in their context: CUPTI would
// count and replay their kernels in that launch's range.
constexpr CUpti_CallbackId k_wait_only_launch_callbacks[] = {
    CUPTI_DRIVER_TRACE_CBID_cuGraphLaunch,       CUPTI_DRIVER_TRACE_CBID_cuGraphLaunch_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuLaunch,            CUPTI_DRIVER_TRACE_CBID_cuLaunchGrid,
    CUPTI_DRIVER_TRACE_CBID_cuLaunchGridAsync,   CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernelMultiDevice,
};

bool wait_only_launch(CUpti_CallbackId id) noexcept {
  return std::find(std::begin(k_wait_only_launch_callbacks), std::end(k_wait_only_launch_callbacks), id) !=
         std::end(k_wait_only_launch_callbacks);
}

// Runtime launches: a kernel record carries the correlation id of "the driver or runtime API"
// call that launched it (cupti_activity.h), so counters, measured in the driver launch callback,
// are also filed under the ids of the runtime launches around it.
constexpr CUpti_CallbackId k_runtime_launch_callbacks[] = {
    CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000,          CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_ptsz_v7000,
    CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernelExC_v11060,      CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernelExC_ptsz_v11060,
    CUPTI_RUNTIME_TRACE_CBID_cudaLaunchCooperativeKernel_v9000,
    CUPTI_RUNTIME_TRACE_CBID_cudaLaunchCooperativeKernel_ptsz_v9000,
#if CUPTI_API_VERSION >= 130000
    CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_v13000,       CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_ptsz_v13000,
#endif
};

// The context whose selected launch this thread is inside (between API entry and exit).
thread_local CUcontext t_profiled_context = nullptr;
// Its correlation id: the API exit of that launch, not of a launch nested in it, ends the session.
thread_local std::uint32_t t_profiled_correlation = 0;

// Correlation ids of the runtime launch calls this thread is inside, outermost first (a runtime
// launch may enter another); deeper nesting than this is not recorded.
constexpr std::size_t k_max_runtime_nesting = 4;
thread_local std::array<std::uint32_t, k_max_runtime_nesting> t_runtime_launches{};
thread_local std::size_t t_runtime_depth = 0;
// Which enabling of the runtime callbacks this thread's stack belongs to: an unsubscribe can drop
// the exit of a launch in flight, so a stack from an earlier enabling is dropped, not trusted.
std::atomic<unsigned> g_runtime_generation{0};
thread_local unsigned t_runtime_generation = 0;

// A launch into a stream being captured (a CUDA graph in the making: PyTorch's CUDA graphs, vLLM)
// does not run now; it cannot be replayed for counters. Unknown (the query failed): treated alike.
bool captured(stream_is_capturing_fn is_capturing, CUpti_CallbackId id, const CUpti_CallbackData& data) noexcept {
  if (is_capturing == nullptr || data.functionParams == nullptr) return false;
  CUstreamCaptureStatus status = CU_STREAM_CAPTURE_STATUS_NONE;
  return is_capturing(launch_stream(id, data.functionParams), &status) != CUDA_SUCCESS ||
         status != CU_STREAM_CAPTURE_STATUS_NONE;
}

void track_runtime_launch(const CUpti_CallbackData& data) noexcept {
  if (const unsigned now = g_runtime_generation.load(std::memory_order_relaxed); t_runtime_generation != now) {
    t_runtime_generation = now;
    t_runtime_depth = 0;
  }
  if (data.callbackSite == CUPTI_API_ENTER) {
    if (t_runtime_depth < k_max_runtime_nesting) t_runtime_launches[t_runtime_depth] = data.correlationId;
    ++t_runtime_depth;
  } else if (t_runtime_depth > 0) {
    --t_runtime_depth;
  }
}

}  // namespace

collection_session& collection_session::instance() {
  static collection_session* session = new collection_session();  // never destroyed, on purpose
  return *session;
}

void collection_session::warn(const std::string& message) {
  std::fprintf(stderr, "rafter: warning: %s\n", message.c_str());
  std::fflush(stderr);
}

void collection_session::fail(const std::string& reason) {
  for (auto it = m_enabled.rbegin(); it != m_enabled.rend(); ++it) disable_kind(*it);
  m_enabled.clear();
  m_tracing = false;
  m_failed = true;
  m_failure = reason;
  const std::string message = "CUPTI cannot trace this process (" + reason + "); the program runs on untraced";
  {
    std::lock_guard data(m_data_mutex);
    m_warnings.push_back(message);
  }
  if (!m_warned) {
    m_warned = true;
    warn(message);
  }
}

void collection_session::decline(const std::string& reason) {
  std::lock_guard control(m_control_mutex);
  if (m_failed || m_tracing) return;
  m_failed = true;
  m_finished = true;  // writes nothing: this process is not the one being traced
  if (!m_warned) {
    m_warned = true;
    warn(reason);
  }
}

void collection_session::at_exit() noexcept {
  try {
    // A child forked without exec inherits the handler: the trace is its parent's to write, and
    // CUPTI calls in a forked CUDA process may hang.
    if (getpid() != instance().m_configured_pid) return;
    instance().finish();
  } catch (...) {  // never reaches the program
  }
}

void collection_session::configure(const collector_config& config) {
  std::lock_guard control(m_control_mutex);
  configure_locked(config);
}

void collection_session::configure_locked(const collector_config& config) {
  if (m_configured) return;
  m_config = config;
  m_configured = true;
  m_configured_pid = getpid();
  m_free_buffers.reserve(k_max_free_buffers);
  m_buffer_bytes = config.buffer_bytes;
  // Runs at exit, or when this library is unloaded (glibc ties atexit handlers of a shared
  // library to it), whichever comes first.
  std::atexit(&collection_session::at_exit);
}

bool collection_session::start(const collector_config& config) {
  std::lock_guard control(m_control_mutex);
  if (m_tracing) return true;
  if (m_failed) return false;
  configure_locked(config);
  if (std::string why; !cuda_driver_loadable(&why)) {
    fail("no CUDA driver: " + why);
    return false;
  }
  try {
    std::uint32_t version = 0;
    RAFTER_CUPTI_CALL(cuptiGetVersion(&version));
    if (!same_record_layouts(version, CUPTI_API_VERSION)) {
      throw unsupported_error(fmt::format("the CUPTI library loaded (API version {}) is not of the major version "
                                          "rafter was built with ({}); its activity records would be misread",
                                          version, CUPTI_API_VERSION));
    }
    m_cupti_version = version;
    {
      std::lock_guard pool(m_buffer_mutex);
      while (m_free_buffers.size() < 2) m_free_buffers.emplace_back(new std::uint8_t[m_buffer_bytes]);
    }
    RAFTER_CUPTI_CALL(cuptiActivityRegisterCallbacks(&collection_session::buffer_requested,
                                                     &collection_session::buffer_completed));
    if (m_config.device_buffer_bytes) {
      std::size_t value = *m_config.device_buffer_bytes;
      std::size_t size = sizeof value;
      if (const CUptiResult s = cuptiActivitySetAttribute(CUPTI_ACTIVITY_ATTR_DEVICE_BUFFER_SIZE, &size, &value);
          s != CUPTI_SUCCESS) {  // tracing goes on with CUPTI's default size
        const std::string message =
            describe_cupti_error(s, "cuptiActivitySetAttribute(DEVICE_BUFFER_SIZE)", __FILE__, __LINE__) +
            "; CUPTI's default device buffer size is used";
        std::lock_guard data(m_data_mutex);
        m_warnings.push_back(message);
      }
    }
    enable_kinds();
  } catch (const std::exception& e) {
    fail(e.what());
    return false;
  }
  m_tracing = true;
  m_ever_traced = true;
  if (m_config.roofline_metrics) start_counters();
  return true;
}

void collection_session::enable_kinds() {
  {
    std::lock_guard data(m_data_mutex);
    m_not_recorded.clear();  // a start after a stop lists what this start could not enable
  }
  // Thread ids as the OS numbers them (gettid on Linux), unique for the process's lifetime and the
  // ones Kineto, Nsight Systems and /proc use; CUPTI's default is pthread_self() cut to 32 bits.
  // Where the platform refuses, CUPTI's default stays: ids are then only consistent within the trace.
  if (const CUptiResult status = cuptiSetThreadIdType(CUPTI_ACTIVITY_THREAD_ID_TYPE_SYSTEM); status != CUPTI_SUCCESS) {
    std::lock_guard data(m_data_mutex);
    m_not_recorded.push_back("OS thread ids (" +
                             describe_cupti_error(status, "cuptiSetThreadIdType(CUPTI_ACTIVITY_THREAD_ID_TYPE_SYSTEM)",
                                                  __FILE__, __LINE__) +
                             "): threads are CUPTI's default ids (pthread_self)");
  }
  for (const auto& k : k_kinds) {
    const CUptiResult status = enable_kind(k.kind);
    if (status == CUPTI_SUCCESS) {
      m_enabled.push_back(k.kind);
    } else if (k.kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL) {
      throw_cupti_error(status, "cuptiActivityEnable(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL)", __FILE__, __LINE__);
    } else {
      const std::string why = describe_cupti_error(status, (std::string("cuptiActivityEnable(CUPTI_ACTIVITY_KIND_") +
                                                            k.name + ")").c_str(), __FILE__, __LINE__);
      if (k.kind == CUPTI_ACTIVITY_KIND_RUNTIME || k.kind == CUPTI_ACTIVITY_KIND_DRIVER) {
        // Only launches are lost: kernels are still traced, but fall in no CPU-side range.
        const std::string message = std::string(k.kind == CUPTI_ACTIVITY_KIND_DRIVER ? "driver-API " : "") +
                                    "kernel launch calls are not recorded (" + why + "): those kernels count in no NVTX range";
        warn(message);
        std::lock_guard data(m_data_mutex);
        m_warnings.push_back(message);
      }
      std::lock_guard data(m_data_mutex);
      m_not_recorded.push_back(std::string(k.missing) + " (" + why + ")");
    }
  }
}

void collection_session::start_counters() {
  try {
    if (m_config.metrics_file.empty()) {
      throw unsupported_error("no metric set given (RAFTER_TRACE_METRICS_FILE)");
    }
    auto metrics = metric_set::load(m_config.metrics_file);
    auto selector = std::make_unique<kernel_selector>(m_config, metrics.never_replayed());
    auto profiler = std::make_unique<range_profiler>(metrics);
    if (m_subscriber == nullptr) subscribe();  // a start after a stop keeps the subscription it had
    for (const CUpti_CallbackId id : k_launch_callbacks) {
      RAFTER_CUPTI_CALL(cuptiEnableCallback(1, m_subscriber, CUPTI_CB_DOMAIN_DRIVER_API, id));
    }
    for (const CUpti_CallbackId id : k_wait_only_launch_callbacks) {
      RAFTER_CUPTI_CALL(cuptiEnableCallback(1, m_subscriber, CUPTI_CB_DOMAIN_DRIVER_API, id));
    }
    g_runtime_generation.fetch_add(1);
    for (const CUpti_CallbackId id : k_runtime_launch_callbacks) {
      RAFTER_CUPTI_CALL(cuptiEnableCallback(1, m_subscriber, CUPTI_CB_DOMAIN_RUNTIME_API, id));
    }
    RAFTER_CUPTI_CALL(
        cuptiEnableCallback(1, m_subscriber, CUPTI_CB_DOMAIN_RESOURCE, CUPTI_CBID_RESOURCE_CONTEXT_CREATED));
    RAFTER_CUPTI_CALL(
        cuptiEnableCallback(1, m_subscriber, CUPTI_CB_DOMAIN_RESOURCE, CUPTI_CBID_RESOURCE_CONTEXT_DESTROY_STARTING));
    std::lock_guard profile(m_gate.mutex());
    m_metric_set = std::move(metrics);
    m_selector = std::move(selector);
    m_range_profiler = std::move(profiler);
    m_dropped_metrics_reported = 0;
    m_stream_is_capturing.store(loaded_stream_is_capturing());
    m_counters_active = true;
  } catch (const std::exception& e) {
    if (m_subscriber != nullptr) {
      (void)cuptiUnsubscribe(m_subscriber);
      m_subscriber = nullptr;
    }
    const std::string message = std::string("per-kernel counters (--metrics roofline) unavailable: ") + e.what() +
                                "; tracing kernels without counters";
    {
      std::lock_guard data(m_data_mutex);
      m_warnings.push_back(message);
    }
    warn(message);
  }
}

void collection_session::subscribe() {
  // CUPTI takes one callback subscriber per process: an Nsight tool, cuda-gdb or a profiler inside
  // the program may hold it. The _v2 call names us and tells who holds it.
  char holder[CUPTI_OLD_SUBSCRIBER_NAME_MIN_LEN] = {};
  CUpti_SubscriberParams params{};
  params.structSize = CUpti_SubscriberParams_STRUCT_SIZE;
  params.subscriberName = "rafter";
  params.oldSubscriberName = holder;
  params.oldSubscriberSize = sizeof holder;
  const CUptiResult status = cuptiSubscribe_v2(&m_subscriber, &collection_session::on_callback, this, &params);
  if (status == CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED) {
    m_subscriber = nullptr;
    holder[sizeof holder - 1] = '\0';
    throw unsupported_error(fmt::format("CUPTI's callbacks are held by {} (one subscriber per process)",
                                        holder[0] != '\0' ? std::string(holder) : std::string("another tool")));
  }
  if (status != CUPTI_SUCCESS) {
    m_subscriber = nullptr;
    throw_cupti_error(status, "cuptiSubscribe_v2(rafter)", __FILE__, __LINE__);
  }
}

void collection_session::release_counters() noexcept {
  // Called with the gate locked.
  m_counters_active = false;
  if (m_range_profiler) m_range_profiler->release_all();
}

void collection_session::stop_counters(const std::string& reason) noexcept {
  // Called with the gate locked.
  if (!m_counters_active) return;
  release_counters();
  warn(reason);
  try {
    std::lock_guard data(m_data_mutex);
    m_warnings.push_back(reason);
  } catch (...) {  // out of memory: the line on stderr is all that is left
  }
}

bool collection_session::wait_for_replay(std::unique_lock<std::timed_mutex>& profile) noexcept {
  // This thread's own selected launch holds the lock: waiting for it would wait for itself.
  return t_profiled_context == nullptr && m_gate.wait(profile);
}

void collection_session::forget_destroyed_contexts() noexcept {
  // Called with the gate locked.
  try {
    const std::vector<CUcontext> destroyed = m_gate.take_destroyed();
    if (m_range_profiler) {
      for (const CUcontext ctx : destroyed) m_range_profiler->forget_context(ctx);
    }
  } catch (...) {  // the mutex failed: the states stay until counters stop and release them all
  }
}

bool collection_session::lock_out_replay(std::unique_lock<std::timed_mutex>& profile, const char* when) noexcept {
  if (wait_for_replay(profile)) return true;
  // A replay outlasted the wait (a hang, most likely): no launch is selected from now on, the
  // replay's API exit releases the Range Profiler should it ever return, and the trace is written
  // without that kernel's counters.
  m_counters_active = false;
  try {
    const std::string message = fmt::format(
        "at {}, a kernel replay was still running after {} s; the trace is written without its counters", when,
        k_replay_wait.count());
    warn(message);
    std::lock_guard data(m_data_mutex);
    m_warnings.push_back(message);
  } catch (...) {  // out of memory: the trace is written all the same
  }
  return false;
}

void collection_session::report_dropped_metrics() {
  // Called with the gate locked.
  const auto& dropped = m_range_profiler->dropped_metrics();
  if (dropped.size() <= m_dropped_metrics_reported) return;
  std::lock_guard lock(m_data_mutex);
  for (std::size_t i = m_dropped_metrics_reported; i < dropped.size(); ++i) {
    m_warnings.push_back("metric " + dropped[i] + " is not available on this chip; not collected");
  }
  m_dropped_metrics_reported = dropped.size();
}

void CUPTIAPI collection_session::on_callback(void* self, CUpti_CallbackDomain domain, CUpti_CallbackId id,
                                              const void* data) {
  auto& session = *static_cast<collection_session*>(self);
  try {
    if (domain == CUPTI_CB_DOMAIN_DRIVER_API) {
      session.on_launch(id, *static_cast<const CUpti_CallbackData*>(data));
    } else if (domain == CUPTI_CB_DOMAIN_RUNTIME_API) {
      track_runtime_launch(*static_cast<const CUpti_CallbackData*>(data));
    } else if (domain == CUPTI_CB_DOMAIN_RESOURCE && id == CUPTI_CBID_RESOURCE_CONTEXT_CREATED) {
      // The profiler API is initialized before the new context loads modules (NVIDIA's injection
      // sample does the same), not at the first selected launch. A selected launch holding the
      // lock has initialized it already (or will: range_profiler::prepare); the new context does
      // not wait for that launch's replay.
      std::unique_lock profile(session.m_gate.mutex(), std::try_to_lock);
      if (!profile.owns_lock()) return;
      session.forget_destroyed_contexts();  // the new context may have a destroyed one's handle
      if (!session.m_counters_active || !session.m_range_profiler) return;
      try {
        session.m_range_profiler->initialize();
      } catch (const std::exception& e) {
        session.stop_counters(std::string("per-kernel counters stopped: ") + e.what());
      }
    } else if (domain == CUPTI_CB_DOMAIN_RESOURCE && id == CUPTI_CBID_RESOURCE_CONTEXT_DESTROY_STARTING) {
      const auto& resource = *static_cast<const CUpti_ResourceData*>(data);
      std::unique_lock profile(session.m_gate.mutex(), std::defer_lock);
      if (!session.wait_for_replay(profile)) {
        // A replay in another context outlasted the wait (or hangs): this context's state is
        // forgotten, without CUPTI calls on a context that is gone, by the next holder of the
        // lock, and counters stop when that replay ends.
        session.m_gate.destroyed_while_locked_out(resource.context);
        session.m_stop_after_replay = true;
        if (t_profiled_context != nullptr || !profile.try_lock()) return;  // the replay may have ended meanwhile
        session.forget_destroyed_contexts();
        return;
      }
      if (session.m_range_profiler) session.m_range_profiler->release_context(resource.context);
    }
  } catch (...) {  // out of memory while building a message: never into CUPTI or the program
  }
}

void collection_session::on_launch(CUpti_CallbackId id, const CUpti_CallbackData& data) {
  if (data.callbackSite == CUPTI_API_ENTER) {
    // Captured launches are not selected (nor counted by --skip / --max-kernels): they get no counters.
    // Graph and legacy launches are never selected: they only wait for a replay in their context.
    const bool wait_only = wait_only_launch(id);
    if (!m_counters_active.load() || (!wait_only && captured(m_stream_is_capturing.load(), id, data))) return;
    // Nested inside this thread's selected launch, or no context to profile: never selected.
    if (t_profiled_context != nullptr || data.context == nullptr) return;
    // Another thread's selected launch may be in replay. One in another context cannot take this
    // launch into its counters: this launch goes ahead, not considered for counters. One in this
    // context would (CUPTI profiles every kernel of the context while a range is open, and would
    // replay this one, an NCCL kernel too): this launch waits until that replay ends. Kernel
    // replay cannot serve kernels that wait on each other across threads (a consumer replayed
    // while its producer waits): such a program hangs under --metrics; exclude them with
    // --kernels (profiler/README.md). A wait of k_replay_wait means such a hang, or a lock
    // this thread holds that the replay needs: this launch then goes ahead, and counters stop once
    // that replay ends (the collector steps aside rather than hold the program forever).
    std::unique_lock profile(m_gate.mutex(), std::try_to_lock);
    if (!profile.owns_lock()) {
      const CUcontext replaying = m_gate.replaying();
      if (replaying != nullptr && replaying != data.context) {
        std::lock_guard lock(m_data_mutex);
        m_decoder.count("launches_not_considered_during_replay", 1);
        return;
      }
      if (!wait_for_replay(profile)) {
        m_stop_after_replay = true;
        std::lock_guard lock(m_data_mutex);
        m_decoder.count("launches_into_a_replay", 1);
        return;
      }
    }
    if (wait_only) return;  // no replay open in its context now; the lock is released here
    forget_destroyed_contexts();  // before a destroyed context's handle could be taken for this one's
    try {
      if (!m_counters_active) return;
      const kernel_selector::choice choice = m_selector->select(data.symbolName != nullptr ? data.symbolName : "");
      if (choice == kernel_selector::choice::never_replayed) {
        std::lock_guard lock(m_data_mutex);
        m_decoder.count("launches_never_replayed", 1);
      }
      if (choice == kernel_selector::choice::selected) {
        m_range_profiler->begin_kernel(data.context);
        report_dropped_metrics();  // may throw: the catch below releases the session just started
        // Last, when nothing can throw any more: from here this launch's API exit owns the lock.
        t_profiled_context = data.context;
        t_profiled_correlation = data.correlationId;
        m_gate.begin_replay(data.context);
        profile.release();  // the gate stays locked until this launch's API exit
        return;
      }
    } catch (const std::exception& e) {
      stop_counters(std::string("per-kernel counters stopped: ") + e.what());
    }
    return;
  }
  // API exit of a launch without counters, or of one nested in the selected launch.
  if (t_profiled_context == nullptr || data.correlationId != t_profiled_correlation) return;
  const CUcontext ctx = t_profiled_context;
  t_profiled_context = nullptr;
  std::unique_lock profile(m_gate.mutex(), std::adopt_lock);
  m_gate.end_replay();
  forget_destroyed_contexts();
  const auto* result = static_cast<const CUresult*>(data.functionReturnValue);
  if (result != nullptr && *result != CUDA_SUCCESS) {
    // The launch failed: nothing ran to count. Its session is closed as far as it goes; a failure
    // to close it costs no later launch anything (the next begin_kernel would report it).
    try {
      (void)m_range_profiler->end_kernel(ctx);
    } catch (const std::exception&) {
    }
    if (m_selector) m_selector->selected_launch_failed();  // its place goes to the next matching launch
    try {
      std::lock_guard lock(m_data_mutex);
      m_decoder.count("selected_launches_failed", 1);
    } catch (const std::exception&) {
    }
  } else {
    try {
      const auto values = m_range_profiler->end_kernel(ctx);
      if (values) {
        kernel_metrics metrics = m_metric_set->to_kernel_metrics(*values, m_range_profiler->chip(ctx));
        const std::vector<std::uint32_t> runtime_ids(
            t_runtime_launches.begin(), t_runtime_launches.begin() + std::min(t_runtime_depth, k_max_runtime_nesting));
        std::lock_guard lock(m_data_mutex);
        m_decoder.add_kernel_metrics(data.correlationId, std::move(metrics), runtime_ids);
      } else {
        std::lock_guard lock(m_data_mutex);
        m_decoder.add_kernel_without_counters();
      }
    } catch (const std::exception& e) {
      stop_counters(std::string("per-kernel counters stopped: ") + e.what());
    }
  }
  if (m_stop_after_replay.exchange(false)) {
    stop_counters(fmt::format("per-kernel counters stopped: another thread waited {} s for the replay of a kernel "
                              "(kernels that wait on each other cannot be replayed; --kernels can leave them out)",
                              k_replay_wait.count()));
  }
  if (!m_counters_active || (m_selector && m_selector->exhausted())) {
    // Every requested kernel has its counters, or stop/finish turned counters off while this
    // replay ran: nothing stays enabled, launches run unserialized.
    release_counters();
  }
}

std::uint8_t* collection_session::take_buffer(std::size_t& size) {
  // The pool's own lock: the program's launching threads that CUPTI asks for a buffer never wait
  // for a buffer being decoded (m_data_mutex).
  std::lock_guard pool(m_buffer_mutex);
  ++m_buffers_outstanding;
  if (!m_free_buffers.empty()) {
    std::uint8_t* buffer = m_free_buffers.back().release();
    m_free_buffers.pop_back();
    size = m_buffer_bytes;
    return buffer;
  }
  try {
    size = m_buffer_bytes;
    return new std::uint8_t[m_buffer_bytes];
  } catch (const std::bad_alloc&) {
    m_buffer_allocation_failures.fetch_add(1);
  }
  if (!g_emergency_in_use.test_and_set()) {
    size = k_emergency_bytes;
    return g_emergency_buffer;
  }
  --m_buffers_outstanding;
  size = 0;
  return nullptr;
}

void collection_session::return_buffer(std::uint8_t* buffer) noexcept {
  if (buffer == nullptr) return;
  std::lock_guard pool(m_buffer_mutex);
  --m_buffers_outstanding;
  if (buffer == g_emergency_buffer) {
    g_emergency_in_use.clear();
  } else if (m_free_buffers.size() < m_free_buffers.capacity()) {  // reserved: never allocates here
    m_free_buffers.emplace_back(buffer);
  } else {
    delete[] buffer;
  }
}

void CUPTIAPI collection_session::buffer_requested(std::uint8_t** buffer, std::size_t* size, std::size_t* max_records) {
  auto& session = instance();
  std::size_t bytes = 0;
  *buffer = session.take_buffer(bytes);
  *size = bytes;
  *max_records = 0;  // as many as fit
}

void CUPTIAPI collection_session::buffer_completed(CUcontext ctx, std::uint32_t stream, std::uint8_t* buffer,
                                                   std::size_t /*size*/, std::size_t valid_bytes) {
  auto& session = instance();
  // Asked of CUPTI before taking the lock that launch callbacks also take.
  std::size_t dropped = 0;
  if (cuptiActivityGetNumDroppedRecords(ctx, stream, &dropped) != CUPTI_SUCCESS) dropped = 0;
  {
    std::lock_guard data(session.m_data_mutex);
    try {
      cupti_buffer_source source(buffer, valid_bytes);
      session.m_decoder.decode(source);
      if (source.status() != CUPTI_SUCCESS) session.m_decoder.count("unreadable_buffers", 1);
      session.m_decoder.add_dropped_records(dropped);
      session.m_decoder.count("buffers", 1);
    } catch (...) {  // out of memory while decoding
      try {
        session.m_decoder.count("unreadable_buffers", 1);
      } catch (...) {  // nor to count with: never into CUPTI
      }
    }
  }
  session.return_buffer(buffer);
}

void collection_session::flush_cupti(bool forced) {
  if (!m_tracing) return;
  const CUptiResult status = cuptiActivityFlushAll(forced ? CUPTI_ACTIVITY_FLAG_FLUSH_FORCED : 0);
  // Drops since the last completed buffer (the count resets on each read).
  std::size_t dropped = 0;
  if (cuptiActivityGetNumDroppedRecords(nullptr, 0, &dropped) != CUPTI_SUCCESS) dropped = 0;
  std::lock_guard data(m_data_mutex);
  m_decoder.add_dropped_records(dropped);
  if (status != CUPTI_SUCCESS) {
    m_warnings.push_back(describe_cupti_error(status, "cuptiActivityFlushAll", __FILE__, __LINE__) +
                         ": records still in CUPTI's buffers are missing");
  }
}

trace collection_session::build_trace() {
  std::lock_guard data(m_data_mutex);
  trace t = m_decoder.build();
  if (const auto failures = m_buffer_allocation_failures.load(); failures > 0) {
    t.source.counters["buffer_allocation_failures"] = failures;
  }
  t.source.tool = "rafter";
  t.source.version = version_string;
  if (m_cupti_version != 0) t.source.counters["cupti_api_version"] = m_cupti_version;
  if (const int nvtx = m_nvtx_injection.load(); nvtx >= 0) t.source.counters["nvtx_injection"] = nvtx;
  if (!m_failure.empty() && !m_ever_traced) {
    // CUPTI never traced: an empty trace that says so, not one that claims kernels were recorded.
    t.source.recorded = {};
    t.source.not_recorded = {"everything: CUPTI could not trace this process (" + m_failure + ")"};
    t.source.warnings.insert(t.source.warnings.begin(), m_warnings.begin(), m_warnings.end());
    return t;
  }
  t.source.recorded = {"kernels", "copies", "devices"};
  if (m_config.nvtx) t.source.recorded.emplace_back("ranges");
  if (const auto it = t.source.counters.find("kernels_with_launch"); it != t.source.counters.end() && it->second > 0) {
    t.source.recorded.emplace_back("kernel launches");
  }
  t.source.not_recorded = {"CUDA runtime and driver API calls (only each kernel's launching runtime call: its "
                           "thread and start, kernels[].launch)",
                           "launches through the driver API (cuLaunchKernel, as Triton launches): such kernels have no "
                           "launch and count in no NVTX range",
                           "framework ops",
                           "external correlation ids, synchronization and CUPTI overhead intervals (counted only)"};
  if (!m_config.nvtx) t.source.not_recorded.emplace_back("NVTX ranges (trace with --nvtx)");
  if (m_config.roofline_metrics) {
    if (const auto it = t.source.counters.find("kernels_with_metrics"); it != t.source.counters.end() && it->second > 0) {
      t.source.recorded.emplace_back("metrics");
    }
    t.source.not_recorded.emplace_back(
        "counters of kernels outside the selection (--kernels, --skip, --max-kernels) and of kernels launched by "
        "CUDA graphs: only kernels with a metrics object have counters");
  }
  for (const auto& n : m_not_recorded) t.source.not_recorded.push_back(n);
  std::vector<std::string> warnings = m_warnings;
  warnings.insert(warnings.end(), t.source.warnings.begin(), t.source.warnings.end());
  t.source.warnings = std::move(warnings);
  return t;
}

void collection_session::write_trace() {
  if (!m_configured) return;
  try {
    save_trace(m_config.output, build_trace());
  } catch (const std::exception& e) {
    warn(std::string("could not write the trace: ") + e.what());
  }
}

void collection_session::stop() {
  std::lock_guard control(m_control_mutex);
  if (m_finished) return;
  if (m_tracing) {
    if (std::unique_lock profile(m_gate.mutex(), std::defer_lock); lock_out_replay(profile, "stop")) release_counters();
    flush_cupti(true);
    for (auto it = m_enabled.rbegin(); it != m_enabled.rend(); ++it) disable_kind(*it);
    m_enabled.clear();
    flush_cupti(true);
    m_tracing = false;
  }
  write_trace();
}

void collection_session::flush() {
  std::lock_guard control(m_control_mutex);
  if (m_finished) return;
  flush_cupti(false);
  write_trace();
}

void collection_session::finish() {
  std::lock_guard control(m_control_mutex);
  if (m_finished) return;
  m_finished = true;
  if (std::unique_lock profile(m_gate.mutex(), std::defer_lock); lock_out_replay(profile, "exit")) {
    m_counters_active = false;
  }
  flush_cupti(true);
  write_trace();
}

trace collection_session::snapshot() {
  std::lock_guard control(m_control_mutex);
  flush_cupti(false);
  return build_trace();
}

}  // namespace rafter::profiler

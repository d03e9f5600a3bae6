#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <cupti.h>

#include "core/trace.hpp"
#include "profiler/activity_decoder.hpp"
#include "profiler/collector_config.hpp"
#include "profiler/cuda_driver.hpp"
#include "profiler/kernel_selector.hpp"
#include "profiler/metric_set.hpp"
#include "profiler/range_profiler.hpp"
#include "profiler/replay_gate.hpp"

namespace rafter::profiler {

/// The process-wide CUPTI collection behind the injection library, `rafter::collector` and the
/// C API. CUPTI allows one activity subscriber per process, so there is one session.
///
/// Contract: no CUPTI failure reaches the program. The first failure prints one warning line on
/// stderr ("rafter: ...") and the program runs on untraced; the trace written at exit says why
/// it is empty. Thread-safe: CUPTI completes buffers on its own thread while the program's threads
/// launch, flush and exit.
class collection_session {
public:
  /// The session; never destroyed (it must outlive atexit handlers and CUPTI's threads).
  [[nodiscard]] static collection_session& instance();

  /// Enables activity tracing with `config` (the first successful start fixes the config).
  /// True when tracing; false after one warning when CUPTI cannot trace here.
  bool start(const collector_config& config);
  /// Fixes the configuration if no start did yet (so a flush before any start writes where asked).
  void configure(const collector_config& config);
  /// Disables activity tracing and per-kernel counters, flushes and writes the trace.
  void stop();
  /// Flushes CUPTI's buffers and writes the trace so far; tracing continues.
  void flush();
  /// At process exit (registered by the first configure): flushes (forced) and writes the trace, once.
  void finish();
  /// Marks this process as one that must not trace (a child of the traced program) and warns once.
  void decline(const std::string& reason);
  /// Whether CUPTI took NVTX's injection (InitializeInjectionNvtx2): the trace's `nvtx_injection`
  /// counter, 1 or 0; absent when the program made no NVTX call.
  void note_nvtx_injection(bool accepted) noexcept { m_nvtx_injection.store(accepted ? 1 : 0); }
  /// The trace of everything decoded so far, after flushing CUPTI's buffers.
  [[nodiscard]] trace snapshot();
  [[nodiscard]] bool tracing() const noexcept { return m_tracing.load(); }

  // CUPTI callbacks (C linkage not required: CUPTI takes plain function pointers).
  static void CUPTIAPI buffer_requested(std::uint8_t** buffer, std::size_t* size, std::size_t* max_records);
  static void CUPTIAPI buffer_completed(CUcontext ctx, std::uint32_t stream, std::uint8_t* buffer, std::size_t size,
                                        std::size_t valid_bytes);
  static void CUPTIAPI on_callback(void* self, CUpti_CallbackDomain domain, CUpti_CallbackId id, const void* data);

private:
  collection_session() = default;

  static void at_exit() noexcept;
  void configure_locked(const collector_config& config);
  void fail(const std::string& reason);
  void warn(const std::string& message);
  void enable_kinds();
  void start_counters();
  // Takes CUPTI's callback subscriber (m_subscriber); throws naming the tool that holds it.
  void subscribe();
  // These three are called with the gate locked.
  // Counters off and the Range Profiler released on every context (nothing stays enabled).
  void release_counters() noexcept;
  // After a failure: releases counters, warns once on stderr and in the trace.
  void stop_counters(const std::string& reason) noexcept;
  // Before stop or exit ("stop", "exit") writes the trace: locks `profile` (the gate's mutex,
  // unlocked), waiting for a running replay as replay_gate::wait does. Past that: false, counters are
  // off (the replay's own API exit releases them), and a warning says so.
  bool lock_out_replay(std::unique_lock<std::timed_mutex>& profile, const char* when) noexcept;
  // replay_gate::wait, and false without waiting when this thread's own selected launch holds
  // the gate.
  bool wait_for_replay(std::unique_lock<std::timed_mutex>& profile) noexcept;
  // With the gate locked: drops the Range Profiler state of contexts destroyed while it could not
  // be locked (replay_gate::take_destroyed), without CUPTI calls on them.
  void forget_destroyed_contexts() noexcept;
  void report_dropped_metrics();
  void flush_cupti(bool forced);
  [[nodiscard]] trace build_trace();
  void write_trace();
  void on_launch(CUpti_CallbackId id, const CUpti_CallbackData& data);
  std::uint8_t* take_buffer(std::size_t& size);
  void return_buffer(std::uint8_t* buffer) noexcept;

  // Guards start/stop/flush/finish sequencing. Never held by a CUPTI buffer callback, so CUPTI may
  // complete buffers synchronously inside cuptiActivityFlushAll.
  std::mutex m_control_mutex;
  // Guards everything below that buffer and launch callbacks touch.
  std::mutex m_data_mutex;
  // How long anything waits for a running replay (a launch into its context, a context being
  // destroyed, stop, the write at exit) before it goes ahead without it: longer than any replay of
  // a kernel that does not wait on another, short of a hang the program's user would kill.
  static constexpr std::chrono::seconds k_replay_wait{60};
  // Locked from a selected launch's API entry to its exit (counters of one kernel at a time);
  // launches into the same context wait for it, launches into other contexts do not (on_launch);
  // nothing waits for one replay longer than k_replay_wait (replay_gate).
  replay_gate m_gate{k_replay_wait};
  // Set by whatever gave up waiting for a replay (a launch, a context destroy): counters stop once it ends.
  std::atomic<bool> m_stop_after_replay{false};

  collector_config m_config;
  bool m_configured = false;
  int m_configured_pid = 0;  // the process whose exit writes the trace (not a forked child)
  std::atomic<bool> m_tracing{false};
  bool m_failed = false;
  bool m_finished = false;
  bool m_warned = false;
  std::string m_failure;     // why CUPTI could not trace (empty while it can)
  bool m_ever_traced = false;  // some start traced: a later failed start does not void its records
  std::vector<std::string> m_warnings;     // for the trace's source.warnings
  std::vector<std::string> m_not_recorded;  // kinds that could not be enabled
  std::vector<CUpti_ActivityKind> m_enabled;

  activity_decoder m_decoder;
  // Guards the buffer pool (m_free_buffers, m_buffers_outstanding) only: CUPTI asks for buffers
  // on the program's threads, which must not wait for a decode.
  std::mutex m_buffer_mutex;
  std::atomic<std::int64_t> m_buffer_allocation_failures{0};
  std::vector<std::unique_ptr<std::uint8_t[]>> m_free_buffers;
  std::size_t m_buffer_bytes = 0;
  std::size_t m_buffers_outstanding = 0;

  CUpti_SubscriberHandle m_subscriber = nullptr;
  std::optional<metric_set> m_metric_set;
  std::unique_ptr<kernel_selector> m_selector;
  std::unique_ptr<range_profiler> m_range_profiler;
  // Written with the gate locked (but by lock_out_replay after a replay outlasted its
  // wait); read without it first by every launch (the fast path once the selection is exhausted or
  // counters stopped).
  std::atomic<bool> m_counters_active{false};
  std::atomic<stream_is_capturing_fn> m_stream_is_capturing{nullptr};
  std::size_t m_dropped_metrics_reported = 0;
  std::uint32_t m_cupti_version = 0;  // cuptiGetVersion of the library in use, once tracing
  std::atomic<int> m_nvtx_injection{-1};  // -1: NVTX never asked; else note_nvtx_injection
};

}  // namespace rafter::profiler

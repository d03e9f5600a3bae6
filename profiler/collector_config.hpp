#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rafter::profiler {

/// What the collector records and where it writes it. `rafter trace` sets it through environment
/// variables (names below) for the injected program; the in-process API takes it directly.
struct collector_config {
  /// RAFTER_TRACE_OUTPUT: where the trace is written at exit and on `rafter_flush()`
  /// (`.json` or `.json.gz`).
  std::filesystem::path output = "rafter-trace.json";
  /// RAFTER_TRACE_METRICS: "none" (activity only) or "roofline" (per-kernel counters through the
  /// CUPTI Range Profiler, kernel replay).
  bool roofline_metrics = false;
  /// RAFTER_TRACE_METRICS_FILE: the metric set for "roofline" (configs/collector_metrics.json).
  std::filesystem::path metrics_file;
  /// RAFTER_TRACE_KERNELS: ECMAScript regex; only launches whose (mangled or demangled) name
  /// contains a match get counters. Empty: every kernel.
  std::string kernel_regex;
  /// RAFTER_TRACE_SKIP: matching launches passed over before counters start.
  std::int64_t skip = 0;
  /// RAFTER_TRACE_MAX_KERNELS: at most this many launches get counters. Empty: no bound.
  std::optional<std::int64_t> max_kernels;
  /// RAFTER_TRACE_BUFFER_BYTES: size of each activity buffer handed to CUPTI, in bytes.
  std::size_t buffer_bytes = std::size_t{8} << 20;
  /// RAFTER_TRACE_DEVICE_BUFFER_BYTES: size of each of CUPTI's device-side activity buffers
  /// (CUPTI_ACTIVITY_ATTR_DEVICE_BUFFER_SIZE), for programs that launch so many kernels between
  /// flushes that records are dropped. Empty: CUPTI's default.
  std::optional<std::size_t> device_buffer_bytes;
  /// RAFTER_TRACE_NVTX=1: NVTX ranges were requested (NVTX_INJECTION64_PATH is set).
  bool nvtx = false;
  /// RAFTER_TRACE_ROOT_PID: only this process writes the trace (children that inherit the
  /// environment warn and write nothing). Empty: the process that loads the collector writes.
  std::optional<std::int64_t> root_pid;
};

inline constexpr std::size_t min_buffer_bytes = std::size_t{64} << 10;
inline constexpr std::size_t max_buffer_bytes = std::size_t{1} << 30;
inline constexpr std::size_t min_device_buffer_bytes = std::size_t{1} << 20;
inline constexpr std::size_t max_device_buffer_bytes = std::size_t{4} << 30;

/// Reads the configuration from environment variables through `lookup` (`std::getenv` in the
/// collector); unset variables keep their defaults. Throws `usage_error` naming the variable and
/// the bad value.
[[nodiscard]] collector_config config_from_environment(const std::function<const char*(const char*)>& lookup);

/// The environment variables that make the collector in another process use `config`.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> config_to_environment(const collector_config& config);

}  // namespace rafter::profiler

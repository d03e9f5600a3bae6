#pragma once
// What the in-process benchmarks (bench_analyze, bench_collector_decode) measure with: wall time
// and the process's peak resident memory.

#include <chrono>

#include <sys/resource.h>

namespace rafter::bench {

using clock_type = std::chrono::steady_clock;

/// Seconds since `t0`.
inline double since(clock_type::time_point t0) { return std::chrono::duration<double>(clock_type::now() - t0).count(); }

/// The process's peak resident memory so far, in bytes.
inline double peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) * 1024.0;  // Linux reports KiB.
}

}  // namespace rafter::bench

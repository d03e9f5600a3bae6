#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rafter {

/// Busy and idle time of one device over the trace (kernels and copies), its idle gaps and
/// concurrency, and a coarse timeline strip.
struct device_summary {
  /// Idle gaps between busy stretches whose length falls in [min_s, max_s).
  struct gap_bucket {
    double min_s = 0.0;
    double max_s = 0.0;  ///< +inf for the last bucket (written as null).
    std::int64_t count = 0;
    double total_s = 0.0;
  };
  /// One bin of the timeline strip.
  struct timeline_bin {
    double busy_fraction = 0.0;  ///< Of the bin's length, covered by at least one kernel.
    std::string dominant_class;  ///< The class with the most kernel time in the bin; empty when idle.
  };

  int device = 0;
  std::string name;
  std::int64_t kernels = 0;
  std::int64_t copies = 0;
  std::int64_t start_ns = 0;  ///< First start of a kernel or copy.
  std::int64_t end_ns = 0;    ///< Last end.
  double span_s = 0.0;        ///< end - start.
  double busy_s = 0.0;        ///< Union of kernel and copy intervals.
  double kernel_busy_s = 0.0;  ///< Union of kernel intervals.
  double idle_s = 0.0;         ///< span - busy.
  double kernel_time_s = 0.0;  ///< Sum of kernel durations (concurrent kernels each count).
  double concurrent_s = 0.0;   ///< Time with two or more kernels running at once.
  int max_concurrency = 0;
  std::int64_t gaps = 0;       ///< Idle gaps between kernels.
  double gap_total_s = 0.0;
  std::vector<gap_bucket> gap_histogram;
  std::vector<timeline_bin> timeline;  ///< Equal bins over [start_ns, end_ns).
};

}  // namespace rafter

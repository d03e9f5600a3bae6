#pragma once

#include <string>
#include <vector>

namespace rafter::profiler {

/// One counter of the collector's metric set (configs/collector_metrics.json) and what it
/// contributes to a kernel's `kernel_metrics`.
struct metric_spec {
  enum class role {
    flop,         ///< `weight` x value FLOP (or tensor ops) added to `flop[key]`.
    bytes,        ///< value bytes added to `bytes[key]` (a memory level: "dram", "l2", "l1").
    sm_clock_hz,  ///< value x `weight` is the SM clock in Hz.
    duration_s,   ///< value x `weight` is the kernel's duration in seconds.
    raw           ///< Kept only in `raw`.
  };
  std::string name;  ///< The Perfworks metric name with its rollup: "dram__bytes.sum".
  role kind = role::raw;
  std::string key;       ///< `flop` / `bytes` map key.
  double weight = 1.0;  ///< flop: FLOP per counted instruction; otherwise the scale to SI units.
  std::vector<std::string> chips;  ///< Request only on these chips ("GH100"); empty: every chip.
};

}  // namespace rafter::profiler

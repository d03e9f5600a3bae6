#pragma once

namespace rafter {

/// The thresholds of the limiter rules (docs/metrics.md, "Limiter"). Fractions are of a roof
/// (1 = at the roof). The throughput thresholds follow Nsight Compute's SpeedOfLight rule
/// (SOLBottleneck: 80 / 60 / 10 %). Every verdict in an analysis carries the thresholds it used.
struct limiter_thresholds {
  double high_throughput = 0.80;  ///< A roof at or above this fraction names the limiter outright.
  double latency_bound = 0.60;    ///< Every roof below this fraction: latency / occupancy.
  double balanced = 0.10;         ///< Compute and memory fractions closer than this: "balanced".
  double short_kernel_s = 10e-6;  ///< Launch overhead: mean kernel time below this ...
  double launch_gap_ratio = 1.0;  ///< ... and mean idle gap before each launch >= ratio x mean time.
  double noise = 0.10;            ///< Achieved above a roof by more than this fraction is flagged.
  double min_launch_s = 2e-6;     ///< Time at the roof: no launch is faster than this, or than the
                                  ///< trace's shortest kernel when that is shorter.
};

}  // namespace rafter

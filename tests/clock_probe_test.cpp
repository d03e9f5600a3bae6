#include "microbench/host/kernels/clock_probe.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace rafter::host {
namespace {

/// The kernel's cpufreq ceiling in Hz, or 0 where the (virtual) machine does not expose one.
double cpufreq_max_hz() {
  std::ifstream in("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
  double khz = 0;
  if (!(in >> khz)) return 0;
  return khz * 1e3;
}

// No x86-64 or Arm server core runs a dependent integer add chain faster than 1 per cycle at more
// than ~6.5 GHz; a chain the core folds (add $imm at rename, several per cycle) reads 9-13 "GHz".
TEST(clock_probe, measures_a_plausible_core_clock) {
  const double hz = measure_core_clock_hz(20'000'000);
  EXPECT_GT(hz, 0.2e9);
  EXPECT_LT(hz, 6.5e9) << "a chain of dependent adds ran faster than one per cycle: folded, not timed";
  if (const double max_hz = cpufreq_max_hz(); max_hz > 0) {
    EXPECT_LT(hz, 1.1 * max_hz) << "above cpufreq's cpuinfo_max_freq " << max_hz / 1e9 << " GHz";
  }
}

}  // namespace
}  // namespace rafter::host

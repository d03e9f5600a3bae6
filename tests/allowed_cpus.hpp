#pragma once

#include <sched.h>

#include <vector>

namespace rafter::testing {

/// Up to `most` CPUs of this process's affinity mask, lowest first ({0} when the mask cannot be
/// read): tests pin threads to CPUs the process may use (a container or `taskset` may exclude 0).
inline std::vector<int> allowed_cpus(int most) {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return {0};
  for (int c = 0; c < CPU_SETSIZE && static_cast<int>(cpus.size()) < most; ++c) {
    if (CPU_ISSET(c, &set)) cpus.push_back(c);
  }
  return cpus;
}

}  // namespace rafter::testing

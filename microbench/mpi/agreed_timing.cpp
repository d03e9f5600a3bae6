#include "microbench/mpi/agreed_timing.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace rafter::mpi {

agreed_timing time_agreed(const std::function<double(int)>& time_of, const std::function<double(double)>& slowest,
                          const agreed_timing_policy& policy) {
  const int max_repeats = std::max(policy.max_repeats, 1);
  auto run = [&](int n) { return slowest(time_of(n)); };
  (void)run(1);  // Warm-up: connections, page faults, caches.
  int n = 1;
  double t = run(1);
  while (t < policy.target_s / 10 && n <= max_repeats / 8) {
    n *= 8;
    t = run(n);
  }
  agreed_timing r;
  if (t <= 0.0) {
    r.repeats = max_repeats;
  } else {
    const double scaled = std::round(static_cast<double>(n) * policy.target_s / t);
    r.repeats = static_cast<int>(std::clamp(scaled, 1.0, static_cast<double>(max_repeats)));
  }
  int repetitions = std::max(policy.repetitions, 1);
  const int attempts = std::max(policy.max_attempts, 1);
  for (int attempt = 1; attempt <= attempts; ++attempt, repetitions *= 2) {
    std::vector<double> samples;
    samples.reserve(static_cast<std::size_t>(repetitions));
    for (int i = 0; i < repetitions; ++i) samples.push_back(run(r.repeats) / r.repeats);
    r.seconds = sample_stats::of(samples);
    r.seconds.settled = r.seconds.relative_spread() <= policy.settle_spread;
    if (r.seconds.settled) break;
  }
  return r;
}

}  // namespace rafter::mpi

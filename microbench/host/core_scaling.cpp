#include "microbench/host/core_scaling.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/exit_code.hpp"
#include "core/sample_stats.hpp"
#include "core/units.hpp"
#include "microbench/host/kernels/compute_kernels.hpp"
#include "microbench/host/kernels/simd_level.hpp"

namespace rafter::host {

std::string core_scaling_kernel(simd_level level) {
  std::string id;
  for (const auto& k : available_compute_kernels(level)) {
    if (id.empty() || k.id == "fp64.vector.fma") id = k.id;
  }
  return id;
}

double scaling_efficiency(double one_thread_rate, double all_threads_rate, int threads) noexcept {
  if (!(one_thread_rate > 0.0) || !(all_threads_rate > 0.0) || threads <= 0) return 0.0;
  return all_threads_rate / (threads * one_thread_rate);
}

core_scaling measure_core_scaling(thread_team& one, thread_team& all, const std::string& kernel_id,
                                  std::size_t iterations, int rounds) {
  const simd_level level = detect_simd_level();
  const auto kernels = available_compute_kernels(level);
  const auto k = std::find_if(kernels.begin(), kernels.end(), [&](const auto& c) { return c.id == kernel_id; });
  if (k == kernels.end()) throw unsupported_error("core scaling probe: no kernel " + kernel_id + " on this CPU");
  if (const std::string wrong = verify_compute_kernel(level, kernel_id); !wrong.empty()) {
    throw error(exit_code::check_failed, "core scaling probe: " + kernel_id + " computed a wrong result: " + wrong);
  }
  std::vector<double> one_rates, all_rates;
  const double flop = k->flop_per_iteration_per_thread * static_cast<double>(iterations);
  (void)run_compute_kernel(all, level, kernel_id, iterations / 4 + 1);  // wake every core
  for (int r = 0; r < std::max(1, rounds); ++r) {
    one_rates.push_back(flop / run_compute_kernel(one, level, kernel_id, iterations));
    all_rates.push_back(flop * all.size() / run_compute_kernel(all, level, kernel_id, iterations));
  }
  core_scaling s;
  s.kernel = kernel_id;
  s.threads = all.size();
  s.one_thread_flop_per_s = sample_stats::of(one_rates).median;
  s.all_threads_flop_per_s = sample_stats::of(all_rates).median;
  s.efficiency = scaling_efficiency(s.one_thread_flop_per_s, s.all_threads_flop_per_s, s.threads);
  return s;
}

std::string core_scaling_warning(const core_scaling& s, const std::string& when) {
  if (s.efficiency >= core_scaling_warn_below) return "";
  return fmt::format(
      "cores not independent {}: {} threads together ran {} ({}), {:.0f}% of {} x one thread's {} (vCPUs on "
      "one physical core, SMT siblings or other load); all-core L1 and compute ceilings measured then read low",
      when, s.threads, format_flops(s.all_threads_flop_per_s), s.kernel, s.efficiency * 100, s.threads,
      format_flops(s.one_thread_flop_per_s));
}

}  // namespace rafter::host

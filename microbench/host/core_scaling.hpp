#pragma once

#include <string>

#include "microbench/host/kernels/simd_level.hpp"
#include "microbench/host/kernels/thread_team.hpp"

namespace rafter::host {

/// Whether the cores the sweep runs on really are separate cores while it measures. A virtual
/// machine's vCPUs can be placed, for minutes at a time, on two hardware threads of one physical
/// core (or share it with other load); then the all-core L1 bandwidth and compute peaks halve and
/// the profile's ceilings are not the machine's. The probe times one in-register FMA kernel on the
/// first core alone and on all cores at once, alternately.
struct core_scaling {
  std::string kernel;                   ///< compute_kernels.hpp id, e.g. "fp64.vector.fma".
  double one_thread_flop_per_s = 0.0;   ///< Median rate of the first core running alone.
  double all_threads_flop_per_s = 0.0;  ///< Median aggregate rate of all cores together.
  int threads = 0;
  /// all_threads_flop_per_s / (threads * one_thread_flop_per_s): 1 for independent cores, about
  /// 1/2 for two threads on one core.
  double efficiency = 0.0;
};

/// Efficiency below which the cores are reported as sharing execution resources.
inline constexpr double core_scaling_warn_below = 0.8;

/// The probe's kernel at `level`: "fp64.vector.fma" where the CPU has it, else the first compute
/// kernel it runs; "" when it runs none.
[[nodiscard]] std::string core_scaling_kernel(simd_level level);

/// all / (threads * one); 0 when an input is not positive.
[[nodiscard]] double scaling_efficiency(double one_thread_rate, double all_threads_rate, int threads) noexcept;

/// Measures core_scaling with `one` (a team of one worker, pinned to the first CPU of `all`) and
/// `all`: `rounds` alternating samples of each, `iterations` kernel iterations per thread per
/// sample, kernel `kernel_id` (compute_kernels.hpp, at the widest SIMD level). The kernel is
/// verified first; throws rafter::error (exit_code::check_failed) when it computes wrongly.
[[nodiscard]] core_scaling measure_core_scaling(thread_team& one, thread_team& all, const std::string& kernel_id,
                                                std::size_t iterations, int rounds);

/// One warning line when `s.efficiency` < core_scaling_warn_below ("" otherwise); `when` names
/// the point of the sweep ("before the memory suite").
[[nodiscard]] std::string core_scaling_warning(const core_scaling& s, const std::string& when);

}  // namespace rafter::host

#include "microbench/cuda/cuda_preset.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/units.hpp"
#include "core/working_set_sizes.hpp"
#include "microbench/cuda/kernel_counts.hpp"

namespace rafter::cuda {

cuda_preset cuda_preset_for(const std::string& name) {
  cuda_preset p;
  p.name = name;
  if (name == "quick") {
    p.launch_target_s = 0.005;
    p.timing = timing_policy{5, 0.02, 0.01, 0.03, 3};
    p.steps_per_octave = 2;
    p.curve_first = std::size_t{1} << 20;
    p.curve_span_over_l2 = 8.0;
    p.curve_min_last = std::size_t{256} << 20;
    p.hbm_over_l2 = 16.0;
    p.hbm_min_bytes = std::size_t{512} << 20;
    p.chase_span_over_l2 = 4.0;
    p.chase_min_last = std::size_t{256} << 20;
    p.chase_hops = 16384;
    p.gemm_sizes = {4096, 8192};
    p.link_bytes = std::size_t{256} << 20;
    p.nccl_first = std::size_t{64} << 10;
    p.nccl_last = std::size_t{256} << 20;
    p.nccl_factor = 16;
    p.p2p_all_pairs = false;
  } else if (name == "full") {
    p.launch_target_s = 0.02;
    p.timing = timing_policy{10, 0.1, 0.05, 0.01, 3};
    p.steps_per_octave = 4;
    p.curve_first = std::size_t{1} << 20;
    p.curve_span_over_l2 = 32.0;
    p.curve_min_last = std::size_t{2} << 30;
    p.hbm_over_l2 = 32.0;
    p.hbm_min_bytes = std::size_t{1} << 30;
    p.chase_span_over_l2 = 64.0;
    p.chase_min_last = std::size_t{4} << 30;
    p.chase_hops = 65536;
    p.gemm_sizes = {1024, 2048, 4096, 6144, 8192};
    p.link_bytes = std::size_t{512} << 20;
    p.nccl_first = std::size_t{8} << 10;
    p.nccl_last = std::size_t{1} << 30;
    p.nccl_factor = 4;
  } else {
    throw usage_error("unknown preset \"" + name + "\" (expected quick or full)");
  }
  return p;
}

std::size_t hbm_array_bytes(const cuda_preset& preset, double l2_bytes, std::size_t free_bytes, int arrays) {
  const double wanted = std::max(static_cast<double>(preset.hbm_min_bytes), preset.hbm_over_l2 * l2_bytes);
  const double cap = 0.6 * static_cast<double>(free_bytes) / std::max(1, arrays);
  const double chosen = std::min(wanted, cap);
  const std::size_t mib = std::size_t{1} << 20;
  const std::size_t bytes = static_cast<std::size_t>(chosen) / mib * mib;
  if (static_cast<double>(bytes) < 4.0 * l2_bytes) {
    throw unsupported_error(fmt::format("{} of free GPU memory is too little for {} arrays far beyond the {} L2",
                                        format_capacity(static_cast<double>(free_bytes)), arrays, format_capacity(l2_bytes)));
  }
  return bytes;
}

std::size_t every_sm_busy_bytes(int sms) noexcept {
  return static_cast<std::size_t>(std::max(sms, 0)) * stream_threads_per_block * stream_vector_bytes;
}

std::size_t curve_first_bytes(const cuda_preset& preset, int sms, std::size_t granule) noexcept {
  granule = std::max<std::size_t>(granule, 1);
  const std::size_t first = std::max(preset.curve_first, 2 * every_sm_busy_bytes(sms));
  return (first + granule - 1) / granule * granule;
}

std::vector<std::size_t> chase_footprints(const cuda_preset& preset, double l2_bytes, std::size_t cap,
                                          std::size_t granule) {
  cap = std::min(cap, chase_max_footprint_bytes);
  const auto last = std::max(preset.chase_min_last, static_cast<std::size_t>(l2_bytes * preset.chase_span_over_l2));
  std::vector<std::size_t> sizes = working_set_sizes(preset.chase_first, last, cap, preset.steps_per_octave, granule);
  const auto l2 = static_cast<std::size_t>(l2_bytes);
  if (l2 >= 8 * granule) {
    const auto dense = working_set_sizes(l2 / 8, l2, cap, preset.chase_l2_steps_per_octave, granule);
    sizes.insert(sizes.end(), dense.begin(), dense.end());
    std::sort(sizes.begin(), sizes.end());
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  }
  return sizes;
}

}  // namespace rafter::cuda

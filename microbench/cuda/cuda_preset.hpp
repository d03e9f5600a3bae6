#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "microbench/gbench_runner.hpp"

namespace rafter::cuda {

/// The knobs of a CUDA sweep preset (quick: about a minute; full: a few minutes, finer curves,
/// larger footprints). Sizes in bytes, times in seconds.
struct cuda_preset {
  std::string name;
  double launch_target_s = 0.005;      ///< Work in one timed measurement (one or more launches).
  timing_policy timing;                ///< Google Benchmark repetitions and settling.
  int steps_per_octave = 2;            ///< Points per doubling of the working-set curves.
  std::size_t curve_first = 0;         ///< First working set of the bandwidth curve (raised by curve_first_bytes).
  double curve_span_over_l2 = 8.0;     ///< The bandwidth curve ends this many L2 sizes out ...
  std::size_t curve_min_last = 0;      ///< ... and at least here.
  double hbm_over_l2 = 16.0;           ///< HBM arrays are this many L2 sizes ...
  std::size_t hbm_min_bytes = 0;       ///< ... and at least this large.
  double l2_fraction = 0.25;           ///< Working set of the L2 ceiling, as a fraction of L2.
  std::size_t chase_first = 4096;      ///< First footprint of the latency curve.
  double chase_span_over_l2 = 4.0;
  std::size_t chase_min_last = 0;
  int chase_l2_steps_per_octave = 8;   ///< Chase points per doubling from L2/8 to L2, where a
                                       ///< partitioned L2 steps from its near to its far partition.
  std::uint32_t chase_hops = 16384;    ///< Timed hops per launch.
  std::uint32_t chase_warm_max = 1u << 20;  ///< Untimed hops before the first launch, at most.
  std::vector<std::size_t> gemm_sizes;  ///< m = n = k of the cuBLASLt GEMM sweep.
  std::size_t link_bytes = 0;           ///< One host-device or peer bandwidth transfer.
  std::size_t link_small_bytes = 8;     ///< One small-transfer latency copy.
  int link_small_copies = 100;          ///< Back-to-back small copies per latency sample.
  std::size_t nccl_first = 0;           ///< Smallest collective message (nccl-tests' size S).
  std::size_t nccl_last = 0;            ///< Largest collective message, at most.
  std::size_t nccl_factor = 4;          ///< Each message size this many times the one before.
  bool p2p_all_pairs = true;            ///< Every ordered GPU pair, else only pairs with the swept device.
};

/// The preset called `name` ("quick" or "full"); throws usage_error otherwise.
[[nodiscard]] cuda_preset cuda_preset_for(const std::string& name);

/// Bytes of each of `arrays` HBM arrays: max(hbm_min_bytes, hbm_over_l2 * l2) but all arrays
/// together at most 60% of `free_bytes`; rounded down to a whole MiB. Throws unsupported_error
/// when that leaves less than 4 x L2 per array (the working set would not be far beyond L2).
[[nodiscard]] std::size_t hbm_array_bytes(const cuda_preset& preset, double l2_bytes, std::size_t free_bytes, int arrays);

/// Working set of the read kernel (one 16-byte vector per thread of stream_threads_per_block
/// threads: 4 KiB a block) that gives `sms` of its blocks work: below it the grid-stride loop
/// leaves blocks, and so SMs, without any, and bandwidth ramps with the working set.
[[nodiscard]] std::size_t every_sm_busy_bytes(int sms) noexcept;

/// First working set of the bandwidth curve on a GPU of `sms` SMs: max(preset.curve_first, 2 x
/// every_sm_busy_bytes(sms)), rounded up to a multiple of `granule`.
[[nodiscard]] std::size_t curve_first_bytes(const cuda_preset& preset, int sms, std::size_t granule) noexcept;

/// Footprints of the latency chase: working_set_sizes(chase_first, max(chase_min_last,
/// chase_span_over_l2 * l2), cap, steps_per_octave), merged with chase_l2_steps_per_octave points
/// per doubling from l2 / 8 to l2; none above `cap` (bytes the chase may allocate) or
/// chase_max_footprint_bytes unless the first; multiples of `granule`, strictly increasing.
[[nodiscard]] std::vector<std::size_t> chase_footprints(const cuda_preset& preset, double l2_bytes, std::size_t cap,
                                                        std::size_t granule);

}  // namespace rafter::cuda

#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace rafter::cuda {

/// nccl-tests' bandwidth definitions (doc/PERFORMANCE.md of NVIDIA/nccl-tests), written down in
/// docs/metrics.md. The message size S of a collective is nccl-tests' "size": the bytes of the
/// largest buffer one rank holds (all-reduce: its buffer; all-gather: the gathered output, n times
/// the input; reduce-scatter: the input, n times the output).
enum class collective { all_reduce, all_gather, reduce_scatter };

struct collective_info {
  collective op;
  const char* id;    ///< Link id in the profile: "nccl_allreduce".
  const char* name;  ///< "all-reduce".
};

[[nodiscard]] std::span<const collective_info> collectives() noexcept;
[[nodiscard]] const collective_info& info(collective op) noexcept;

/// algbw = S / t (bytes per second); 0 when t is not positive.
[[nodiscard]] double algorithm_bandwidth(double bytes, double seconds) noexcept;
/// busbw / algbw for `ranks` ranks: all-reduce 2(n-1)/n, all-gather and reduce-scatter (n-1)/n;
/// 0 for fewer than 2 ranks.
[[nodiscard]] double bus_bandwidth_factor(collective op, int ranks) noexcept;
/// busbw = algbw * bus_bandwidth_factor.
[[nodiscard]] double bus_bandwidth(collective op, int ranks, double bytes, double seconds) noexcept;

/// Elements each rank sends and receives for a collective of S = `elements` elements over
/// `ranks` ranks (all-gather: send S/n, receive S; reduce-scatter: send S, receive S/n;
/// all-reduce: S both). `elements` must be a multiple of `ranks`.
struct collective_counts {
  std::size_t send = 0;
  std::size_t receive = 0;
};
[[nodiscard]] collective_counts collective_elements(collective op, std::size_t elements, int ranks) noexcept;

/// Message sizes from `first` to `last` bytes, each `factor` times the one before (factor >= 2),
/// rounded down to a multiple of `granule` bytes and at least one granule, strictly increasing.
[[nodiscard]] std::vector<std::size_t> message_sizes(std::size_t first, std::size_t last, std::size_t factor,
                                                     std::size_t granule);

}  // namespace rafter::cuda

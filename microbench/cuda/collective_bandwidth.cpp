#include "microbench/cuda/collective_bandwidth.hpp"

#include <algorithm>

namespace rafter::cuda {

namespace {

constexpr collective_info collective_table[] = {
    {collective::all_reduce, "nccl_allreduce", "all-reduce"},
    {collective::all_gather, "nccl_allgather", "all-gather"},
    {collective::reduce_scatter, "nccl_reducescatter", "reduce-scatter"},
};

}  // namespace

std::span<const collective_info> collectives() noexcept { return collective_table; }

const collective_info& info(collective op) noexcept { return collective_table[static_cast<std::size_t>(op)]; }

double algorithm_bandwidth(double bytes, double seconds) noexcept { return seconds > 0.0 ? bytes / seconds : 0.0; }

double bus_bandwidth_factor(collective op, int ranks) noexcept {
  if (ranks < 2) return 0.0;
  const double n = ranks;
  switch (op) {
    case collective::all_reduce: return 2.0 * (n - 1.0) / n;
    case collective::all_gather:
    case collective::reduce_scatter: return (n - 1.0) / n;
  }
  return 0.0;
}

double bus_bandwidth(collective op, int ranks, double bytes, double seconds) noexcept {
  return algorithm_bandwidth(bytes, seconds) * bus_bandwidth_factor(op, ranks);
}

collective_counts collective_elements(collective op, std::size_t elements, int ranks) noexcept {
  const std::size_t n = static_cast<std::size_t>(std::max(ranks, 1));
  switch (op) {
    case collective::all_reduce: return {elements, elements};
    case collective::all_gather: return {elements / n, elements};
    case collective::reduce_scatter: return {elements, elements / n};
  }
  return {};
}

std::vector<std::size_t> message_sizes(std::size_t first, std::size_t last, std::size_t factor, std::size_t granule) {
  std::vector<std::size_t> sizes;
  factor = std::max<std::size_t>(factor, 2);
  granule = std::max<std::size_t>(granule, 1);
  for (std::size_t s = std::max(first, granule); s <= last; s *= factor) {
    const std::size_t size = std::max(s / granule * granule, granule);
    if (sizes.empty() || size > sizes.back()) sizes.push_back(size);
    if (s > last / factor) break;
  }
  return sizes;
}

}  // namespace rafter::cuda

#include "microbench/cuda/kernel_counts.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace rafter::cuda {

int blocks_filling_gpu(int sms, int blocks_per_sm) {
  if (sms < 1 || blocks_per_sm < 1) {
    throw std::invalid_argument("blocks_filling_gpu: sms (" + std::to_string(sms) + ") and blocks_per_sm (" +
                                std::to_string(blocks_per_sm) + ") must be at least 1");
  }
  return sms * blocks_per_sm;
}

double core_flop(core_op op, std::size_t threads, std::size_t outer) noexcept {
  const core_op_info& i = info(op);
  return static_cast<double>(threads) * static_cast<double>(outer) * core_unroll * core_chains * i.lanes * 2.0;
}

std::size_t mma_per_warp(std::size_t outer) noexcept { return (2 * outer + 1) * mma_chains; }

double mma_flop(mma_op op, std::size_t warps, std::size_t outer) noexcept {
  const mma_op_info& i = info(op);
  return static_cast<double>(warps) * static_cast<double>(mma_per_warp(outer)) * 2.0 * i.m * i.n * i.k;
}

std::size_t wgmma_per_warpgroup(std::size_t outer) noexcept { return outer * 2 * wgmma_group + 1; }

double wgmma_flop(wgmma_op op, std::size_t warpgroups, std::size_t outer) noexcept {
  const wgmma_op_info& i = info(op);
  return static_cast<double>(warpgroups) * static_cast<double>(wgmma_per_warpgroup(outer)) * 2.0 * i.m * i.n * i.k;
}

std::size_t tcgen05_per_block(std::size_t outer) noexcept { return outer * 2 * tcgen05_group + 1; }

double tcgen05_flop(tcgen05_op op, std::size_t blocks, std::size_t outer) noexcept {
  const tcgen05_op_info& i = info(op);
  return static_cast<double>(blocks) * static_cast<double>(tcgen05_per_block(outer)) * 2.0 * i.m * i.n * i.k;
}

std::size_t tcgen05_padding_bytes(std::size_t shared_memory_per_sm) noexcept {
  return shared_memory_per_sm / (tcgen05_blocks_per_sm + 1) + 1;
}

double stream_bytes(stream_op op, std::size_t vectors, std::size_t passes) noexcept {
  const double p = op == stream_op::read ? static_cast<double>(passes) : 1.0;
  return arrays_touched(op) * static_cast<double>(vectors) * stream_vector_bytes * p;
}

double smem_bytes(std::size_t threads, std::size_t passes) noexcept {
  return static_cast<double>(threads) * static_cast<double>(passes) * smem_loads * stream_vector_bytes;
}

std::optional<double> clock_hz_from_probe(std::uint64_t cycles, std::uint64_t nanoseconds) noexcept {
  if (cycles == 0 || nanoseconds == 0) return std::nullopt;
  return static_cast<double>(cycles) / (static_cast<double>(nanoseconds) * 1e-9);
}

std::size_t scale_to_target(double measured_s, std::size_t measured_units, double target_s, std::size_t min_units,
                            std::size_t max_units) noexcept {
  if (!(measured_s > 0.0)) return max_units;
  const double scaled = std::round(static_cast<double>(measured_units) * target_s / measured_s);
  if (!(scaled >= static_cast<double>(min_units))) return min_units;
  if (scaled >= static_cast<double>(max_units)) return max_units;
  return static_cast<std::size_t>(scaled);
}

std::size_t vectors_in(std::size_t bytes) noexcept { return bytes / stream_vector_bytes; }

}  // namespace rafter::cuda

#include "microbench/cuda/mma_bench.hpp"

#include <bit>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "microbench/cuda/cuda_call.hpp"
#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/kernels/mma_kernels.hpp"

namespace rafter::cuda {

mma_bench::mma_bench(gpu_session& session, mma_op op, std::uint64_t seed) : m_session(session), m_op(op) {
  const mma_op_info& i = info(op);
  const int cc = session.facts().cc;
  if (!mma_exists(op, cc)) {
    const std::string needed = i.family_only ? fmt::format("{}.x (the sm_{}f family)", i.min_cc / 10, i.min_cc)
                                             : fmt::format("{}.{} or newer", i.min_cc / 10, i.min_cc % 10);
    throw unsupported_error(fmt::format("{} needs compute capability {}; this GPU has {}.{}", i.ptx, needed, cc / 10,
                                        cc % 10));
  }
  if (const cudaError_t status = mma_kernel_available(op); status != cudaSuccess) {
    throw unsupported_error(fmt::format("this build has no {} kernel for compute capability {}.{} ({})", i.id, cc / 10,
                                        cc % 10, cudaGetErrorName(status)));
  }
  if (mma_is_emulated(op, cc)) {
    throw unsupported_error(fmt::format("no native {} on compute capability {}.{}: ptxas lowers it to fp16 HMMA, "
                                        "conversions and FADDs, no tensor-core rate (the wgmma ceiling measures fp8)",
                                        i.ptx, cc / 10, cc % 10));
  }
  int per_sm = 0;
  RAFTER_CUDA_CALL(mma_kernel_occupancy(op, &per_sm));
  m_blocks = blocks_filling_gpu(session.facts().sms, per_sm);
  m_warps = static_cast<std::size_t>(m_blocks) * (mma_threads_per_block / 32);
  m_tile = make_mma_tile(op, seed);
  std::mt19937_64 rng(seed ^ 0xd0d0d0d0ull);
  m_d0.resize(m_warps * mma_chains * 32 * 4);
  for (auto& v : m_d0) {
    if (i.integer) {
      v = static_cast<std::uint32_t>(random_int_accumulator(rng));
    } else {
      v = std::bit_cast<std::uint32_t>(random_accumulator(rng));
    }
  }
  m_fragments = device_buffer<std::uint32_t>(m_tile.fragments.size());
  m_fragments.upload(m_tile.fragments);
  m_d0_device = device_buffer<std::uint32_t>(m_d0.size());
  m_d0_device.upload(m_d0);
  m_out = device_buffer<std::uint32_t>(m_d0.size());
}

std::string mma_bench::run_and_check(int outer) {
  m_out.fill_bytes(0xff);
  m_session.run([&](cudaStream_t s) {
    return launch_mma_kernel(m_op, m_blocks, m_fragments.get(), m_d0_device.get(), m_out.get(), outer, nullptr, s);
  });
  return check_output(outer);
}

std::string mma_bench::check_output(int outer) const {
  const std::vector<std::uint32_t> out = m_out.download();
  const bool integer = info(m_op).integer;
  const std::size_t steps = 2 * static_cast<std::size_t>(outer) + 1;
  // A*B and its magnitude for each of the 16 x 8 accumulator positions.
  double product[16][8], magnitude[16][8];
  for (int r = 0; r < 16; ++r) {
    for (int c = 0; c < 8; ++c) std::tie(product[r][c], magnitude[r][c]) = mma_tile_product(m_tile, r, c);
  }
  for (std::size_t at = 0; at < out.size(); ++at) {
    const int lane = static_cast<int>((at / 4) % 32), e = static_cast<int>(at % 4);
    const auto [r, c] = mma_acc_position(lane, e);
    if (integer) {
      const auto expected = static_cast<std::uint32_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(m_d0[at])) +
                                                       static_cast<std::int64_t>(product[r][c]));
      if (out[at] != expected) {
        return fmt::format("warp {} element ({}, {}): got {}, expected {}", at / (mma_chains * 128), r, c,
                           static_cast<std::int32_t>(out[at]), static_cast<std::int32_t>(expected));
      }
      continue;
    }
    const double d0 = std::bit_cast<float>(m_d0[at]);
    const double expected = d0 + product[r][c];
    const double got = std::bit_cast<float>(out[at]);
    const double tolerance = mma_tolerance(m_op, std::fabs(d0) + magnitude[r][c], steps) + std::ldexp(std::fabs(expected), -22);
    if (!std::isfinite(got) || std::fabs(got - expected) > tolerance) {
      return fmt::format("warp {} element ({}, {}) after {} steps: got {}, expected {} (tolerance {:.3g})",
                         at / (mma_chains * 128), r, c, steps, got, expected, tolerance);
    }
  }
  return {};
}

double mma_bench::time(int outer) {
  return m_session.time([&](cudaStream_t s) {
    return launch_mma_kernel(m_op, m_blocks, m_fragments.get(), m_d0_device.get(), m_out.get(), outer,
                             m_session.probe(), s);
  });
}

double mma_bench::flop(int outer) const noexcept { return mma_flop(m_op, m_warps, static_cast<std::size_t>(outer)); }

}  // namespace rafter::cuda

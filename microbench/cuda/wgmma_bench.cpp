#include "microbench/cuda/wgmma_bench.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "microbench/cuda/cuda_call.hpp"
#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/kernels/wgmma_kernels.hpp"

namespace rafter::cuda {

wgmma_bench::wgmma_bench(gpu_session& session, wgmma_op op, std::uint64_t seed) : m_session(session), m_op(op) {
  if (session.facts().cc != 90) {
    throw unsupported_error(fmt::format("wgmma needs an sm_90 GPU (Hopper); this GPU has compute capability {}.{}",
                                        session.facts().cc / 10, session.facts().cc % 10));
  }
  if (const cudaError_t status = wgmma_kernels_available(); status != cudaSuccess) {
    throw unsupported_error(std::string("wgmma kernels cannot run here (this rafter has no sm_90a code for the GPU?): ") +
                            cudaGetErrorName(status));
  }
  int per_sm = 0;
  RAFTER_CUDA_CALL(wgmma_kernel_occupancy(op, &per_sm));
  m_blocks = blocks_filling_gpu(session.facts().sms, per_sm);
  m_tiles = make_smem_tiles(info(op).precision, info(op).m, info(op).n, info(op).k, seed);
  std::mt19937_64 rng(seed ^ 0xabcdefull);
  m_d0.resize(static_cast<std::size_t>(m_blocks) * wgmma_accumulators * wgmma_threads_per_block);
  for (auto& v : m_d0) v = random_accumulator(rng);
  m_a = device_buffer<std::uint8_t>(m_tiles.a_smem.size());
  m_a.upload(m_tiles.a_smem);
  m_b = device_buffer<std::uint8_t>(m_tiles.b_smem.size());
  m_b.upload(m_tiles.b_smem);
  m_d0_device = device_buffer<float>(m_d0.size());
  m_d0_device.upload(m_d0);
  m_out = device_buffer<float>(m_d0.size());
}

std::string wgmma_bench::run_and_check(int outer) {
  m_out.fill_bytes(0xff);
  m_session.run([&](cudaStream_t s) {
    return launch_wgmma_kernel(m_op, m_blocks, m_a.get(), m_b.get(), m_d0_device.get(), m_out.get(), outer, nullptr, s);
  });
  return check_output(outer);
}

std::string wgmma_bench::check_output(int outer) const {
  return check_async_mma(m_tiles, info(m_op).precision, m_d0, m_out.download(),
                         wgmma_per_warpgroup(static_cast<std::size_t>(outer)), wgmma_group,
                         std::size_t{wgmma_threads_per_block} * wgmma_accumulators, [](std::size_t at) {
                           return wgmma_acc_position(static_cast<int>(at % wgmma_threads_per_block),
                                                     static_cast<int>((at / wgmma_threads_per_block) % wgmma_accumulators));
                         });
}

double wgmma_bench::time(int outer) {
  return m_session.time([&](cudaStream_t s) {
    return launch_wgmma_kernel(m_op, m_blocks, m_a.get(), m_b.get(), m_d0_device.get(), m_out.get(), outer,
                               m_session.probe(), s);
  });
}

double wgmma_bench::flop(int outer) const noexcept {
  return wgmma_flop(m_op, static_cast<std::size_t>(m_blocks), static_cast<std::size_t>(outer));
}

}  // namespace rafter::cuda

#include "microbench/cuda/smem_bench.hpp"

#include <random>

#include <fmt/format.h>

#include "microbench/cuda/cuda_call.hpp"
#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/kernels/stream_kernels.hpp"

namespace rafter::cuda {

smem_bench::smem_bench(gpu_session& session, std::uint64_t seed) : m_session(session) {
  int per_sm = 0;
  RAFTER_CUDA_CALL(smem_kernel_occupancy(&per_sm));
  m_blocks = blocks_filling_gpu(session.facts().sms, per_sm);
  m_threads = static_cast<std::size_t>(m_blocks) * smem_threads_per_block;
  std::mt19937_64 rng(seed);
  m_init.resize(static_cast<std::size_t>(smem_loads) * smem_threads_per_block * 4);
  for (auto& w : m_init) w = static_cast<std::uint32_t>(rng()) | 1u;
  m_init_device = device_buffer<std::uint32_t>(m_init.size());
  m_init_device.upload(m_init);
  m_out = device_buffer<std::uint32_t>(m_threads * 4);
}

std::string smem_bench::run_and_check(int passes) {
  m_out.fill_bytes(0xff);
  m_session.run([&](cudaStream_t s) { return launch_smem_read(m_blocks, m_init_device.get(), passes, m_out.get(), s); });
  return check_output(passes);
}

std::string smem_bench::check_output(int passes) const {
  const std::vector<std::uint32_t> out = m_out.download();
  for (std::size_t thread = 0; thread < m_threads; ++thread) {
    const std::size_t t = thread % smem_threads_per_block;
    for (std::size_t l = 0; l < 4; ++l) {
      std::uint32_t row_sum = 0;
      for (std::size_t r = 0; r < smem_loads; ++r) row_sum += m_init[(r * smem_threads_per_block + t) * 4 + l];
      const auto expected = static_cast<std::uint32_t>(row_sum * static_cast<std::uint32_t>(passes));
      if (out[thread * 4 + l] != expected) {
        return fmt::format("thread {} lane {} after {} passes: 0x{:08x}, expected 0x{:08x}", thread, l, passes,
                           out[thread * 4 + l], expected);
      }
    }
  }
  return {};
}

double smem_bench::time(int passes) {
  return m_session.time(
      [&](cudaStream_t s) { return launch_smem_read(m_blocks, m_init_device.get(), passes, m_out.get(), s, m_session.probe()); });
}

double smem_bench::bytes(int passes) const noexcept { return smem_bytes(m_threads, static_cast<std::size_t>(passes)); }

}  // namespace rafter::cuda

#include "microbench/cuda/tcgen05_bench.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "microbench/cuda/cuda_call.hpp"
#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/kernels/tcgen05_kernels.hpp"
#include "microbench/cuda/tensor_descriptors.hpp"

namespace rafter::cuda {

tcgen05_bench::tcgen05_bench(gpu_session& session, tcgen05_op op, std::uint64_t seed) : m_session(session), m_op(op) {
  const int cc = session.facts().cc;
  if (cc != 100 && cc != 103) {
    throw unsupported_error(fmt::format("tcgen05 needs a GPU of the sm_100 family (B200, B300: compute capability 10.0 "
                                        "or 10.3); this GPU has {}.{}",
                                        cc / 10, cc % 10));
  }
  if (const cudaError_t status = tcgen05_kernels_available(); status != cudaSuccess) {
    throw unsupported_error(std::string("tcgen05 kernels cannot run here (this rafter has no sm_100f code for the GPU?): ") +
                            cudaGetErrorName(status));
  }
  m_padding = tcgen05_padding_bytes(static_cast<std::size_t>(session.facts().shared_memory_per_sm_bytes));
  int per_sm = 0;
  RAFTER_CUDA_CALL(tcgen05_kernel_occupancy(op, m_padding, &per_sm));
  if (per_sm != tcgen05_blocks_per_sm) {
    throw unsupported_error(fmt::format("tcgen05: {} blocks fit on an SM with {} bytes of padding, not the {} whose "
                                        "allocations fill tensor memory",
                                        per_sm, m_padding, tcgen05_blocks_per_sm));
  }
  m_blocks = blocks_filling_gpu(session.facts().sms, per_sm);
  const tcgen05_op_info& i = info(op);
  const auto m = static_cast<std::uint32_t>(i.m), n = static_cast<std::uint32_t>(i.n);
  m_idesc_plus = i.block_scaled ? tcgen05_nvf4_instruction_descriptor(m, n, false)
                                : tcgen05_instruction_descriptor(i.operand_format, m, n, false);
  m_idesc_minus = i.block_scaled ? tcgen05_nvf4_instruction_descriptor(m, n, true)
                                 : tcgen05_instruction_descriptor(i.operand_format, m, n, true);
  m_tiles = make_smem_tiles(i.precision, i.m, i.n, i.k, seed);
  std::mt19937_64 rng(seed ^ 0xabcdefull);
  m_d0.resize(static_cast<std::size_t>(m_blocks) * tcgen05_accumulator_columns * tcgen05_threads_per_block);
  for (auto& v : m_d0) v = random_accumulator(rng);
  m_a = device_buffer<std::uint8_t>(m_tiles.a_smem.size());
  m_a.upload(m_tiles.a_smem);
  m_b = device_buffer<std::uint8_t>(m_tiles.b_smem.size());
  m_b.upload(m_tiles.b_smem);
  m_d0_device = device_buffer<float>(m_d0.size());
  m_d0_device.upload(m_d0);
  m_out = device_buffer<float>(m_d0.size());
}

cudaError_t tcgen05_bench::launch(int outer, clock_probe* probe, cudaStream_t stream) const {
  return launch_tcgen05_kernel(m_op, m_blocks, m_padding, m_a.get(), m_b.get(), m_d0_device.get(), m_out.get(), outer,
                               m_idesc_plus, m_idesc_minus, probe, stream);
}

std::string tcgen05_bench::run_and_check(int outer) {
  m_out.fill_bytes(0xff);
  m_session.run([&](cudaStream_t s) { return launch(outer, nullptr, s); });
  return check_output(outer);
}

std::string tcgen05_bench::check_output(int outer) const {
  // Thread t of a block holds row t; column c of the accumulator comes c * 128 elements later.
  return check_async_mma(m_tiles, info(m_op).precision, m_d0, m_out.download(),
                         tcgen05_per_block(static_cast<std::size_t>(outer)), tcgen05_group,
                         std::size_t{tcgen05_threads_per_block} * tcgen05_accumulator_columns, [](std::size_t at) {
                           return std::pair<int, int>(static_cast<int>(at % tcgen05_threads_per_block),
                                                      static_cast<int>((at / tcgen05_threads_per_block) %
                                                                       tcgen05_accumulator_columns));
                         });
}

double tcgen05_bench::time(int outer) {
  return m_session.time([&](cudaStream_t s) { return launch(outer, m_session.probe(), s); });
}

double tcgen05_bench::flop(int outer) const noexcept {
  return tcgen05_flop(m_op, static_cast<std::size_t>(m_blocks), static_cast<std::size_t>(outer));
}

}  // namespace rafter::cuda

#include "microbench/cuda/tcgen05_bench.hpp"

#include <algorithm>
#include <bit>

#include <fmt/format.h>

#include "core/error.hpp"
#include "microbench/cuda/cuda_call.hpp"
#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/kernels/tcgen05_kernels.hpp"
#include "microbench/cuda/tensor_descriptors.hpp"

namespace rafter::cuda {

tcgen05_bench::tcgen05_bench(gpu_session& session, tcgen05_op op, std::uint64_t seed) : m_session(session), m_op(op) {
  const tcgen05_op_info& i = info(op);
  const int cc = session.facts().cc;
  if (!tcgen05_exists(tcgen05_op::bf16, cc)) {
    throw unsupported_error(fmt::format("tcgen05 needs a GPU of the sm_100 family (B200, B300: compute capability 10.0 "
                                        "or 10.3) or Thor (11.0); this GPU has {}.{}",
                                        cc / 10, cc % 10));
  }
  if (!tcgen05_exists(op, cc)) {
    throw unsupported_error(fmt::format("{} exists on sm_100a and sm_110a (B200, Thor) only; this GPU has compute "
                                        "capability {}.{}",
                                        i.ptx, cc / 10, cc % 10));
  }
  if (const cudaError_t status = tcgen05_kernel_available(op); status != cudaSuccess) {
    // The images: sm_100f (B200, B300) or sm_110f (Thor); int8 sm_100a or sm_110a.
    throw unsupported_error(fmt::format("tcgen05 kernel cannot run here (this rafter has no sm_{}{} code for the GPU?): {}",
                                        cc == 103 ? 100 : cc, i.arch_specific ? "a" : "f", cudaGetErrorName(status)));
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
  const auto m = static_cast<std::uint32_t>(i.m), n = static_cast<std::uint32_t>(i.n);
  if (i.integer) {  // kind::i8 cannot negate: both halves of a trip add A*B^T.
    m_idesc_plus = m_idesc_minus = tcgen05_i8_instruction_descriptor(m, n);
  } else if (i.block_scaled) {
    m_idesc_plus = tcgen05_nvf4_instruction_descriptor(m, n, false);
    m_idesc_minus = tcgen05_nvf4_instruction_descriptor(m, n, true);
  } else {
    m_idesc_plus = tcgen05_instruction_descriptor(i.operand_format, m, n, false);
    m_idesc_minus = tcgen05_instruction_descriptor(i.operand_format, m, n, true);
  }
  m_tiles = make_smem_tiles(i.precision, i.m, i.n, i.k, seed);
  std::mt19937_64 rng(seed ^ 0xabcdefull);
  m_d0.resize(static_cast<std::size_t>(m_blocks) * tcgen05_accumulator_columns * tcgen05_threads_per_block);
  for (auto& w : m_d0) {
    w = i.integer ? static_cast<std::uint32_t>(random_int_accumulator(rng))
                  : std::bit_cast<std::uint32_t>(random_accumulator(rng));
  }
  m_a = device_buffer<std::uint8_t>(m_tiles.a_smem.size());
  m_a.upload(m_tiles.a_smem);
  m_b = device_buffer<std::uint8_t>(m_tiles.b_smem.size());
  m_b.upload(m_tiles.b_smem);
  m_d0_device = device_buffer<std::uint32_t>(m_d0.size());
  m_d0_device.upload(m_d0);
  m_out = device_buffer<std::uint32_t>(m_d0.size());
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
  const auto position = [](std::size_t at) {
    return std::pair<int, int>(static_cast<int>(at % tcgen05_threads_per_block),
                               static_cast<int>((at / tcgen05_threads_per_block) % tcgen05_accumulator_columns));
  };
  const std::size_t steps = tcgen05_per_block(static_cast<std::size_t>(outer));
  const std::size_t per_block = std::size_t{tcgen05_threads_per_block} * tcgen05_accumulator_columns;
  const std::vector<std::uint32_t> out = m_out.download();
  if (info(m_op).integer) return check_async_mma_integer(m_tiles, m_d0, out, steps, per_block, position);
  const auto as_floats = [](const std::vector<std::uint32_t>& words) {
    std::vector<float> values(words.size());
    std::transform(words.begin(), words.end(), values.begin(), [](std::uint32_t w) { return std::bit_cast<float>(w); });
    return values;
  };
  return check_async_mma(m_tiles, info(m_op).precision, as_floats(m_d0), as_floats(out), steps, tcgen05_group,
                         per_block, position);
}

double tcgen05_bench::time(int outer) {
  return m_session.time([&](cudaStream_t s) { return launch(outer, m_session.probe(), s); });
}

double tcgen05_bench::flop(int outer) const noexcept {
  return tcgen05_flop(m_op, static_cast<std::size_t>(m_blocks), static_cast<std::size_t>(outer));
}

}  // namespace rafter::cuda

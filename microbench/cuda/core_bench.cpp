#include "microbench/cuda/core_bench.hpp"

#include <cstring>

#include <fmt/format.h>

#include "microbench/cuda/cuda_call.hpp"
#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/kernels/core_kernels.hpp"

namespace rafter::cuda {

namespace {

std::vector<unsigned char> encode(const std::vector<std::uint64_t>& values, int element_bytes) {
  std::vector<unsigned char> bytes(values.size() * static_cast<std::size_t>(element_bytes));
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::memcpy(&bytes[i * static_cast<std::size_t>(element_bytes)], &values[i], static_cast<std::size_t>(element_bytes));
  }
  return bytes;
}

}  // namespace

core_bench::core_bench(gpu_session& session, core_op op, std::uint64_t seed) : m_session(session), m_op(op) {
  int per_sm = 0;
  RAFTER_CUDA_CALL(core_kernel_occupancy(op, &per_sm));
  m_blocks = blocks_filling_gpu(session.facts().sms, per_sm);
  m_threads = static_cast<std::size_t>(m_blocks) * core_threads_per_block;
  m_inputs = make_core_inputs(op, m_threads, seed);
  const int eb = info(op).element_bytes;
  m_in = device_buffer<unsigned char>(m_inputs.start.size() * static_cast<std::size_t>(eb));
  m_out = device_buffer<unsigned char>(m_in.size());
  m_in.upload(encode(m_inputs.start, eb));
}

std::string core_bench::run_and_check(int outer, std::size_t threads_to_check) {
  m_out.fill_bytes(0xff);
  m_session.run([&](cudaStream_t s) {
    return launch_core_kernel(m_op, m_blocks, m_in.get(), m_out.get(), m_inputs.b, m_inputs.c, outer, nullptr, s);
  });
  return check_output(outer, threads_to_check);
}

std::string core_bench::check_output(int outer, std::size_t threads_to_check) const {
  const std::vector<unsigned char> out = m_out.download();
  const auto eb = static_cast<std::size_t>(info(m_op).element_bytes);
  const std::size_t steps = static_cast<std::size_t>(outer) * core_unroll;
  const std::size_t count = threads_to_check == 0 ? m_threads : std::min(threads_to_check, m_threads);
  for (std::size_t j = 0; j < count; ++j) {
    const std::size_t thread = count == m_threads ? j : j * (m_threads - 1) / std::max<std::size_t>(1, count - 1);
    for (int k = 0; k < core_chains; ++k) {
      const std::size_t at = thread * core_chains + static_cast<std::size_t>(k);
      std::uint64_t got = 0;
      std::memcpy(&got, &out[at * eb], eb);
      const std::uint64_t expected = core_reference(m_op, m_inputs.start[at], m_inputs.b, m_inputs.c, steps);
      const std::string why = compare_core(m_op, got, expected);
      if (!why.empty()) return fmt::format("thread {} chain {} after {} steps: {}", thread, k, steps, why);
    }
  }
  return {};
}

double core_bench::time(int outer) {
  return m_session.time([&](cudaStream_t s) {
    return launch_core_kernel(m_op, m_blocks, m_in.get(), m_out.get(), m_inputs.b, m_inputs.c, outer,
                              m_session.probe(), s);
  });
}

double core_bench::flop(int outer) const noexcept { return core_flop(m_op, m_threads, static_cast<std::size_t>(outer)); }

}  // namespace rafter::cuda

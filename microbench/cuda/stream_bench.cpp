#include "microbench/cuda/stream_bench.hpp"

#include <bit>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "microbench/cuda/cuda_call.hpp"
#include "microbench/cuda/host_reference.hpp"
#include "microbench/cuda/kernel_counts.hpp"

namespace rafter::cuda {

namespace {

constexpr std::size_t chunk_words = std::size_t{16} << 20;  ///< 64 MiB of host buffer at a time.
constexpr std::uint32_t write_seed = 0x5eed1234u;

std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

stream_kernel kernel_of(stream_op op, load_path path) {
  switch (op) {
    case stream_op::read: return path == load_path::l2_only ? stream_kernel::read_l2_only : stream_kernel::read_cached;
    case stream_op::write: return stream_kernel::write;
    case stream_op::copy: return stream_kernel::copy;
    case stream_op::triad: return stream_kernel::triad;
  }
  return stream_kernel::read_cached;
}

}  // namespace

stream_bench::stream_bench(gpu_session& session, stream_op op, std::size_t vectors, load_path path, std::uint64_t seed)
    : m_session(session), m_op(op), m_path(path), m_vectors(vectors), m_seed(seed) {
  int per_sm = 0;
  RAFTER_CUDA_CALL(stream_kernel_occupancy(kernel_of(op, path), &per_sm));
  m_blocks = blocks_filling_gpu(session.facts().sms, per_sm);
  m_scalar = 1.0f + static_cast<float>(splitmix64(seed) % 1024) / 1024.0f;
  const std::size_t words = vectors * 4;
  switch (op) {
    case stream_op::read:
      m_a = device_buffer<std::uint32_t>(words);
      fill_input(m_a, 0);
      m_partial = device_buffer<std::uint32_t>(static_cast<std::size_t>(m_blocks) * stream_threads_per_block * 4);
      break;
    case stream_op::write: m_a = device_buffer<std::uint32_t>(words); break;
    case stream_op::copy:
      m_a = device_buffer<std::uint32_t>(words);
      m_b = device_buffer<std::uint32_t>(words);
      fill_input(m_a, 0);
      break;
    case stream_op::triad:
      m_a = device_buffer<std::uint32_t>(words);
      m_b = device_buffer<std::uint32_t>(words);
      m_c = device_buffer<std::uint32_t>(words);
      fill_input(m_b, 1);
      fill_input(m_c, 2);
      break;
  }
}

std::uint32_t stream_bench::input_word(int array, std::size_t word) const noexcept {
  const std::uint64_t r = splitmix64(m_seed * 3 + static_cast<std::uint64_t>(array) + (static_cast<std::uint64_t>(word) << 2));
  if (m_op == stream_op::triad) {
    // A float in [1, 2) with a random significand and sign: never zero, never denormal.
    return 0x3f800000u | static_cast<std::uint32_t>(r & 0x807fffffu);
  }
  const auto w = static_cast<std::uint32_t>(r);
  return w == 0 ? 1u : w;
}

void stream_bench::fill_input(device_buffer<std::uint32_t>& buffer, int array) {
  std::vector<std::uint32_t> chunk;
  for (std::size_t first = 0; first < buffer.size(); first += chunk_words) {
    const std::size_t n = std::min(chunk_words, buffer.size() - first);
    chunk.resize(n);
    for (std::size_t i = 0; i < n; ++i) chunk[i] = input_word(array, first + i);
    if (array == 0) {
      const auto s = lane_sums(chunk.data(), n / 4);
      for (std::size_t l = 0; l < 4; ++l) m_sums[l] += s[l];
    }
    RAFTER_CUDA_CALL(cudaMemcpy(buffer.get() + first, chunk.data(), n * sizeof(std::uint32_t), cudaMemcpyHostToDevice));
  }
  RAFTER_CUDA_CALL(cudaDeviceSynchronize());  // Pageable copies may return before their DMA lands.
}

cudaError_t stream_bench::launch(std::size_t passes, cudaStream_t stream) {
  switch (m_op) {
    case stream_op::read:
      return launch_stream_read(m_path, m_blocks, m_a.get(), m_vectors, passes, m_partial.get(), stream, m_session.probe());
    case stream_op::write: return launch_stream_write(m_blocks, m_a.get(), m_vectors, write_seed, stream, m_session.probe());
    case stream_op::copy: return launch_stream_copy(m_blocks, m_a.get(), m_b.get(), m_vectors, stream, m_session.probe());
    case stream_op::triad:
      return launch_stream_triad(m_blocks, m_a.get(), m_b.get(), m_c.get(), m_scalar, m_vectors, stream,
                                 m_session.probe());
  }
  return cudaErrorInvalidValue;
}

std::string stream_bench::run_and_check(std::size_t passes) {
  switch (m_op) {
    case stream_op::read: m_partial.fill_bytes(0xff); break;
    case stream_op::write:
    case stream_op::triad: m_a.fill_bytes(0xff); break;
    case stream_op::copy: m_b.fill_bytes(0xff); break;
  }
  m_session.run([&](cudaStream_t s) { return launch(passes, s); });
  return check_output(passes);
}

std::string stream_bench::check_output(std::size_t passes) const {
  if (m_op == stream_op::read) {
    const std::vector<std::uint32_t> partial = m_partial.download();
    const auto got = lane_sums(partial.data(), partial.size() / 4);
    for (std::size_t l = 0; l < 4; ++l) {
      const auto expected = static_cast<std::uint32_t>(m_sums[l] * static_cast<std::uint32_t>(passes));
      if (got[l] != expected) {
        return fmt::format("read of {} vectors x {} passes: lane {} sum 0x{:08x}, expected 0x{:08x}", m_vectors, passes,
                           l, got[l], expected);
      }
    }
    return {};
  }
  const device_buffer<std::uint32_t>& output = m_op == stream_op::copy ? m_b : m_a;
  std::vector<std::uint32_t> chunk;
  for (std::size_t first = 0; first < output.size(); first += chunk_words) {
    const std::size_t n = std::min(chunk_words, output.size() - first);
    chunk.resize(n);
    RAFTER_CUDA_CALL(cudaMemcpy(chunk.data(), output.get() + first, n * sizeof(std::uint32_t), cudaMemcpyDeviceToHost));
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t word = first + i;
      std::uint32_t expected = 0;
      switch (m_op) {
        case stream_op::write: expected = write_value(word / 4, static_cast<int>(word % 4), write_seed); break;
        case stream_op::copy: expected = input_word(0, word); break;
        case stream_op::triad:
          expected = std::bit_cast<std::uint32_t>(std::fma(m_scalar, std::bit_cast<float>(input_word(2, word)),
                                                           std::bit_cast<float>(input_word(1, word))));
          break;
        case stream_op::read: break;
      }
      if (chunk[i] != expected) {
        return fmt::format("{} of {} vectors: word {} is 0x{:08x}, expected 0x{:08x}", to_string(m_op), m_vectors, word,
                           chunk[i], expected);
      }
    }
  }
  return {};
}

double stream_bench::time(std::size_t passes, bool cold) {
  if (cold) m_session.flush_l2();
  return m_session.time([&](cudaStream_t s) { return launch(passes, s); });
}

double stream_bench::time_launches(std::size_t passes, std::size_t launches, bool cold) {
  if (cold) m_session.flush_l2();
  return m_session.time([&](cudaStream_t s) {
    for (std::size_t k = 0; k < launches; ++k) {
      if (const cudaError_t e = launch(passes, s); e != cudaSuccess) return e;
    }
    return cudaSuccess;
  });
}

double stream_bench::bytes(std::size_t passes) const noexcept { return stream_bytes(m_op, m_vectors, passes); }

std::size_t stream_bench::working_set_bytes() const noexcept {
  return static_cast<std::size_t>(arrays_touched(m_op)) * m_vectors * stream_vector_bytes;
}

}  // namespace rafter::cuda

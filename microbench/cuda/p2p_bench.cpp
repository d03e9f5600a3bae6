#include "microbench/cuda/p2p_bench.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "microbench/cuda/cuda_call.hpp"
#include "microbench/cuda/link_pattern.hpp"

namespace rafter::cuda {

namespace {

constexpr std::size_t chunk_words = std::size_t{16} << 20;

void enable_peer(int from, int to) {
  RAFTER_CUDA_CALL(cudaSetDevice(from));
  const cudaError_t e = cudaDeviceEnablePeerAccess(to, 0);
  if (e == cudaErrorPeerAccessAlreadyEnabled) {
    (void)cudaGetLastError();  // clears the sticky-free error state of the call
    return;
  }
  RAFTER_CUDA_CALL(e);
}

}  // namespace

p2p_bench::p2p_bench(int src, int dst, std::size_t bytes, std::uint64_t seed)
    : m_src(src), m_dst(dst), m_bytes(bytes / 16 * 16), m_seed(seed) {
  try {
    set_up();
  } catch (...) {
    release();  // No destructor runs: the streams and events made so far are destroyed here.
    throw;
  }
}

void p2p_bench::set_up() {
  const int src = m_src, dst = m_dst;
  int forward = 0, backward = 0;
  RAFTER_CUDA_CALL(cudaDeviceCanAccessPeer(&forward, src, dst));
  RAFTER_CUDA_CALL(cudaDeviceCanAccessPeer(&backward, dst, src));
  if (!forward || !backward) {
    throw unsupported_error(fmt::format("GPUs {} and {} cannot access each other's memory (cudaDeviceCanAccessPeer)", src, dst));
  }
  enable_peer(dst, src);
  RAFTER_CUDA_CALL(cudaStreamCreateWithFlags(&m_dst_stream, cudaStreamNonBlocking));
  RAFTER_CUDA_CALL(cudaEventCreate(&m_start[1]));
  RAFTER_CUDA_CALL(cudaEventCreate(&m_stop[1]));
  m_dst_buffer = device_buffer<std::uint32_t>(m_bytes / 4);
  enable_peer(src, dst);  // leaves src current
  RAFTER_CUDA_CALL(cudaStreamCreateWithFlags(&m_src_stream, cudaStreamNonBlocking));
  RAFTER_CUDA_CALL(cudaEventCreate(&m_start[0]));
  RAFTER_CUDA_CALL(cudaEventCreate(&m_stop[0]));
  m_no_gate = try_make_stream_gate(m_gate);  // without it only the latency is not measured
  m_src_buffer = device_buffer<std::uint32_t>(m_bytes / 4);
  std::vector<std::uint32_t> chunk;
  for (std::size_t first = 0; first < m_bytes / 4; first += chunk_words) {
    const std::size_t n = std::min(chunk_words, m_bytes / 4 - first);
    chunk.resize(n);
    fill_link_pattern(chunk.data(), n, m_seed, first);
    RAFTER_CUDA_CALL(cudaMemcpy(m_src_buffer.get() + first, chunk.data(), n * 4, cudaMemcpyHostToDevice));
  }
  RAFTER_CUDA_CALL(cudaDeviceSynchronize());  // Pageable copies may return before their DMA lands.
}

p2p_bench::~p2p_bench() { release(); }

void p2p_bench::release() noexcept {
  for (cudaEvent_t e : {m_start[0], m_stop[0], m_start[1], m_stop[1]}) {
    if (e) cudaEventDestroy(e);
  }
  if (m_src_stream) cudaStreamDestroy(m_src_stream);
  if (m_dst_stream) cudaStreamDestroy(m_dst_stream);
  m_start[0] = m_stop[0] = m_start[1] = m_stop[1] = nullptr;
  m_src_stream = m_dst_stream = nullptr;
}

cudaError_t p2p_bench::enqueue(bool read, int repeats, std::size_t bytes) {
  const cudaStream_t s = read ? m_dst_stream : m_src_stream;
  for (int r = 0; r < repeats; ++r) {
    const cudaError_t e = cudaMemcpyPeerAsync(m_dst_buffer.get(), m_dst, m_src_buffer.get(), m_src, bytes, s);
    if (e != cudaSuccess) return e;
  }
  return cudaSuccess;
}

double p2p_bench::timed(bool read, int repeats, std::size_t bytes) {
  const int side = read ? 1 : 0;
  const cudaStream_t s = read ? m_dst_stream : m_src_stream;
  RAFTER_CUDA_CALL(cudaSetDevice(read ? m_dst : m_src));
  RAFTER_CUDA_CALL(cudaEventRecord(m_start[side], s));
  RAFTER_CUDA_CALL(enqueue(read, repeats, bytes));
  RAFTER_CUDA_CALL(cudaEventRecord(m_stop[side], s));
  RAFTER_CUDA_CALL(cudaEventSynchronize(m_stop[side]));
  float ms = 0.0f;
  RAFTER_CUDA_CALL(cudaEventElapsedTime(&ms, m_start[side], m_stop[side]));
  RAFTER_CUDA_CALL(cudaSetDevice(m_src));
  return static_cast<double>(ms) * 1e-3;
}

std::string p2p_bench::run_and_check(bool read) {
  RAFTER_CUDA_CALL(cudaSetDevice(m_dst));
  m_dst_buffer.fill_bytes(0);
  RAFTER_CUDA_CALL(cudaDeviceSynchronize());
  (void)timed(read, 1, m_bytes);
  return check_output();
}

std::string p2p_bench::check_output() const {
  std::vector<std::uint32_t> chunk;
  for (std::size_t first = 0; first < m_bytes / 4; first += chunk_words) {
    const std::size_t n = std::min(chunk_words, m_bytes / 4 - first);
    chunk.resize(n);
    RAFTER_CUDA_CALL(cudaMemcpy(chunk.data(), m_dst_buffer.get() + first, n * 4, cudaMemcpyDeviceToHost));
    if (std::string why = check_link_pattern(chunk.data(), n, m_seed, first); !why.empty()) {
      return fmt::format("peer copy GPU {} -> GPU {}: {}", m_src, m_dst, why);
    }
  }
  return {};
}

double p2p_bench::time(bool read, int repeats) { return timed(read, repeats, m_bytes); }

std::optional<double> p2p_bench::small_copies(std::size_t small_bytes, int copies, std::string& mismatch) {
  mismatch.clear();
  if (!m_gate) return std::nullopt;
  small_bytes = std::clamp<std::size_t>(small_bytes / 4 * 4, 4, std::min<std::size_t>(m_bytes, 16 * 1024));
  RAFTER_CUDA_CALL(cudaSetDevice(m_dst));
  RAFTER_CUDA_CALL(cudaMemset(m_dst_buffer.get(), 0, small_bytes));
  RAFTER_CUDA_CALL(cudaDeviceSynchronize());
  RAFTER_CUDA_CALL(cudaSetDevice(m_src));
  const std::optional<double> seconds =
      m_gate->time(m_src_stream, [&](cudaStream_t) { return enqueue(false, copies, small_bytes); });
  std::vector<std::uint32_t> got(small_bytes / 4);
  RAFTER_CUDA_CALL(cudaMemcpy(got.data(), m_dst_buffer.get(), small_bytes, cudaMemcpyDeviceToHost));
  mismatch = check_link_pattern(got.data(), got.size(), m_seed);
  if (!mismatch.empty()) mismatch = fmt::format("{}-byte peer copy GPU {} -> GPU {}: {}", small_bytes, m_src, m_dst, mismatch);
  return seconds;
}

}  // namespace rafter::cuda

#include "microbench/cuda/host_link_bench.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "microbench/cuda/cuda_call.hpp"
#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/kernels/link_kernels.hpp"
#include "microbench/cuda/link_pattern.hpp"

namespace rafter::cuda {

namespace {

constexpr std::size_t chunk_words = std::size_t{16} << 20;  ///< 64 MiB of host memory per check step.

constexpr host_copy_info copy_table[] = {
    {host_copy::h2d_pinned, "h2d_pinned", "cudaMemcpyAsync from pinned host memory (copy engine)", false},
    {host_copy::d2h_pinned, "d2h_pinned", "cudaMemcpyAsync to pinned host memory (copy engine)", false},
    {host_copy::h2d_pageable, "h2d_pageable", "cudaMemcpyAsync from pageable host memory (staged by the driver), host clock", true},
    {host_copy::d2h_pageable, "d2h_pageable", "cudaMemcpyAsync to pageable host memory (staged by the driver), host clock", true},
    {host_copy::bidir_pinned, "bidir_pinned",
     "a pinned H2D and a pinned D2H cudaMemcpyAsync at once on two streams (copy engines), both directions' bytes counted", false},
    {host_copy::h2d_sm_kernel, "h2d_sm_kernel",
     "an SM copy kernel (16-byte ld.global.cg from mapped pinned host memory, a full wave) writing device memory", false},
    {host_copy::d2h_sm_kernel, "d2h_sm_kernel",
     "an SM copy kernel (16-byte st.global.cg to mapped pinned host memory, a full wave) reading device memory", false},
};

}  // namespace

std::span<const host_copy_info> host_copies() noexcept { return copy_table; }
const host_copy_info& info(host_copy copy) noexcept { return copy_table[static_cast<std::size_t>(copy)]; }

host_link_bench::host_link_bench(gpu_session& session, std::size_t bytes, std::uint64_t seed)
    : m_session(session), m_bytes(bytes / 16 * 16), m_words(m_bytes / 4), m_seed_host(seed * 2 + 1), m_seed_device(seed * 2 + 2) {
  if (m_bytes == 0) throw usage_error("host_link_bench: a transfer needs at least 16 bytes");
  try {
    allocate();
  } catch (...) {
    release();  // No destructor runs: the pinned buffers (gigabytes, full preset) are freed here.
    throw;
  }
}

void host_link_bench::allocate() {
  int per_sm = 0;
  RAFTER_CUDA_CALL(link_copy_occupancy(&per_sm));
  m_blocks = blocks_filling_gpu(m_session.facts().sms, per_sm);
  m_device_src = device_buffer<std::uint32_t>(m_words);
  m_device_dst = device_buffer<std::uint32_t>(m_words);
  RAFTER_CUDA_CALL(cudaHostAlloc(reinterpret_cast<void**>(&m_pinned_src), m_bytes, cudaHostAllocMapped));
  RAFTER_CUDA_CALL(cudaHostAlloc(reinterpret_cast<void**>(&m_pinned_dst), m_bytes, cudaHostAllocMapped));
  RAFTER_CUDA_CALL(cudaHostGetDevicePointer(&m_mapped_src, m_pinned_src, 0));
  RAFTER_CUDA_CALL(cudaHostGetDevicePointer(&m_mapped_dst, m_pinned_dst, 0));
  m_pageable_src = std::make_unique<std::uint32_t[]>(m_words);
  m_pageable_dst = std::make_unique<std::uint32_t[]>(m_words);
  fill_link_pattern(m_pinned_src, m_words, m_seed_host);
  std::memcpy(m_pageable_src.get(), m_pinned_src, m_bytes);
  // The device source: the device pattern, staged through the pinned destination.
  fill_link_pattern(m_pinned_dst, m_words, m_seed_device);
  RAFTER_CUDA_CALL(cudaMemcpy(m_device_src.get(), m_pinned_dst, m_bytes, cudaMemcpyHostToDevice));
  RAFTER_CUDA_CALL(cudaStreamCreateWithFlags(&m_second, cudaStreamNonBlocking));
  RAFTER_CUDA_CALL(cudaEventCreateWithFlags(&m_fork, cudaEventDisableTiming));
  RAFTER_CUDA_CALL(cudaEventCreateWithFlags(&m_join, cudaEventDisableTiming));
}

host_link_bench::~host_link_bench() { release(); }

void host_link_bench::release() noexcept {
  if (m_join) cudaEventDestroy(m_join);
  if (m_fork) cudaEventDestroy(m_fork);
  if (m_second) cudaStreamDestroy(m_second);
  if (m_pinned_dst) cudaFreeHost(m_pinned_dst);
  if (m_pinned_src) cudaFreeHost(m_pinned_src);
  m_join = m_fork = nullptr;
  m_second = nullptr;
  m_pinned_dst = m_pinned_src = nullptr;
}

cudaError_t host_link_bench::enqueue(host_copy copy, int repeats) {
  const cudaStream_t s = m_session.stream();
  for (int r = 0; r < repeats; ++r) {
    cudaError_t e = cudaSuccess;
    switch (copy) {
      case host_copy::h2d_pinned: e = cudaMemcpyAsync(m_device_dst.get(), m_pinned_src, m_bytes, cudaMemcpyHostToDevice, s); break;
      case host_copy::d2h_pinned: e = cudaMemcpyAsync(m_pinned_dst, m_device_src.get(), m_bytes, cudaMemcpyDeviceToHost, s); break;
      case host_copy::h2d_pageable:
        e = cudaMemcpyAsync(m_device_dst.get(), m_pageable_src.get(), m_bytes, cudaMemcpyHostToDevice, s);
        break;
      case host_copy::d2h_pageable:
        e = cudaMemcpyAsync(m_pageable_dst.get(), m_device_src.get(), m_bytes, cudaMemcpyDeviceToHost, s);
        break;
      case host_copy::bidir_pinned:
        if ((e = cudaEventRecord(m_fork, s)) != cudaSuccess) return e;
        if ((e = cudaStreamWaitEvent(m_second, m_fork, 0)) != cudaSuccess) return e;
        if ((e = cudaMemcpyAsync(m_device_dst.get(), m_pinned_src, m_bytes, cudaMemcpyHostToDevice, s)) != cudaSuccess) return e;
        if ((e = cudaMemcpyAsync(m_pinned_dst, m_device_src.get(), m_bytes, cudaMemcpyDeviceToHost, m_second)) != cudaSuccess) return e;
        if ((e = cudaEventRecord(m_join, m_second)) != cudaSuccess) return e;
        e = cudaStreamWaitEvent(s, m_join, 0);
        break;
      case host_copy::h2d_sm_kernel: e = launch_link_copy(m_blocks, m_mapped_src, m_device_dst.get(), m_bytes / 16, s); break;
      case host_copy::d2h_sm_kernel: e = launch_link_copy(m_blocks, m_device_src.get(), m_mapped_dst, m_bytes / 16, s); break;
    }
    if (e != cudaSuccess) return e;
  }
  return cudaSuccess;
}

std::string host_link_bench::run_and_check(host_copy copy) {
  const bool to_device = copy == host_copy::h2d_pinned || copy == host_copy::h2d_pageable ||
                         copy == host_copy::h2d_sm_kernel || copy == host_copy::bidir_pinned;
  const bool to_pinned = copy == host_copy::d2h_pinned || copy == host_copy::d2h_sm_kernel || copy == host_copy::bidir_pinned;
  if (to_device) m_device_dst.fill_bytes(0);
  if (to_pinned) std::memset(m_pinned_dst, 0, m_bytes);
  if (copy == host_copy::d2h_pageable) std::memset(m_pageable_dst.get(), 0, m_bytes);
  RAFTER_CUDA_CALL(cudaDeviceSynchronize());  // the clearing memset runs on the legacy stream
  m_session.run([&](cudaStream_t) { return enqueue(copy, 1); });
  return check_output(copy);
}

std::string host_link_bench::check_device(const device_buffer<std::uint32_t>& buffer, std::uint64_t seed) const {
  std::vector<std::uint32_t> chunk;
  for (std::size_t first = 0; first < m_words; first += chunk_words) {
    const std::size_t n = std::min(chunk_words, m_words - first);
    chunk.resize(n);
    RAFTER_CUDA_CALL(cudaMemcpy(chunk.data(), buffer.get() + first, n * 4, cudaMemcpyDeviceToHost));
    if (std::string why = check_link_pattern(chunk.data(), n, seed, first); !why.empty()) return "device buffer: " + why;
  }
  return {};
}

std::string host_link_bench::check_output(host_copy copy) const {
  const std::string what = std::string(info(copy).id) + " of " + std::to_string(m_bytes) + " bytes: ";
  std::string why;
  switch (copy) {
    case host_copy::h2d_pinned:
    case host_copy::h2d_pageable:
    case host_copy::h2d_sm_kernel: why = check_device(m_device_dst, m_seed_host); break;
    case host_copy::d2h_pinned:
    case host_copy::d2h_sm_kernel: why = check_link_pattern(m_pinned_dst, m_words, m_seed_device); break;
    case host_copy::d2h_pageable: why = check_link_pattern(m_pageable_dst.get(), m_words, m_seed_device); break;
    case host_copy::bidir_pinned:
      why = check_device(m_device_dst, m_seed_host);
      if (why.empty()) why = check_link_pattern(m_pinned_dst, m_words, m_seed_device);
      break;
  }
  return why.empty() ? why : what + why;
}

double host_link_bench::time(host_copy copy, int repeats) {
  if (!info(copy).host_timed) return m_session.time([&](cudaStream_t) { return enqueue(copy, repeats); });
  RAFTER_CUDA_CALL(cudaStreamSynchronize(m_session.stream()));
  const auto t0 = std::chrono::steady_clock::now();
  RAFTER_CUDA_CALL(enqueue(copy, repeats));
  RAFTER_CUDA_CALL(cudaStreamSynchronize(m_session.stream()));
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double host_link_bench::bytes(host_copy copy, int repeats) const noexcept {
  return static_cast<double>(m_bytes) * repeats * (copy == host_copy::bidir_pinned ? 2.0 : 1.0);
}

std::optional<double> host_link_bench::small_copies(bool host_to_device, std::size_t small_bytes, int copies,
                                                   std::string& mismatch) {
  small_bytes = std::clamp<std::size_t>(small_bytes / 4 * 4, 4, 16 * 1024);
  const std::size_t words = small_bytes / 4;
  if (host_to_device) RAFTER_CUDA_CALL(cudaMemset(m_device_dst.get(), 0, small_bytes));
  else std::memset(m_pinned_dst, 0, small_bytes);
  RAFTER_CUDA_CALL(cudaDeviceSynchronize());
  const std::optional<double> seconds = m_gate.time(m_session.stream(), [&](cudaStream_t s) {
    for (int c = 0; c < copies; ++c) {
      const cudaError_t e = host_to_device
                                ? cudaMemcpyAsync(m_device_dst.get(), m_pinned_src, small_bytes, cudaMemcpyHostToDevice, s)
                                : cudaMemcpyAsync(m_pinned_dst, m_device_src.get(), small_bytes, cudaMemcpyDeviceToHost, s);
      if (e != cudaSuccess) return e;
    }
    return cudaSuccess;
  });
  std::vector<std::uint32_t> got(words);
  if (host_to_device) {
    RAFTER_CUDA_CALL(cudaMemcpy(got.data(), m_device_dst.get(), small_bytes, cudaMemcpyDeviceToHost));
  } else {
    std::memcpy(got.data(), m_pinned_dst, small_bytes);
  }
  mismatch = check_link_pattern(got.data(), words, host_to_device ? m_seed_host : m_seed_device);
  if (!mismatch.empty()) mismatch = fmt::format("{}-byte {} copy: {}", small_bytes, host_to_device ? "H2D" : "D2H", mismatch);
  return seconds;
}

}  // namespace rafter::cuda

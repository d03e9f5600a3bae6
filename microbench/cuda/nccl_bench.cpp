#include "microbench/cuda/nccl_bench.hpp"

#include <chrono>
#include <random>

#include <fmt/format.h>

#include "core/error.hpp"
#include "microbench/cuda/cuda_call.hpp"
#include "microbench/cuda/device_buffer.hpp"
#include "microbench/cuda/link_pattern.hpp"

namespace rafter::cuda {

namespace {

constexpr std::size_t checked_elements = 64;  ///< Random output elements checked per rank, plus the first and last.

}  // namespace

struct nccl_bench::rank_state {
  int device = 0;
  ncclComm_t comm = nullptr;
  cudaStream_t stream = nullptr;
  device_buffer<float> send, receive;
};

nccl_bench::nccl_bench(const nccl_library& nccl, std::vector<int> devices, std::size_t max_bytes, std::uint64_t seed)
    : m_nccl(nccl), m_devices(std::move(devices)), m_seed(seed) {
  if (!nccl.available()) throw unsupported_error("NCCL unavailable: " + nccl.unavailable_reason());
  if (m_devices.size() < 2) throw unsupported_error("NCCL collectives need at least two GPUs; this machine shows one");
  const std::size_t n = m_devices.size();
  m_max_elements = max_bytes / 4 / n * n;
  if (m_max_elements == 0) throw usage_error("nccl_bench: the largest message is smaller than one element per rank");
  std::vector<ncclComm_t> comms(n);
  nccl.check(nccl.comm_init_all(comms.data(), static_cast<int>(n), m_devices.data()), "ncclCommInitAll");
  std::vector<float> host(m_max_elements);
  for (std::size_t r = 0; r < n; ++r) {
    auto s = std::make_unique<rank_state>();
    s->device = m_devices[r];
    s->comm = comms[r];
    RAFTER_CUDA_CALL(cudaSetDevice(s->device));
    RAFTER_CUDA_CALL(cudaStreamCreateWithFlags(&s->stream, cudaStreamNonBlocking));
    s->send = device_buffer<float>(m_max_elements);
    s->receive = device_buffer<float>(m_max_elements);
    for (std::size_t i = 0; i < m_max_elements; ++i) host[i] = input(static_cast<int>(r), i);
    s->send.upload(host);
    m_ranks.push_back(std::move(s));
  }
}

nccl_bench::~nccl_bench() {
  for (auto& s : m_ranks) {
    cudaSetDevice(s->device);
    if (s->comm) m_nccl.comm_destroy(s->comm);
    if (s->stream) cudaStreamDestroy(s->stream);
  }
}

float nccl_bench::input(int rank, std::size_t i) const noexcept {
  // 1 .. 64: a sum over up to 2^18 ranks stays an exact fp32 integer.
  return static_cast<float>(1 + link_word(m_seed + static_cast<std::uint64_t>(rank), i) % 64);
}

std::size_t nccl_bench::message_bytes(std::size_t bytes) const noexcept {
  const std::size_t n = m_devices.size();
  const std::size_t elements = std::min(bytes / 4 / n * n, m_max_elements);
  return std::max(elements, n) * 4;
}

void nccl_bench::enqueue(collective op, std::size_t elements) {
  const std::size_t n = m_ranks.size();
  m_nccl.check(m_nccl.group_start(), "ncclGroupStart");
  for (auto& s : m_ranks) {
    ncclResult_t r = ncclSuccess;
    switch (op) {
      case collective::all_reduce:
        r = m_nccl.all_reduce(s->send.get(), s->receive.get(), elements, ncclFloat32, ncclSum, s->comm, s->stream);
        break;
      case collective::all_gather:
        r = m_nccl.all_gather(s->send.get(), s->receive.get(), elements / n, ncclFloat32, s->comm, s->stream);
        break;
      case collective::reduce_scatter:
        r = m_nccl.reduce_scatter(s->send.get(), s->receive.get(), elements / n, ncclFloat32, ncclSum, s->comm, s->stream);
        break;
    }
    m_nccl.check(r, "ncclGroupStart .. collective");
  }
  m_nccl.check(m_nccl.group_end(), "ncclGroupEnd");
}

std::string nccl_bench::run_and_check(collective op, std::size_t bytes) {
  for (auto& s : m_ranks) {
    RAFTER_CUDA_CALL(cudaSetDevice(s->device));
    s->receive.fill_bytes(0xff);
    RAFTER_CUDA_CALL(cudaDeviceSynchronize());
  }
  (void)time(op, bytes, 1);
  return check_output(op, bytes);
}

std::string nccl_bench::check_output(collective op, std::size_t bytes) const {
  const std::size_t n = m_ranks.size();
  const std::size_t elements = message_bytes(bytes) / 4;
  const std::size_t received = collective_elements(op, elements, static_cast<int>(n)).receive;
  const std::size_t chunk = elements / n;
  std::mt19937_64 rng(m_seed ^ elements);
  for (std::size_t r = 0; r < n; ++r) {
    std::vector<std::size_t> positions = {0, received - 1};
    for (std::size_t c = 0; c < checked_elements; ++c) positions.push_back(rng() % received);
    for (const std::size_t i : positions) {
      float got = 0.0f;
      RAFTER_CUDA_CALL(cudaMemcpy(&got, m_ranks[r]->receive.get() + i, sizeof got, cudaMemcpyDeviceToHost));
      float expected = 0.0f;
      switch (op) {
        case collective::all_reduce:
          for (std::size_t q = 0; q < n; ++q) expected += input(static_cast<int>(q), i);
          break;
        case collective::all_gather: expected = input(static_cast<int>(i / chunk), i % chunk); break;
        case collective::reduce_scatter:
          for (std::size_t q = 0; q < n; ++q) expected += input(static_cast<int>(q), r * chunk + i);
          break;
      }
      if (got != expected) {
        return fmt::format("NCCL {} of {} bytes over {} GPUs: rank {} element {} is {}, expected {}", info(op).name,
                           elements * 4, n, r, i, got, expected);
      }
    }
  }
  return {};
}

double nccl_bench::time(collective op, std::size_t bytes, int iterations) {
  const std::size_t elements = message_bytes(bytes) / 4;
  for (auto& s : m_ranks) RAFTER_CUDA_CALL(cudaStreamSynchronize(s->stream));
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < iterations; ++i) enqueue(op, elements);
  for (auto& s : m_ranks) RAFTER_CUDA_CALL(cudaStreamSynchronize(s->stream));
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace rafter::cuda

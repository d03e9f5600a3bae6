#include "microbench/cuda/nccl_bench.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "core/error.hpp"
#include "microbench/cuda/cuda_call.hpp"
#include "microbench/cuda/device_buffer.hpp"
#include "microbench/cuda/collective_reference.hpp"

namespace rafter::cuda {

namespace {

constexpr std::size_t checked_elements = 64;  ///< Random output elements checked per rank, plus the first and last.

}  // namespace

struct nccl_bench::rank_state {
  int rank = 0;  ///< Rank in the communicator.
  int device = 0;
  ncclComm_t comm = nullptr;
  cudaStream_t stream = nullptr;
  device_buffer<float> send, receive;
};

nccl_bench::nccl_bench(const nccl_library& nccl, std::vector<int> devices, std::size_t max_bytes, std::uint64_t seed)
    : m_nccl(nccl), m_total_ranks(static_cast<int>(devices.size())), m_seed(seed) {
  if (!nccl.available()) throw unsupported_error("NCCL unavailable: " + nccl.unavailable_reason());
  if (devices.size() < 2) throw unsupported_error("NCCL collectives need at least two GPUs; this machine shows one");
  const std::size_t n = devices.size();
  m_max_elements = max_bytes / 4 / n * n;
  if (m_max_elements == 0) throw usage_error("nccl_bench: the largest message is smaller than one element per rank");
  std::vector<ncclComm_t> comms(n);
  nccl.check(nccl.comm_init_all(comms.data(), static_cast<int>(n), devices.data()), "ncclCommInitAll");
  try {
    for (std::size_t r = 0; r < n; ++r) add_rank(static_cast<int>(r), devices[r], comms[r]);
  } catch (...) {
    // No destructor runs: free the communicators (the sweep skips the collectives and goes on).
    for (std::size_t r = m_ranks.size(); r < n; ++r) {
      if (comms[r]) nccl.comm_destroy(comms[r]);
    }
    release();
    throw;
  }
}

nccl_bench::nccl_bench(const nccl_library& nccl, const process_rank& me, std::size_t max_bytes, std::uint64_t seed)
    : m_nccl(nccl), m_total_ranks(me.ranks), m_seed(seed) {
  if (!nccl.available()) throw unsupported_error("NCCL unavailable: " + nccl.unavailable_reason());
  if (me.ranks < 2) throw unsupported_error("NCCL collectives need at least two ranks");
  if (me.rank < 0 || me.rank >= me.ranks) throw usage_error(fmt::format("nccl_bench: rank {} of {}", me.rank, me.ranks));
  const auto n = static_cast<std::size_t>(me.ranks);
  m_max_elements = max_bytes / 4 / n * n;
  if (m_max_elements == 0) throw usage_error("nccl_bench: the largest message is smaller than one element per rank");
  RAFTER_CUDA_CALL(cudaSetDevice(me.device));
  ncclComm_t comm = nullptr;
  nccl.check(nccl.comm_init_rank(&comm, me.ranks, me.id, me.rank), "ncclCommInitRank");
  add_rank(me.rank, me.device, comm);
}

void nccl_bench::add_rank(int rank, int device, ncclComm_t comm) {
  auto s = std::make_unique<rank_state>();
  s->rank = rank;
  s->device = device;
  s->comm = comm;
  RAFTER_CUDA_CALL(cudaSetDevice(s->device));
  RAFTER_CUDA_CALL(cudaStreamCreateWithFlags(&s->stream, cudaStreamNonBlocking));
  s->send = device_buffer<float>(m_max_elements);
  s->receive = device_buffer<float>(m_max_elements);
  std::vector<float> host(m_max_elements);
  fill_collective_input(host.data(), host.size(), m_seed, rank);
  s->send.upload(host);
  m_ranks.push_back(std::move(s));
}

nccl_bench::~nccl_bench() { release(); }

void nccl_bench::release() noexcept {
  for (auto& s : m_ranks) {
    (void)cudaSetDevice(s->device);
    if (s->comm) m_nccl.comm_destroy(s->comm);
    if (s->stream) (void)cudaStreamDestroy(s->stream);
  }
  m_ranks.clear();
  (void)cudaGetLastError();  // A failure while tearing down is not the next call's.
}

std::size_t nccl_bench::message_bytes(std::size_t bytes) const noexcept {
  const auto n = static_cast<std::size_t>(m_total_ranks);
  const std::size_t elements = std::min(bytes / 4 / n * n, m_max_elements);
  return std::max(elements, n) * 4;
}

void nccl_bench::enqueue(collective op, std::size_t elements) {
  const auto n = static_cast<std::size_t>(m_total_ranks);
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
  const std::size_t elements = message_bytes(bytes) / 4;
  const std::size_t received = collective_elements(op, elements, m_total_ranks).receive;
  const auto positions = collective_check_positions(received, 0, checked_elements, m_seed ^ elements);
  std::vector<float> got(positions.size(), 0.0f);
  for (const auto& s : m_ranks) {
    for (std::size_t k = 0; k < positions.size(); ++k) {
      RAFTER_CUDA_CALL(cudaMemcpy(&got[k], s->receive.get() + positions[k], sizeof(float), cudaMemcpyDeviceToHost));
    }
    const std::string wrong = check_collective_output(op, m_seed, m_total_ranks, s->rank, elements, positions, got);
    if (!wrong.empty()) return "NCCL " + wrong;
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

#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "microbench/cuda/collective_bandwidth.hpp"
#include "microbench/cuda/nccl_library.hpp"

namespace rafter::cuda {

/// NCCL collectives, fp32 sum, in one of two layouts: every GPU in `devices` driven by this
/// process (one communicator per GPU, ncclCommInitAll), or one GPU per process of a multi-process
/// job (ncclCommInitRank with an id that rank 0 made and the job broadcast, e.g. through MPI).
/// Inputs are small random integers (collective_reference.hpp: exact in fp32 whatever the
/// reduction order), so each check compares sampled output elements of this process's ranks
/// exactly with the host reference. Message sizes are nccl-tests' S (collective_bandwidth.hpp), at
/// most `max_bytes`.
class nccl_bench {
public:
  /// This process's place in a multi-process communicator.
  struct process_rank {
    int rank = 0;         ///< 0 .. ranks-1.
    int ranks = 0;        ///< Processes (one GPU each) in the communicator.
    int device = 0;       ///< The CUDA device this process drives.
    ncclUniqueId id{};    ///< ncclGetUniqueId on rank 0, the same bytes on every rank.
  };

  /// Single process. Throws unsupported_error when NCCL is unavailable or fewer than two GPUs are given.
  nccl_bench(const nccl_library& nccl, std::vector<int> devices, std::size_t max_bytes, std::uint64_t seed);
  /// One rank of a multi-process communicator; every rank must construct it (ncclCommInitRank is
  /// collective). Throws unsupported_error when NCCL is unavailable or `me.ranks` < 2.
  nccl_bench(const nccl_library& nccl, const process_rank& me, std::size_t max_bytes, std::uint64_t seed);
  ~nccl_bench();
  nccl_bench(const nccl_bench&) = delete;
  nccl_bench& operator=(const nccl_bench&) = delete;

  /// Poisons every output, runs `op` once on a message of `bytes` (rounded down to a multiple of
  /// 4 x ranks) and checks it.
  [[nodiscard]] std::string run_and_check(collective op, std::size_t bytes);
  [[nodiscard]] std::string check_output(collective op, std::size_t bytes) const;
  /// Seconds (host clock, this process's streams synchronized) of `iterations` back-to-back
  /// collectives. In a multi-process job every rank calls it together.
  [[nodiscard]] double time(collective op, std::size_t bytes, int iterations);

  /// Ranks of the communicator (GPUs in all processes).
  [[nodiscard]] int ranks() const noexcept { return m_total_ranks; }
  /// The message size actually used for `bytes`.
  [[nodiscard]] std::size_t message_bytes(std::size_t bytes) const noexcept;

private:
  struct rank_state;
  void enqueue(collective op, std::size_t elements);
  void add_rank(int rank, int device, ncclComm_t comm);
  /// Destroys every rank's communicator and stream (the destructor; a constructor that failed).
  void release() noexcept;

  const nccl_library& m_nccl;
  int m_total_ranks = 0;
  std::size_t m_max_elements = 0;
  std::uint64_t m_seed = 0;
  std::vector<std::unique_ptr<rank_state>> m_ranks;
};

}  // namespace rafter::cuda

#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "microbench/cuda/collective_bandwidth.hpp"
#include "microbench/cuda/nccl_library.hpp"

namespace rafter::cuda {

/// NCCL collectives over every GPU in `devices`, one communicator per GPU in this process
/// (ncclCommInitAll), fp32 sum. Inputs are small random integers (exact in fp32 whatever the
/// reduction order), so each check compares sampled output elements exactly with the host
/// reference. Message sizes are nccl-tests' S (collective_bandwidth.hpp), at most `max_bytes`.
class nccl_bench {
public:
  /// Throws unsupported_error when NCCL is unavailable or fewer than two GPUs are given.
  nccl_bench(const nccl_library& nccl, std::vector<int> devices, std::size_t max_bytes, std::uint64_t seed);
  ~nccl_bench();
  nccl_bench(const nccl_bench&) = delete;
  nccl_bench& operator=(const nccl_bench&) = delete;

  /// Poisons every output, runs `op` once on a message of `bytes` (rounded down to a multiple of
  /// 4 x ranks) and checks it.
  [[nodiscard]] std::string run_and_check(collective op, std::size_t bytes);
  [[nodiscard]] std::string check_output(collective op, std::size_t bytes) const;
  /// Seconds (host clock, every stream synchronized) of `iterations` back-to-back collectives.
  [[nodiscard]] double time(collective op, std::size_t bytes, int iterations);

  [[nodiscard]] int ranks() const noexcept { return static_cast<int>(m_devices.size()); }
  /// The message size actually used for `bytes`.
  [[nodiscard]] std::size_t message_bytes(std::size_t bytes) const noexcept;

private:
  struct rank_state;
  void enqueue(collective op, std::size_t elements);
  [[nodiscard]] float input(int rank, std::size_t i) const noexcept;

  const nccl_library& m_nccl;
  std::vector<int> m_devices;
  std::size_t m_max_elements = 0;
  std::uint64_t m_seed = 0;
  std::vector<std::unique_ptr<rank_state>> m_ranks;
};

}  // namespace rafter::cuda

#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "microbench/cuda/cublaslt_library.hpp"
#include "microbench/cuda/device_buffer.hpp"
#include "microbench/cuda/gemm_reference.hpp"
#include "microbench/cuda/gpu_session.hpp"

namespace rafter::cuda {

/// The library-achievable GEMM ceiling of one precision at one size: cuBLASLt's top heuristic
/// algorithm for D (m x n) = A^T B ("TN", the layout fp8 requires), m = n = k = `size`, fp32
/// accumulation, alpha 1, beta 0, random operands generated on the GPU (never zeros). Each check
/// reads back gemm_samples output elements and compares them with a host reference within
/// gemm_tolerance.
class gemm_bench {
public:
  /// Throws unsupported_error when the GPU's compute capability lacks the precision, when
  /// cuBLASLt is unavailable, fails or has no algorithm for it, or when the GPU lacks the memory.
  /// The algorithm is the heuristic's first with no split-K reduction in the output type.
  gemm_bench(gpu_session& session, const cublaslt_library& lt, gemm_precision precision, std::size_t size,
             std::uint64_t seed);
  ~gemm_bench();
  gemm_bench(const gemm_bench&) = delete;
  gemm_bench& operator=(const gemm_bench&) = delete;

  /// Poisons D, runs one GEMM and checks it. A cuBLASLt failure throws unsupported_error.
  [[nodiscard]] std::string run_and_check();
  /// Checks the sampled elements of D as it is now.
  [[nodiscard]] std::string check_output() const;
  /// Seconds (CUDA events) of `launches` back-to-back GEMMs.
  [[nodiscard]] double time(int launches);

  [[nodiscard]] double flop(int launches) const noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return m_size; }

  /// Output elements each check compares.
  static constexpr std::size_t samples = 256;
  /// Workspace offered to cuBLASLt (NVIDIA's recommendation for Hopper).
  static constexpr std::size_t workspace_bytes = std::size_t{32} << 20;

private:
  struct plan;
  cudaError_t enqueue(cudaStream_t stream);

  gpu_session& m_session;
  const cublaslt_library& m_lt;
  gemm_precision m_precision;
  std::size_t m_size = 0;
  std::uint64_t m_seed_a = 0, m_seed_b = 0;
  std::unique_ptr<plan> m_plan;
  device_buffer<unsigned char> m_a, m_b, m_d, m_workspace;
  std::vector<std::pair<std::size_t, std::size_t>> m_positions;
};

}  // namespace rafter::cuda

#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>

#include <cuda_bf16.h>
#include <cuda_runtime_api.h>

namespace rafter::llm {

/// One linear layer: y[m][n] = x[m][k] . w[n][k]^T (+ bias[n]) (+ y[m][n] when `accumulate`,
/// the residual add), all row-major; x, w, bias BF16; y BF16, or FP32 with `f32_out`. FP32
/// accumulation (CUBLAS_COMPUTE_32F). Pointers must be 16-byte aligned and k, n multiples of 8.
struct gemm_shape {
  int m = 0;
  int n = 0;
  int k = 0;
  bool accumulate = false;
  bool bias = false;
  bool f32_out = false;
  auto operator<=>(const gemm_shape&) const = default;
};

/// cuBLASLt with one handle, one workspace and one plan (descriptors and the heuristic's first
/// algorithm) per shape. Column-major cuBLASLt sees the row-major problem transposed:
/// y^T[n][m] = op_T(w^T[k][n]) . x^T[k][m], the "TN" layout. Failures throw `rafter::error`
/// through RAFTER_CUBLASLT_CALL / RAFTER_CUDA_CALL.
class cublaslt_gemm {
public:
  /// The alignment every operand pointer must have, and all that the chosen algorithms assume.
  static constexpr std::uint32_t operand_alignment_bytes = 16;
  /// The alignment a bias pointer must have: the heuristic runs before the bias pointer is set and
  /// infers its alignment from it (null: the widest), so the chosen algorithm may assume 256 bytes.
  static constexpr std::uint32_t bias_alignment_bytes = 256;

  explicit cublaslt_gemm(std::size_t workspace_bytes = std::size_t{32} << 20);
  ~cublaslt_gemm();
  cublaslt_gemm(const cublaslt_gemm&) = delete;
  cublaslt_gemm& operator=(const cublaslt_gemm&) = delete;

  /// Builds the plan of `shape` (host-side work kept out of the measured region).
  void prepare(const gemm_shape& shape);
  /// Enqueues y = ... on `stream`; prepares the shape first if needed. `bias` is ignored unless
  /// shape.bias. Throws std::invalid_argument when an operand is not operand_alignment_bytes aligned
  /// or the bias not bias_alignment_bytes aligned (a cudaMalloc'd buffer is).
  void run(const gemm_shape& shape, const __nv_bfloat16* x, const __nv_bfloat16* w, const __nv_bfloat16* bias, void* y,
           cudaStream_t stream);

private:
  struct plan;
  struct handle;
  std::unique_ptr<handle> m_handle;
  std::map<gemm_shape, std::unique_ptr<plan>> m_plans;
};

}  // namespace rafter::llm

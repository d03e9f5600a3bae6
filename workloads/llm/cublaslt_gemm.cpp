#include "workloads/llm/cublaslt_gemm.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>

#include <cublasLt.h>

#include "core/error.hpp"
#include "microbench/cuda/cuda_call.hpp"
#include "workloads/llm/cublaslt_call.hpp"

namespace rafter::llm {

struct cublaslt_gemm::handle {
  cublasLtHandle_t lt = nullptr;
  void* workspace = nullptr;
  std::size_t workspace_bytes = 0;
};

struct cublaslt_gemm::plan {
  cublasLtMatmulDesc_t desc = nullptr;
  cublasLtMatrixLayout_t w_layout = nullptr;  // "A": w^T, k x n column-major, transposed by the op
  cublasLtMatrixLayout_t x_layout = nullptr;  // "B": x^T, k x m column-major
  cublasLtMatrixLayout_t y_layout = nullptr;  // "C" and "D": y^T, n x m column-major
  cublasLtMatmulAlgo_t algo{};

  ~plan() {
    if (y_layout != nullptr) cublasLtMatrixLayoutDestroy(y_layout);
    if (x_layout != nullptr) cublasLtMatrixLayoutDestroy(x_layout);
    if (w_layout != nullptr) cublasLtMatrixLayoutDestroy(w_layout);
    if (desc != nullptr) cublasLtMatmulDescDestroy(desc);
  }
};

cublaslt_gemm::cublaslt_gemm(std::size_t workspace_bytes) : m_handle(std::make_unique<handle>()) {
  RAFTER_CUBLASLT_CALL(cublasLtCreate(&m_handle->lt));
  m_handle->workspace_bytes = workspace_bytes;
  RAFTER_CUDA_CALL(cudaMalloc(&m_handle->workspace, workspace_bytes));
}

cublaslt_gemm::~cublaslt_gemm() {
  m_plans.clear();
  if (m_handle->workspace != nullptr) cudaFree(m_handle->workspace);
  if (m_handle->lt != nullptr) cublasLtDestroy(m_handle->lt);
}

void cublaslt_gemm::prepare(const gemm_shape& s) {
  if (m_plans.contains(s)) return;
  auto p = std::make_unique<plan>();
  RAFTER_CUBLASLT_CALL(cublasLtMatmulDescCreate(&p->desc, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  const cublasOperation_t trans_w = CUBLAS_OP_T;
  const cublasOperation_t trans_x = CUBLAS_OP_N;
  RAFTER_CUBLASLT_CALL(cublasLtMatmulDescSetAttribute(p->desc, CUBLASLT_MATMUL_DESC_TRANSA, &trans_w, sizeof(trans_w)));
  RAFTER_CUBLASLT_CALL(cublasLtMatmulDescSetAttribute(p->desc, CUBLASLT_MATMUL_DESC_TRANSB, &trans_x, sizeof(trans_x)));
  if (s.bias) {
    const cublasLtEpilogue_t epilogue = CUBLASLT_EPILOGUE_BIAS;
    RAFTER_CUBLASLT_CALL(
        cublasLtMatmulDescSetAttribute(p->desc, CUBLASLT_MATMUL_DESC_EPILOGUE, &epilogue, sizeof(epilogue)));
  }
  const auto u = [](int v) { return static_cast<std::uint64_t>(v); };
  RAFTER_CUBLASLT_CALL(cublasLtMatrixLayoutCreate(&p->w_layout, CUDA_R_16BF, u(s.k), u(s.n), s.k));
  RAFTER_CUBLASLT_CALL(cublasLtMatrixLayoutCreate(&p->x_layout, CUDA_R_16BF, u(s.k), u(s.m), s.k));
  RAFTER_CUBLASLT_CALL(
      cublasLtMatrixLayoutCreate(&p->y_layout, s.f32_out ? CUDA_R_32F : CUDA_R_16BF, u(s.n), u(s.m), s.n));

  cublasLtMatmulPreference_t pref = nullptr;
  RAFTER_CUBLASLT_CALL(cublasLtMatmulPreferenceCreate(&pref));
  const std::uint64_t ws = m_handle->workspace_bytes;
  cublasStatus_t status =
      cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof(ws));
  // Operands are only promised 16-byte alignment (a pass's slice of the logits may sit 128 bytes into
  // a 256-byte line); the heuristic otherwise assumes 256 and may pick an algorithm that refuses them.
  const std::uint32_t align = operand_alignment_bytes;
  for (const auto attr : {CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES,
                          CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES}) {
    if (status == CUBLAS_STATUS_SUCCESS) status = cublasLtMatmulPreferenceSetAttribute(pref, attr, &align, sizeof(align));
  }
  cublasLtMatmulHeuristicResult_t result{};
  int found = 0;
  if (status == CUBLAS_STATUS_SUCCESS) {
    status = cublasLtMatmulAlgoGetHeuristic(m_handle->lt, p->desc, p->w_layout, p->x_layout, p->y_layout, p->y_layout,
                                            pref, 1, &result, &found);
  }
  cublasLtMatmulPreferenceDestroy(pref);
  if (status != CUBLAS_STATUS_SUCCESS) {
    throw_cublaslt_error(status, "cublasLtMatmulAlgoGetHeuristic(...)", __FILE__, __LINE__);
  }
  if (found == 0) {
    throw unsupported_error("cuBLASLt has no algorithm for the BF16 GEMM m=" + std::to_string(s.m) +
                            " n=" + std::to_string(s.n) + " k=" + std::to_string(s.k) + " on this GPU");
  }
  p->algo = result.algo;
  m_plans.emplace(s, std::move(p));
}

void cublaslt_gemm::run(const gemm_shape& s, const __nv_bfloat16* x, const __nv_bfloat16* w, const __nv_bfloat16* bias,
                        void* y, cudaStream_t stream) {
  const auto aligned = [](const void* ptr, std::uint32_t bytes) { return reinterpret_cast<std::uintptr_t>(ptr) % bytes == 0; };
  if (!aligned(x, operand_alignment_bytes) || !aligned(w, operand_alignment_bytes) || !aligned(y, operand_alignment_bytes)) {
    throw std::invalid_argument("cublaslt_gemm::run: an operand is not " + std::to_string(operand_alignment_bytes) +
                                "-byte aligned");
  }
  if (s.bias && !aligned(bias, bias_alignment_bytes)) {
    throw std::invalid_argument("cublaslt_gemm::run: the bias is not " + std::to_string(bias_alignment_bytes) +
                                "-byte aligned");
  }
  prepare(s);
  plan& p = *m_plans.at(s);
  if (s.bias) {
    RAFTER_CUBLASLT_CALL(
        cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof(bias)));
  }
  const float alpha = 1.0f;
  const float beta = s.accumulate ? 1.0f : 0.0f;
  RAFTER_CUBLASLT_CALL(cublasLtMatmul(m_handle->lt, p.desc, &alpha, w, p.w_layout, x, p.x_layout, &beta, y, p.y_layout,
                                      y, p.y_layout, &p.algo, m_handle->workspace, m_handle->workspace_bytes, stream));
}

}  // namespace rafter::llm

#include "microbench/cuda/gemm_bench.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/units.hpp"
#include "microbench/cuda/cuda_call.hpp"
#include "microbench/cuda/kernels/gemm_kernels.hpp"

namespace rafter::cuda {

namespace {

cudaDataType_t input_type(gemm_precision p) {
  switch (p) {
    case gemm_precision::bf16: return CUDA_R_16BF;
    case gemm_precision::fp16: return CUDA_R_16F;
    case gemm_precision::tf32: return CUDA_R_32F;
    case gemm_precision::fp8: return CUDA_R_8F_E4M3;
  }
  return CUDA_R_32F;
}

cudaDataType_t output_type(gemm_precision p) {
  switch (p) {
    case gemm_precision::bf16:
    case gemm_precision::fp8: return CUDA_R_16BF;
    case gemm_precision::fp16: return CUDA_R_16F;
    case gemm_precision::tf32: return CUDA_R_32F;
  }
  return CUDA_R_32F;
}

}  // namespace

struct gemm_bench::plan {
  const cublaslt_library& lt;
  cublasLtHandle_t handle = nullptr;
  cublasLtMatmulDesc_t desc = nullptr;
  cublasLtMatrixLayout_t a = nullptr, b = nullptr, d = nullptr;
  cublasLtMatmulAlgo_t algo{};

  explicit plan(const cublaslt_library& l) : lt(l) {}
  ~plan() {
    if (d) lt.matrix_layout_destroy(d);
    if (b) lt.matrix_layout_destroy(b);
    if (a) lt.matrix_layout_destroy(a);
    if (desc) lt.matmul_desc_destroy(desc);
    if (handle) lt.destroy(handle);
  }
  plan(const plan&) = delete;
  plan& operator=(const plan&) = delete;
};

gemm_bench::gemm_bench(gpu_session& session, const cublaslt_library& lt, gemm_precision precision, std::size_t size,
                       std::uint64_t seed)
    : m_session(session), m_lt(lt), m_precision(precision), m_size(size), m_seed_a(seed * 2 + 1), m_seed_b(seed * 2 + 2) {
  const gemm_precision_info& i = info(precision);
  if (!lt.available()) throw unsupported_error("cuBLASLt unavailable: " + lt.unavailable_reason());
  if (session.facts().cc < i.min_cc) {
    throw unsupported_error(fmt::format("{} GEMM needs compute capability {}.{} or newer; this GPU has {}.{}", i.name,
                                        i.min_cc / 10, i.min_cc % 10, session.facts().cc / 10, session.facts().cc % 10));
  }
  const std::size_t elements = size * size;
  const double need = static_cast<double>(elements) * (2.0 * i.input_bytes + i.output_bytes) + workspace_bytes;
  if (need > 0.8 * static_cast<double>(session.facts().free_bytes)) {
    throw unsupported_error(fmt::format("{} GEMM at {}^3 needs {} of GPU memory; {} are free", i.name, size,
                                        format_capacity(need), format_capacity(static_cast<double>(session.facts().free_bytes))));
  }
  m_a = device_buffer<unsigned char>(elements * static_cast<std::size_t>(i.input_bytes));
  m_b = device_buffer<unsigned char>(elements * static_cast<std::size_t>(i.input_bytes));
  m_d = device_buffer<unsigned char>(elements * static_cast<std::size_t>(i.output_bytes));
  m_workspace = device_buffer<unsigned char>(workspace_bytes);
  m_session.run([&](cudaStream_t s) { return launch_gemm_fill(precision, m_a.get(), elements, m_seed_a, s); });
  m_session.run([&](cudaStream_t s) { return launch_gemm_fill(precision, m_b.get(), elements, m_seed_b, s); });

  m_plan = std::make_unique<plan>(lt);
  plan& p = *m_plan;
  lt.check(lt.create(&p.handle), "cublasLtCreate");
  const cublasComputeType_t compute = precision == gemm_precision::tf32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
  lt.check(lt.matmul_desc_create(&p.desc, compute, CUDA_R_32F), "cublasLtMatmulDescCreate");
  const cublasOperation_t transpose = CUBLAS_OP_T, none = CUBLAS_OP_N;
  lt.check(lt.matmul_desc_set_attribute(p.desc, CUBLASLT_MATMUL_DESC_TRANSA, &transpose, sizeof transpose),
           "cublasLtMatmulDescSetAttribute(TRANSA)");
  lt.check(lt.matmul_desc_set_attribute(p.desc, CUBLASLT_MATMUL_DESC_TRANSB, &none, sizeof none),
           "cublasLtMatmulDescSetAttribute(TRANSB)");
  const auto n = static_cast<std::uint64_t>(size);
  const auto ld = static_cast<std::int64_t>(size);
  lt.check(lt.matrix_layout_create(&p.a, input_type(precision), n, n, ld), "cublasLtMatrixLayoutCreate(A)");
  lt.check(lt.matrix_layout_create(&p.b, input_type(precision), n, n, ld), "cublasLtMatrixLayoutCreate(B)");
  lt.check(lt.matrix_layout_create(&p.d, output_type(precision), n, n, ld), "cublasLtMatrixLayoutCreate(D)");

  cublasLtMatmulPreference_t pref = nullptr;
  lt.check(lt.preference_create(&pref), "cublasLtMatmulPreferenceCreate");
  const std::uint64_t ws = workspace_bytes;
  cublasStatus_t status = lt.preference_set_attribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof ws);
  // No split-K reduction in the output type: bf16/fp16 partial sums would be rounded before they
  // are added, beyond the fp32-accumulation tolerance of the check (and not what "fp32
  // accumulation" promises).
  const std::uint32_t schemes = CUBLASLT_REDUCTION_SCHEME_NONE | CUBLASLT_REDUCTION_SCHEME_COMPUTE_TYPE;
  if (status == CUBLAS_STATUS_SUCCESS) {
    status = lt.preference_set_attribute(pref, CUBLASLT_MATMUL_PREF_REDUCTION_SCHEME_MASK, &schemes, sizeof schemes);
  }
  cublasLtMatmulHeuristicResult_t result{};
  int found = 0;
  if (status == CUBLAS_STATUS_SUCCESS) {
    status = lt.algo_get_heuristic(p.handle, p.desc, p.a, p.b, p.d, p.d, pref, 1, &result, &found);
  }
  lt.preference_destroy(pref);
  if (status == CUBLAS_STATUS_NOT_SUPPORTED || (status == CUBLAS_STATUS_SUCCESS && found == 0)) {
    throw unsupported_error(fmt::format("cuBLASLt has no algorithm for the {} GEMM at {}^3 on this GPU", i.name, size));
  }
  lt.check(status, "cublasLtMatmulAlgoGetHeuristic");
  p.algo = result.algo;
  m_positions = gemm_sample_positions(size, size, samples, seed ^ 0x5a5a5a5aull);
}

gemm_bench::~gemm_bench() = default;

cudaError_t gemm_bench::enqueue(cudaStream_t stream) {
  const float alpha = 1.0f, beta = 0.0f;
  plan& p = *m_plan;
  const cublasStatus_t status = m_lt.matmul(p.handle, p.desc, &alpha, m_a.get(), p.a, m_b.get(), p.b, &beta, m_d.get(),
                                            p.d, m_d.get(), p.d, &p.algo, m_workspace.get(), workspace_bytes, stream);
  m_lt.check(status, "cublasLtMatmul");
  return cudaGetLastError();
}

std::string gemm_bench::run_and_check() {
  m_d.fill_bytes(0xff);  // NaN in every output type
  RAFTER_CUDA_CALL(cudaDeviceSynchronize());
  m_session.run([&](cudaStream_t s) { return enqueue(s); });
  return check_output();
}

std::string gemm_bench::check_output() const {
  const auto out_bytes = static_cast<std::size_t>(info(m_precision).output_bytes);
  std::vector<std::uint32_t> got;
  got.reserve(m_positions.size());
  for (const auto& [row, col] : m_positions) {
    std::uint32_t bits = 0;  // D is column-major: element (row, col) at col * m + row.
    RAFTER_CUDA_CALL(cudaMemcpy(&bits, m_d.get() + (col * m_size + row) * out_bytes, out_bytes, cudaMemcpyDeviceToHost));
    got.push_back(bits);
  }
  return check_gemm_samples(m_precision, m_seed_a, m_seed_b, m_size, m_positions, got);
}

double gemm_bench::time(int launches) {
  return m_session.time([&](cudaStream_t s) {
    for (int l = 0; l < launches; ++l) {
      if (const cudaError_t e = enqueue(s); e != cudaSuccess) return e;
    }
    return cudaSuccess;
  });
}

double gemm_bench::flop(int launches) const noexcept { return gemm_flop(m_size, m_size, m_size) * launches; }

}  // namespace rafter::cuda

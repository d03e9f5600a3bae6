#pragma once

#include <string>

#include <cublasLt.h>

namespace rafter::cuda {

/// cuBLASLt reached at run time through dlopen("libcublasLt.so.<major of the headers>"): rafter
/// does not link it, so that the CLI and the GPU bundle stay free of its 500 MB and a machine
/// without it still runs every other measurement. Holds the entry points the GEMM ceiling uses,
/// each with the header's own signature. Not thread-safe.
class cublaslt_library {
public:
  cublaslt_library();
  ~cublaslt_library();
  cublaslt_library(const cublaslt_library&) = delete;
  cublaslt_library& operator=(const cublaslt_library&) = delete;

  [[nodiscard]] bool available() const noexcept { return m_handle != nullptr && m_reason.empty(); }
  /// Why cuBLASLt cannot be used ("libcublasLt.so.13: cannot open shared object file"); empty when it can.
  [[nodiscard]] const std::string& unavailable_reason() const noexcept { return m_reason; }
  /// The file name dlopen was asked for.
  [[nodiscard]] static std::string library_name();

  /// Throws `rafter::error` (exit code 3) naming the call and the status unless it succeeded.
  void check(cublasStatus_t status, const char* call) const;

  decltype(&::cublasLtGetVersion) get_version = nullptr;
  decltype(&::cublasLtGetStatusName) get_status_name = nullptr;
  decltype(&::cublasLtCreate) create = nullptr;
  decltype(&::cublasLtDestroy) destroy = nullptr;
  decltype(&::cublasLtMatmulDescCreate) matmul_desc_create = nullptr;
  decltype(&::cublasLtMatmulDescDestroy) matmul_desc_destroy = nullptr;
  decltype(&::cublasLtMatmulDescSetAttribute) matmul_desc_set_attribute = nullptr;
  decltype(&::cublasLtMatrixLayoutCreate) matrix_layout_create = nullptr;
  decltype(&::cublasLtMatrixLayoutDestroy) matrix_layout_destroy = nullptr;
  decltype(&::cublasLtMatmulPreferenceCreate) preference_create = nullptr;
  decltype(&::cublasLtMatmulPreferenceDestroy) preference_destroy = nullptr;
  decltype(&::cublasLtMatmulPreferenceSetAttribute) preference_set_attribute = nullptr;
  decltype(&::cublasLtMatmulAlgoGetHeuristic) algo_get_heuristic = nullptr;
  decltype(&::cublasLtMatmul) matmul = nullptr;

private:
  void* m_handle = nullptr;
  std::string m_reason;
};

}  // namespace rafter::cuda

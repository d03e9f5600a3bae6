#pragma once

#include <string>

#include <cublasLt.h>

namespace rafter::llm {

/// Formats a failed cuBLASLt call: "cublasLtMatmul(...) failed at file.cpp:42: CUBLAS_STATUS_NOT_SUPPORTED
/// (the functionality requested is not supported)".
[[nodiscard]] std::string describe_cublaslt_error(cublasStatus_t status, const char* call, const char* file, int line);

/// Throws `rafter::error` (exit code 3, unsupported environment) carrying the call, file:line and
/// the status's name and text.
[[noreturn]] void throw_cublaslt_error(cublasStatus_t status, const char* call, const char* file, int line);

}  // namespace rafter::llm

/// Checks a cuBLASLt call; throws with the call, file:line and status name on failure.
#define RAFTER_CUBLASLT_CALL(call)                                                             \
  do {                                                                                         \
    const cublasStatus_t rafter_cublaslt_status_ = (call);                                     \
    if (rafter_cublaslt_status_ != CUBLAS_STATUS_SUCCESS) {                                    \
      ::rafter::llm::throw_cublaslt_error(rafter_cublaslt_status_, #call, __FILE__, __LINE__); \
    }                                                                                          \
  } while (false)

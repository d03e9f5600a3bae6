#pragma once

#include <string>

#include <cuda_runtime_api.h>

namespace rafter::cuda {

/// Formats a failed CUDA runtime call: "cudaMalloc(&p, n) failed at file.cpp:42: cudaErrorMemoryAllocation (out of memory)".
[[nodiscard]] std::string describe_cuda_error(cudaError_t status, const char* call, const char* file, int line);

/// Throws `rafter::error` (exit code 3, unsupported environment) carrying the call, file:line and
/// the error's name and text.
[[noreturn]] void throw_cuda_error(cudaError_t status, const char* call, const char* file, int line);

/// For a call whose failure is tolerated (what it reads is then left out): true when it succeeded;
/// on failure its pending error is cleared, so that the next cudaGetLastError (a launch's check)
/// does not report it.
[[nodiscard]] inline bool succeeded_else_cleared(cudaError_t status) noexcept {
  if (status == cudaSuccess) return true;
  (void)cudaGetLastError();
  return false;
}

}  // namespace rafter::cuda

/// Checks a CUDA runtime call; throws with the call, file:line and error name on failure.
#define RAFTER_CUDA_CALL(call)                                                    \
  do {                                                                            \
    const cudaError_t rafter_cuda_status_ = (call);                              \
    if (rafter_cuda_status_ != cudaSuccess) {                                     \
      ::rafter::cuda::throw_cuda_error(rafter_cuda_status_, #call, __FILE__, __LINE__); \
    }                                                                             \
  } while (false)

#pragma once

#include <cstddef>

#include <cuda_runtime_api.h>

namespace rafter::cuda {

/// Launches `kernel` (a __global__ function's address) on `blocks` x `threads` with `args` and
/// `dynamic_smem_bytes`, through cudaLaunchKernel so that a kernel defined in another translation
/// unit can be launched. As after <<<>>>, a failed launch leaves no error behind for the next call
/// to report; the failure is returned.
inline cudaError_t launch_kernel(const void* kernel, int blocks, int threads, void** args,
                                 std::size_t dynamic_smem_bytes, cudaStream_t stream) {
  const cudaError_t status = cudaLaunchKernel(kernel, dim3(static_cast<unsigned>(blocks)),
                                              dim3(static_cast<unsigned>(threads)), args, dynamic_smem_bytes, stream);
  if (status != cudaSuccess) (void)cudaGetLastError();
  return status;
}

/// cudaSuccess when the current device has an image of `kernel`; otherwise the error
/// cudaFuncGetAttributes gives (cudaErrorNoKernelImageForDevice, ...), cleared so that later calls
/// start clean.
inline cudaError_t kernel_image_status(const void* kernel) {
  cudaFuncAttributes attributes{};
  const cudaError_t status = cudaFuncGetAttributes(&attributes, kernel);
  if (status != cudaSuccess) (void)cudaGetLastError();
  return status;
}

}  // namespace rafter::cuda

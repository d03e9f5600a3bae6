#include "workloads/llm/gpu_probe.hpp"

#include <cuda_runtime_api.h>

#include "microbench/cuda/cuda_call.hpp"

namespace rafter::llm {

gpu_probe probe_gpu() {
  gpu_probe g;
  int driver = 0;
  if (cudaDriverGetVersion(&driver) != cudaSuccess || driver == 0) {
    cudaGetLastError();
    g.reason = "no CUDA driver found (libcuda.so.1 is not installed or cannot be loaded), so no GPU to run on";
    return g;
  }
  int count = 0;
  cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    g.reason =
        "no usable CUDA GPU: " + cuda::describe_cuda_error(status, "cudaGetDeviceCount(&count)", __FILE__, __LINE__);
    cudaGetLastError();
    return g;
  }
  if (count == 0) {
    g.reason = "no CUDA GPU found (cudaGetDeviceCount returned 0)";
    return g;
  }
  cudaDeviceProp prop{};
  status = cudaGetDeviceProperties(&prop, 0);
  if (status != cudaSuccess) {
    g.reason = cuda::describe_cuda_error(status, "cudaGetDeviceProperties(&prop, 0)", __FILE__, __LINE__);
    cudaGetLastError();
    return g;
  }
  g.name = prop.name;
  g.sm_count = prop.multiProcessorCount;
  g.cc_major = prop.major;
  g.cc_minor = prop.minor;
  if (prop.major < 8) {
    g.reason = g.name + " has compute capability " + std::to_string(prop.major) + "." + std::to_string(prop.minor) +
               "; the workload needs 8.0 or newer (BF16)";
    return g;
  }
  status = cudaMemGetInfo(&g.free_bytes, &g.total_bytes);
  if (status != cudaSuccess) {
    g.reason = cuda::describe_cuda_error(status, "cudaMemGetInfo(&free, &total)", __FILE__, __LINE__);
    cudaGetLastError();
    return g;
  }
  g.available = true;
  return g;
}

}  // namespace rafter::llm

#include "microbench/cuda/kernels/gemm_kernels.hpp"

namespace rafter::cuda {

namespace {

constexpr int fill_threads = 256;

template <typename T>
__global__ void __launch_bounds__(fill_threads)
    gemm_fill_kernel(T* __restrict__ out, std::size_t count, std::uint64_t seed, gemm_precision precision) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
    out[i] = static_cast<T>(gemm_input_bits(precision, seed, i));
  }
}

template <typename T>
cudaError_t launch(void* out, std::size_t count, std::uint64_t seed, gemm_precision precision, cudaStream_t stream) {
  const std::size_t wanted = (count + fill_threads - 1) / fill_threads;
  const int blocks = static_cast<int>(wanted < 65536 ? (wanted == 0 ? 1 : wanted) : 65536);
  gemm_fill_kernel<T><<<blocks, fill_threads, 0, stream>>>(static_cast<T*>(out), count, seed, precision);
  return cudaGetLastError();
}

}  // namespace

cudaError_t launch_gemm_fill(gemm_precision precision, void* out, std::size_t count, std::uint64_t seed,
                             cudaStream_t stream) {
  // Element sizes as in info(precision).input_bytes (not called here: this library links no C++ library).
  switch (precision) {
    case gemm_precision::fp8: return launch<std::uint8_t>(out, count, seed, precision, stream);
    case gemm_precision::bf16:
    case gemm_precision::fp16: return launch<std::uint16_t>(out, count, seed, precision, stream);
    case gemm_precision::tf32: return launch<std::uint32_t>(out, count, seed, precision, stream);
  }
  return cudaErrorInvalidValue;
}

}  // namespace rafter::cuda

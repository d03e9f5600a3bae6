#pragma once

#include <cuda_bf16.h>
#include <cuda_runtime_api.h>

namespace rafter::llm {

/// RMSNorm: y[r][i] = x[r][i] * rsqrt(mean_i(x[r][i]^2) + eps) * gain[i], FP32 arithmetic, BF16
/// in and out. Row r of x starts at x + r * x_row_stride (elements); y is dense rows x cols.
/// One block of 256 threads per row.
cudaError_t launch_rmsnorm(const __nv_bfloat16* x, long long x_row_stride, const __nv_bfloat16* gain, __nv_bfloat16* y,
                           int rows, int cols, float eps, cudaStream_t stream);

}  // namespace rafter::llm

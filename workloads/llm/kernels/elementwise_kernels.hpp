#pragma once

#include <cstddef>

#include <cuda_bf16.h>
#include <cuda_runtime_api.h>

#include "workloads/llm/random_weights.hpp"

namespace rafter::llm {

/// dst[i] = random_value(stream, i) for i in [0, n): the deterministic weights (exact in BF16).
cudaError_t launch_random_fill(__nv_bfloat16* dst, std::size_t n, const random_stream& stream,
                               cudaStream_t cuda_stream);

/// x[r][:] = table[tokens[r]][:] for r in [0, rows); `hidden` must be a multiple of 8.
cudaError_t launch_embedding(const int* tokens, const __nv_bfloat16* table, __nv_bfloat16* x, int rows, int hidden,
                             cudaStream_t stream);

/// out[r][i] = silu(gate_up[r][i]) * gate_up[r][inter + i], silu(g) = g / (1 + exp(-g)), FP32
/// arithmetic; gate_up is [rows][2 * inter], out [rows][inter].
cudaError_t launch_swiglu(const __nv_bfloat16* gate_up, __nv_bfloat16* out, int rows, int inter, cudaStream_t stream);

/// tokens[r] = the first index of the largest value of logits[r][0, vocab) (greedy sampling).
cudaError_t launch_argmax(const float* logits, int rows, int vocab, int* tokens, cudaStream_t stream);

}  // namespace rafter::llm

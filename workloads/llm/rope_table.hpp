#pragma once

#include <vector>

namespace rafter::llm {

/// RoPE inverse frequencies theta^(-2i / head_dim) for i in [0, head_dim / 2), in float. The GPU
/// receives this table, so both sides rotate by the same angle float(pos) * inv_freq[i]. Pairs
/// are (i, i + head_dim / 2) (the "rotate half" convention of Llama in Hugging Face transformers).
[[nodiscard]] std::vector<float> rope_inverse_frequencies(int head_dim, double theta);

}  // namespace rafter::llm

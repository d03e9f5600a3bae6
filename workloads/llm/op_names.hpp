#pragma once

namespace rafter::llm::op {

/// Operator names: the NVTX range of each operator and the key of its FLOP and byte counts
/// (op_counts.hpp), so a trace's ranges line up with the counts.
inline constexpr const char* embedding = "embedding";
inline constexpr const char* attn_norm = "attn_norm";
inline constexpr const char* qkv_proj = "qkv_proj";
inline constexpr const char* rope = "rope";
inline constexpr const char* attention = "attention";
inline constexpr const char* o_proj = "o_proj";
inline constexpr const char* mlp_norm = "mlp_norm";
inline constexpr const char* gate_up_proj = "gate_up_proj";
inline constexpr const char* swiglu = "swiglu";
inline constexpr const char* down_proj = "down_proj";
inline constexpr const char* final_norm = "final_norm";
inline constexpr const char* lm_head = "lm_head";
inline constexpr const char* argmax = "argmax";

}  // namespace rafter::llm::op

namespace rafter::llm::phase {

inline constexpr const char* prefill = "prefill";
inline constexpr const char* decode = "decode";
inline constexpr const char* decode_step = "decode_step";

}  // namespace rafter::llm::phase

#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/json.hpp"

namespace rafter::llm {

/// The shape of a Llama-style decoder as one GPU runs it: the model's hyper-parameters with the
/// tensor-parallel split applied (query heads, key/value heads, MLP width and vocabulary are
/// divided by `tensor_parallel`; hidden size and layer count are not). Read from
/// configs/models/*.json (schema `rafter.model/1`, described in workloads/llm/README.md).
struct model_config {
  std::string name;
  std::string source;         ///< Public URL the hyper-parameters were copied from.
  int hidden_size = 0;        ///< d_model.
  int intermediate_size = 0;  ///< SwiGLU width on this rank.
  int layers = 0;
  int heads = 0;     ///< Query heads on this rank.
  int kv_heads = 0;  ///< Key/value heads on this rank.
  int head_dim = 0;
  int vocab_size = 0;       ///< Vocabulary rows on this rank (vocabulary-parallel embedding and LM head).
  int max_positions = 0;    ///< Longest sequence (prompt + generated tokens).
  int tensor_parallel = 1;  ///< Ranks the full model is split over; 1 is the whole model.
  double rms_norm_eps = 1e-5;
  double rope_theta = 10000.0;
  bool attention_bias = false;       ///< Bias on the Q, K and V projections (Qwen1.5).
  bool tie_word_embeddings = false;  ///< The LM head is the embedding matrix.

  [[nodiscard]] int q_dim() const { return heads * head_dim; }
  [[nodiscard]] int kv_dim() const { return kv_heads * head_dim; }
  [[nodiscard]] int qkv_dim() const { return q_dim() + 2 * kv_dim(); }
  /// Query heads that share one key/value head (grouped-query attention).
  [[nodiscard]] int group_size() const { return heads / kv_heads; }
  /// Parameters held by this rank for `layers` layers (embedding and LM head counted once each
  /// unless tied).
  [[nodiscard]] std::int64_t parameters() const;
};

/// Head dimensions the attention and RoPE kernels are compiled for.
[[nodiscard]] bool supported_head_dim(int head_dim);

/// Reads and validates a `rafter.model/1` document. Throws `input_error` naming the file and the
/// field (exit code 2).
[[nodiscard]] model_config load_model_config(const std::filesystem::path& path);
[[nodiscard]] model_config parse_model_config(const json& document, const std::string& file);

/// Checks the per-rank shape: positive sizes, heads divisible by key/value heads, every GEMM
/// dimension a multiple of 8 (16-byte rows for cuBLASLt), a supported head dimension. Throws
/// `input_error` naming `file` and the offending field.
void validate_model_config(const model_config& config, const std::string& file);

}  // namespace rafter::llm

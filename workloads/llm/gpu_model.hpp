#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "workloads/llm/model_config.hpp"
#include "workloads/llm/run_shape.hpp"

namespace rafter::llm {

struct gpu_run_options {
  std::uint64_t seed = 1;    ///< Weights and prompt (weight_streams.hpp, prompt_tokens.hpp).
  int decode_splits = 0;     ///< Split-KV ranges per decode attention call; 0 picks them (decode_split.hpp).
  bool keep_logits = false;  ///< Keep every pass's logits on the device and return them.
};

struct gpu_run_result {
  double prefill_s = 0.0;     ///< Prefill pass, CUDA events around it.
  double decode_s = 0.0;      ///< All decode steps, CUDA events around them.
  std::vector<int> tokens;    ///< (decode_steps + 1) x batch greedy tokens, pass-major.
  std::vector<float> logits;  ///< (decode_steps + 1) x batch x vocab, when keep_logits.
};

/// The decoder on the GPU (device 0): BF16 weights drawn on the device, BF16 activations, a BF16
/// KV cache for batch x max_sequence positions, FP32 logits and greedy decoding on the device
/// (no host round trip inside the decode loop). NVTX ranges: phase ("prefill"; "decode" around
/// the loop, "decode_step" per step), layer ("layer 0", ...) and operator (op_names.hpp).
/// Construction (allocation, weight initialization, GEMM plans) happens before and outside any
/// phase range.
class gpu_model {
public:
  gpu_model(const model_config& config, const run_shape& shape, const gpu_run_options& options, int sm_count);
  ~gpu_model();
  gpu_model(const gpu_model&) = delete;
  gpu_model& operator=(const gpu_model&) = delete;

  /// Bytes of GPU memory the model allocates (weights, KV cache, activations, workspaces).
  [[nodiscard]] static std::size_t required_bytes(const model_config& config, const run_shape& shape, bool keep_logits);

  /// Prefill, then the decode loop; waits for the GPU and returns the timings and outputs.
  [[nodiscard]] gpu_run_result run();

private:
  struct state;
  std::unique_ptr<state> m;
};

}  // namespace rafter::llm

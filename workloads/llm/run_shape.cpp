#include "workloads/llm/run_shape.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "core/error.hpp"

namespace rafter::llm {

void validate_run_shape(const model_config& config, const run_shape& shape) {
  if (shape.batch < 1) throw usage_error("--batch must be at least 1, got " + std::to_string(shape.batch));
  // The attention kernels launch one block row per sequence: gridDim.y and gridDim.z stop at 65535.
  constexpr int max_batch = 65535;
  if (shape.batch > max_batch) {
    throw usage_error("--batch must be at most " + std::to_string(max_batch) + " (a CUDA grid dimension), got " +
                      std::to_string(shape.batch));
  }
  if (shape.prompt_len < 1)
    throw usage_error("--prompt-len must be at least 1, got " + std::to_string(shape.prompt_len));
  if (shape.decode_steps < 0) {
    throw usage_error("--decode-steps must not be negative, got " + std::to_string(shape.decode_steps));
  }
  if (static_cast<std::int64_t>(shape.prompt_len) + shape.decode_steps > config.max_positions) {
    throw usage_error("--prompt-len + --decode-steps = " +
                      std::to_string(static_cast<std::int64_t>(shape.prompt_len) + shape.decode_steps) + " exceeds " +
                      config.name + "'s " + std::to_string(config.max_positions) + " positions");
  }
  // Kernels index one activation or one sequence's cache with 32-bit integers. The prefill's
  // activations hold a row per token; the logits only the last position of each sequence.
  const std::int64_t widest_row =
      std::max<std::int64_t>({config.hidden_size, 2LL * config.intermediate_size, config.qkv_dim()});
  constexpr auto int_max = static_cast<std::int64_t>(std::numeric_limits<int>::max());
  if (shape.prefill_tokens() * widest_row > int_max) {
    throw usage_error("--batch x --prompt-len = " + std::to_string(shape.prefill_tokens()) +
                      " tokens is too many for one prefill pass of " + config.name + " (activations of " +
                      std::to_string(widest_row) + " elements per token exceed 2^31 elements)");
  }
  if (static_cast<std::int64_t>(shape.batch) * config.vocab_size > int_max) {
    throw usage_error("--batch " + std::to_string(shape.batch) + " is too many for " + config.name + "'s " +
                      std::to_string(config.vocab_size) + "-token vocabulary (logits exceed 2^31 elements)");
  }
}

model_config with_layers(model_config config, int layers) {
  if (layers < 1 || layers > config.layers) {
    throw usage_error("--layers must be between 1 and " + std::to_string(config.layers) + " for " + config.name +
                      ", got " + std::to_string(layers));
  }
  config.layers = layers;
  return config;
}

}  // namespace rafter::llm

#include "workloads/llm/prompt_tokens.hpp"

#include "workloads/llm/random_weights.hpp"

namespace rafter::llm {

std::vector<int> prompt_tokens(const model_config& config, const run_shape& shape, std::uint64_t seed) {
  std::vector<int> tokens(static_cast<std::size_t>(shape.prefill_tokens()));
  for (std::size_t i = 0; i < tokens.size(); ++i) tokens[i] = random_token(seed, i, config.vocab_size);
  return tokens;
}

}  // namespace rafter::llm

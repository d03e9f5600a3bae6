#include "workloads/llm/reference_check.hpp"

#include <stdexcept>

#include "workloads/llm/cpu_reference.hpp"
#include "workloads/llm/prompt_tokens.hpp"

namespace rafter::llm {

reference_check check_against_reference(const model_config& config, const run_shape& shape, std::uint64_t seed,
                                        std::span<const float> gpu_logits, std::span<const int> gpu_tokens,
                                        const logits_tolerance& tolerance) {
  const auto batch = static_cast<std::size_t>(shape.batch);
  const auto vocab = static_cast<std::size_t>(config.vocab_size);
  const auto passes = static_cast<std::size_t>(shape.decode_steps) + 1;
  if (gpu_logits.size() != passes * batch * vocab || gpu_tokens.size() != passes * batch) {
    throw std::invalid_argument("check_against_reference: logits or tokens of the wrong size");
  }
  cpu_reference ref(config, seed, shape.batch, shape.max_sequence());
  reference_check result;
  result.passed = true;
  std::vector<int> inputs = prompt_tokens(config, shape, seed);
  int new_tokens = shape.prompt_len;
  for (std::size_t pass = 0; pass < passes; ++pass) {
    const std::vector<float> logits = ref.forward(inputs, new_tokens);
    const auto gpu = gpu_logits.subspan(pass * batch * vocab, batch * vocab);
    const auto tokens = gpu_tokens.subspan(pass * batch, batch);
    step_check s;
    s.pass = static_cast<int>(pass);
    s.logits = compare_logits(gpu, logits);
    for (std::size_t b = 0; b < batch; ++b) {
      const std::span<const float> row(logits.data() + b * vocab, vocab);
      if (!acceptable_argmax(tokens[b], row, tolerance.max_abs_fraction * s.logits.reference_max_abs)) {
        s.tokens_ok = false;
      }
    }
    s.passed = within(s.logits, tolerance) && s.tokens_ok;
    result.passed = result.passed && s.passed;
    result.passes.push_back(s);
    // The next pass feeds the GPU's tokens (the reference must see what the GPU saw).
    if (pass + 1 < passes) {
      inputs.assign(tokens.begin(), tokens.end());
      new_tokens = 1;
      for (int t : inputs) {
        if (t < 0 || t >= config.vocab_size) {
          result.passed = false;
          return result;
        }
      }
    }
  }
  return result;
}

}  // namespace rafter::llm

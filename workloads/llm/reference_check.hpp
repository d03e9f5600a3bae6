#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "workloads/llm/logits_comparison.hpp"
#include "workloads/llm/model_config.hpp"
#include "workloads/llm/run_shape.hpp"

namespace rafter::llm {

/// One pass of the run (0 is the prefill, s > 0 decode step s - 1), all sequences together.
struct step_check {
  int pass = 0;
  logits_comparison logits;
  bool tokens_ok = true;  ///< Every sequence's GPU token is an acceptable argmax of the reference.
  bool passed = false;
};

struct reference_check {
  std::vector<step_check> passes;
  bool passed = false;
};

/// Replays the run on the CPU reference (the prompt from `seed`, then the tokens the GPU chose,
/// so both see the same inputs) and compares each pass's logits. `gpu_logits` is
/// (decode_steps + 1) x batch x vocab, `gpu_tokens` (decode_steps + 1) x batch.
[[nodiscard]] reference_check check_against_reference(const model_config& config, const run_shape& shape,
                                                      std::uint64_t seed, std::span<const float> gpu_logits,
                                                      std::span<const int> gpu_tokens,
                                                      const logits_tolerance& tolerance = {});

}  // namespace rafter::llm

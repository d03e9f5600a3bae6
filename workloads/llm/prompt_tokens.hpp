#pragma once

#include <cstdint>
#include <vector>

#include "workloads/llm/model_config.hpp"
#include "workloads/llm/run_shape.hpp"

namespace rafter::llm {

/// The run's prompts, batch x prompt_len token ids (sequence-major), uniform over this rank's
/// vocabulary, drawn from `seed`.
[[nodiscard]] std::vector<int> prompt_tokens(const model_config& config, const run_shape& shape, std::uint64_t seed);

}  // namespace rafter::llm

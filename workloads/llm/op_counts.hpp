#pragma once

#include <string>
#include <vector>

#include "workloads/llm/model_config.hpp"
#include "workloads/llm/run_shape.hpp"

namespace rafter::llm {

/// Nominal work of one operator over a phase, for comparison with what a trace measures. FLOP
/// counts the matrix arithmetic (2 per multiply-add) and a fixed number per element for the
/// element-wise operators; bytes is the compulsory DRAM traffic: every operand read once and every
/// result written once, BF16 activations and weights, FP32 logits. Formulas: docs/metrics.md,
/// "Reference LLM workload".
struct op_count {
  std::string op;          ///< Operator name (op_names.hpp), also its NVTX range.
  long long launches = 0;  ///< Times the operator runs in the phase (layers x passes).
  double flop = 0.0;       ///< FLOP.
  double bytes = 0.0;      ///< Bytes.
};

/// The operators of one phase in execution order.
struct phase_counts {
  std::string phase;
  std::vector<op_count> ops;

  [[nodiscard]] double flop() const;
  [[nodiscard]] double bytes() const;
};

/// One forward pass: `sequences` sequences each append `new_tokens` tokens at positions
/// [start_pos, start_pos + new_tokens), attending causally to everything before them.
[[nodiscard]] phase_counts forward_pass_counts(const model_config& config, int sequences, int new_tokens,
                                               int start_pos);
/// The prefill pass of a run.
[[nodiscard]] phase_counts prefill_counts(const model_config& config, const run_shape& shape);
/// All decode steps of a run, summed per operator.
[[nodiscard]] phase_counts decode_counts(const model_config& config, const run_shape& shape);

}  // namespace rafter::llm

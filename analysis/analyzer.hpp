#pragma once

#include <cstddef>
#include <string>

#include "analysis/analysis_document.hpp"
#include "analysis/kernel_classifier.hpp"
#include "analysis/limiter_thresholds.hpp"

namespace rafter {

struct trace;
struct machine_profile;

/// How `analyze` runs and what it records about its inputs.
struct analyze_options {
  limiter_thresholds thresholds;
  std::size_t top = 10;             ///< Length of the opportunity list.
  int timeline_bins = 240;          ///< Bins of each device's timeline strip.
  std::size_t max_ranges = 200;     ///< Range names kept (most attributed time first).
  std::string trace_file;           ///< For the document and for error messages.
  std::string machine_file;
  std::string machine_choice;       ///< How the profile was chosen, in words.
  generator_info generator;
};

/// Places every kernel of `t` on the roofline of `profile`: groups launches (same name, grid and
/// block), classifies them, takes work and traffic from counters or else shape estimates, decides
/// each group's limiter and opportunity, and summarises the whole trace (busy/idle per device,
/// time by class and by range, gaps, concurrency, copies, top opportunities). Deterministic.
///
/// Throws `input_error` when the trace has no kernels (naming options.trace_file, field
/// `kernels`) or the profile has no memory level with a bandwidth (naming options.machine_file,
/// field `memory`). Impossible numbers (negative work or traffic, achieved above a roof by more
/// than thresholds.noise) are flagged on the group and in the warnings, never hidden.
[[nodiscard]] analysis_document analyze(const trace& t, const machine_profile& profile,
                                        const kernel_classifier& classifier, const analyze_options& options);

}  // namespace rafter

#pragma once

#include <cstddef>

#include "analysis/importers/ncu_importer.hpp"
#include "core/trace.hpp"

namespace rafter {

/// For a `rafter.trace/1` already imported: weighs, with `options.assumed_cc`, the counters of each
/// kernel whose FLOP could not be weighed when the trace was made (`kernel_metrics::uncounted_flop`
/// not empty, raw counters present) and whose device names no compute capability (an Nsight
/// Compute summary imported without --assume-arch). Keys the kernel already has are kept. Then
/// `uncounted_flop` names what is still unweighed; the trace's `source.not_recorded` drops the
/// "architecture not named" notes and gains the new ones; `source.warnings` says which architecture
/// was assumed, from where, for how many kernels. Does nothing without `assumed_cc` or when no
/// kernel qualifies (the counter table is then not read). Returns the kernels weighed again.
/// Throws `input_error` when the counter table (options.metric_table, else
/// configs/ncu_metrics.json) is needed and cannot be read.
std::size_t weigh_with_assumed_architecture(trace& t, const ncu_import_options& options);

}  // namespace rafter

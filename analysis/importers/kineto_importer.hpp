#pragma once

#include <filesystem>

#include "core/trace.hpp"

namespace rafter {

/// Reads a PyTorch profiler (Kineto) Chrome-trace JSON file, plain or gzip (detected from the
/// content), into a `rafter.trace/1` model:
/// - `kernel` events become kernels, `gpu_memcpy`/`gpu_memset` copies, `user_annotation` and
///   `gpu_user_annotation` ranges (nesting depth per thread or per device stream), `cpu_op`
///   events ops (with `Input Dims`, `Input type` and `Concrete Inputs` when recorded with
///   `record_shapes`), `deviceProperties` devices.
/// - Timestamps: `ts`/`dur` are microseconds written with up to 3 decimals; they are converted
///   from their text to integer nanoseconds exactly (no double rounding) and, when the file has
///   `baseTimeNanoseconds`, shifted by it, so times are epoch nanoseconds either way.
/// - Kernels link to the op that launched them by the kernel's `External id`, else through the
///   `cuda_runtime`/`cuda_driver` event with the same `correlation` (its `External id`, else the
///   innermost `cpu_op` enclosing it on its thread); a kernel without a `correlation` argument
///   takes it from its `ac2g` flow event.
/// - `cuda_profiler_range` events (CUPTI range-profiler counters) become `kernel_metrics` (raw
///   counters, FLOP per precision through configs/ncu_metrics.json). They attach in order to
///   the kernel events of the same name; without kernel events each range becomes a kernel
///   whose times are placeholders (`measured_times` false), linked to the i-th kernel launch when
///   the numbers of ranges and launches agree.
/// - Shape-based estimates (analysis/importers/shape_estimates.hpp) are attached to kernels.
///
/// The hot path streams: the file is read in chunks (gzip decompressed on the fly), each event
/// is parsed with simdjson On-Demand from a padded window of the buffer, and nothing but the
/// model is kept, so memory stays well below the file's size.
///
/// Recoverable oddities are skipped and counted in `source.counters` and `source.warnings`:
/// negative or non-numeric (`NaN`) durations, zero or negative timestamps, events that are not
/// objects, invalid UTF-8 (replaced by U+FFFD), `cpu_op` events repeating an `External id`.
/// Fatal problems throw `input_error` naming the file and the byte position: unreadable or
/// truncated gzip, invalid JSON, no `traceEvents` array, a file of another format.
[[nodiscard]] trace import_kineto(const std::filesystem::path& path);

}  // namespace rafter

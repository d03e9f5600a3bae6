#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "analysis/importers/ncu_metric_table.hpp"
#include "core/trace.hpp"

namespace rafter {

/// Reads an Nsight Compute CSV into a `rafter.trace/1` model, one kernel per profiled launch,
/// each with `kernel_metrics`: raw counters in SI units, FLOP per "<precision>.<pipe>" and bytes
/// per memory level ("dram", "l2", "l1") weighted by the data table configs/ncu_metrics.json
/// (found through `find_config_dir()`). Accepted forms: the wide `--page raw` CSV (row 1 names,
/// row 2 units, one row per kernel), the long `--page details` CSV (one row per kernel x metric),
/// and per-kernel summary CSVs with raw counter columns (NERSC's roofline summaries: one row per
/// kernel name, counters and time summed over the row's "Count" launches). A summary row becomes
/// Count kernels, each with an equal share of the row's counters and duration (the file keeps
/// no per-launch values; assumed, and said in `source.not_recorded`). `==PROF==`/`==WARNING==`
/// lines are skipped. Nsight Compute serializes kernels and has no timeline: start/end are
/// consecutive intervals of the measured duration, and `source.not_recorded` says so. Missing
/// byte counters leave `bytes` empty and are reported in `source.not_recorded`; FLOP counters
/// without a weight are named in `kernel_metrics::uncounted_flop`; nothing is guessed.
///
/// Throws `input_error` naming the file and the position ("line N", "line N, column 'X'") when the
/// file cannot be read, a row is malformed, a value or unit cannot be parsed, a "Count" is not a
/// positive whole number (or would expand past a few million counter values), the CSV has no
/// metric columns, or configs/ncu_metrics.json is missing or invalid (naming that file and its field).
[[nodiscard]] trace import_ncu(const std::filesystem::path& path);

/// What `import_ncu` cannot learn from every file.
struct ncu_import_options {
  /// Architecture to assume when the file names none (per-kernel summary CSVs, old long CSVs):
  /// architecture-specific weights (V100 tensor pipe) apply only with it. The file's own "CC"
  /// column or compute-capability attributes take precedence. When used, a warning in
  /// `source.warnings` says so, naming `assumed_cc_origin`.
  std::optional<compute_capability> assumed_cc;
  /// Where `assumed_cc` came from, in words ("--assume-arch sm_70", "the machine profile
  /// v100_sxm2.json (architecture \"Volta (sm_70)\")"); "the caller" when empty.
  std::string assumed_cc_origin;
  /// The counter table to use instead of configs/ncu_metrics.json.
  std::optional<std::filesystem::path> metric_table;
};

/// As above, with `options`.
[[nodiscard]] trace import_ncu(const std::filesystem::path& path, const ncu_import_options& options);

/// "compute capability 7.0 (sm_70) assumed from <origin>" for `options.assumed_cc` (set), the
/// start of the warning every use of the assumption writes.
[[nodiscard]] std::string assumed_architecture_text(const ncu_import_options& options);

/// `note` with the number of kernels it concerns: "<note> (3 kernels)".
[[nodiscard]] std::string note_for_kernels(const std::string& note, std::int64_t kernels);

}  // namespace rafter

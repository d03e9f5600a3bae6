#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace rafter {

/// What a rafter.trace/1 file's `source` says, read from the start of the file only: `source`
/// comes first (save_trace), and a trace of a million kernels is hundreds of megabytes.
struct trace_summary {
  std::map<std::string, std::int64_t> counters;  ///< source.counters ("kernels", "kernels_with_metrics", ...)
  std::size_t warnings = 0;                      ///< entries of source.warnings

  /// "1,234 kernels, 56 with counters, 78 copies; 0 records dropped; 2 warnings": the counts the
  /// source has, in that order; empty when it has none of them.
  [[nodiscard]] std::string describe() const;
};

/// The summary of the trace at `path` (plain or gzip), from its first `prefix_bytes`; nothing when
/// that start is not a rafter trace whose `source` object ends within it.
[[nodiscard]] std::optional<trace_summary> read_trace_summary(const std::filesystem::path& path,
                                                              std::size_t prefix_bytes = std::size_t{1} << 20);

}  // namespace rafter

#pragma once

#include <filesystem>
#include <optional>

#include "analysis/importers/ncu_importer.hpp"
#include "analysis/importers/trace_format.hpp"
#include "core/trace.hpp"

namespace rafter {

/// The format of `path`, recognised from its content (gzip is looked through): SQLite header ->
/// nsys; a JSON object whose "schema" is "rafter.<kind>/..." -> rafter; any other JSON object ->
/// kineto (its importer then requires "traceEvents"); CSV with `==PROF==` lines or an
/// "ID"/"Kernel Name" header -> ncu. Throws `input_error` naming the file when it is none of these.
[[nodiscard]] trace_format detect_trace_format(const std::filesystem::path& path);

/// Reads `path` with the importer for `format`, or for the detected format when `format` is empty.
/// `ncu` applies to Nsight Compute files (the architecture to assume when the file names none) and
/// to rafter traces whose kernels hold counters left unweighed for want of an architecture (an
/// Nsight Compute summary imported without one: `weigh_with_assumed_architecture`). Throws `input_error` naming the file and the position for bad input.
[[nodiscard]] trace import_trace(const std::filesystem::path& path, std::optional<trace_format> format,
                                 const ncu_import_options& ncu = {});

}  // namespace rafter

#pragma once

#include <filesystem>

#include "core/trace.hpp"

namespace rafter {

/// Reads an Nsight Systems SQLite export (`nsys export --type sqlite`, schema 2.x and 3.x) into a
/// `rafter.trace/1` model: kernels (CUPTI_ACTIVITY_KIND_KERNEL, names through StringIds),
/// copies (..._MEMCPY, ..._MEMSET), NVTX ranges (NVTX_EVENTS, push/pop and start/end, with
/// nesting depth per thread), devices (TARGET_INFO_GPU). Kernel and copy correlation ids come from
/// the activity records (matching ..._RUNTIME). Tables nsys did not create (it creates them
/// lazily) are tolerated and listed in `source.not_recorded`. Timestamps are nsys's integer
/// nanoseconds, unchanged. The file is opened read-only and never modified.
///
/// Throws `input_error` naming the file and the table/column (the field) when the file cannot be
/// opened, is not SQLite or is corrupt, or is SQLite but not an nsys export ("not an Nsight Systems
/// export (no CUPTI_ACTIVITY_KIND_* or TARGET_INFO tables)").
[[nodiscard]] trace import_nsys(const std::filesystem::path& path);

}  // namespace rafter

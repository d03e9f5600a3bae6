#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace rafter {

/// The file formats `rafter import` reads.
enum class trace_format { rafter, kineto, nsys, ncu };

[[nodiscard]] const char* to_string(trace_format format) noexcept;
/// "auto" gives nothing; an unknown name throws `usage_error`.
[[nodiscard]] std::optional<trace_format> trace_format_from_name(const std::string& name);

}  // namespace rafter

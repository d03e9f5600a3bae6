#pragma once

#include <optional>
#include <string_view>

namespace rafter {

/// Where a kernel group's work (FLOP) and traffic (bytes) came from: measured counters
/// (`trace_kernel::metrics`), shape-based estimates (`trace_kernel::estimate`), or nowhere.
enum class work_source { measured, estimate, none };

[[nodiscard]] constexpr const char* to_string(work_source source) noexcept {
  switch (source) {
    case work_source::measured: return "measured";
    case work_source::estimate: return "estimate";
    case work_source::none: return "none";
  }
  return "none";
}

[[nodiscard]] constexpr std::optional<work_source> work_source_from_string(std::string_view name) noexcept {
  if (name == "measured") return work_source::measured;
  if (name == "estimate") return work_source::estimate;
  if (name == "none") return work_source::none;
  return std::nullopt;
}

}  // namespace rafter

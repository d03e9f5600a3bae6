#pragma once

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "profiler/collector_config.hpp"

namespace rafter::profiler {

/// Decides, launch by launch, which kernels get per-kernel counters: launches whose name matches
/// `kernel_regex` (searched in the mangled name, then in the demangled one), after passing over
/// the first `skip` matching launches, at most `max_kernels` of them. Replay serializes kernels
/// and costs time, so this bounds it. Not thread-safe: the collector serializes calls.
class kernel_selector {
public:
  /// Throws `usage_error` when the regex does not compile.
  explicit kernel_selector(const collector_config& config);

  /// Called once per launch, in launch order; true when this launch gets counters.
  [[nodiscard]] bool select(std::string_view kernel_name);
  /// True once `max_kernels` launches were selected: no later launch will be.
  [[nodiscard]] bool exhausted() const noexcept { return m_max && m_selected >= *m_max; }
  [[nodiscard]] std::int64_t selected() const noexcept { return m_selected; }

private:
  [[nodiscard]] bool matches(std::string_view kernel_name);

  std::optional<std::regex> m_regex;
  std::unordered_map<std::string, bool> m_match_cache;
  std::int64_t m_skip = 0;
  std::optional<std::int64_t> m_max;
  std::int64_t m_matched = 0;
  std::int64_t m_selected = 0;
};

}  // namespace rafter::profiler

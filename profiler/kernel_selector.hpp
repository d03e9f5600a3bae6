#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "profiler/collector_config.hpp"

namespace rafter::profiler {

/// Decides, launch by launch, which kernels get per-kernel counters: launches whose name matches
/// `kernel_regex` (searched in the mangled name, then in the demangled one), after passing over
/// the first `skip` matching launches, at most `max_kernels` of them. Replay serializes kernels
/// and costs time, so this bounds it. Kernels matching a never-replayed pattern (they wait on
/// other GPUs or processes, and replaying one alone hangs) are never selected nor counted by
/// `skip`/`max_kernels`. The patterns are searched in the first k_match_window characters of each
/// name (a longer search could overflow the launching thread's stack). Not thread-safe: the
/// collector serializes calls.
class kernel_selector {
public:
  enum class choice { selected, passed_over, never_replayed };
  static constexpr std::size_t k_match_window = 512;  ///< Characters of a name the patterns see.

  /// Throws `usage_error` when the regex does not compile. `never_replayed`: ECMAScript patterns
  /// (metric_set::never_replayed, already validated).
  explicit kernel_selector(const collector_config& config, const std::vector<std::string>& never_replayed = {});

  /// Called once per launch, in launch order.
  [[nodiscard]] choice select(std::string_view kernel_name);
  /// A selected launch that failed (nothing ran, no counters): it does not count against
  /// `max_kernels`, so a later matching launch is selected in its place.
  void selected_launch_failed() noexcept {
    if (m_selected > 0) --m_selected;
  }
  /// True once `max_kernels` launches were selected: no later launch will be.
  [[nodiscard]] bool exhausted() const noexcept { return m_max && m_selected >= *m_max; }
  [[nodiscard]] std::int64_t selected() const noexcept { return m_selected; }

private:
  struct name_match {
    bool wanted = false;
    bool never_replayed = false;
  };
  [[nodiscard]] name_match classify(std::string_view kernel_name);

  std::optional<std::regex> m_regex;
  std::optional<std::regex> m_never_replayed;
  std::unordered_map<std::string, name_match> m_match_cache;
  std::int64_t m_skip = 0;
  std::optional<std::int64_t> m_max;
  std::int64_t m_matched = 0;
  std::int64_t m_selected = 0;
};

}  // namespace rafter::profiler

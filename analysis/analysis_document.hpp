#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "analysis/analysis_totals.hpp"
#include "analysis/ceiling_entry.hpp"
#include "analysis/class_time.hpp"
#include "analysis/copy_summary.hpp"
#include "analysis/device_summary.hpp"
#include "analysis/kernel_group.hpp"
#include "analysis/limiter_thresholds.hpp"
#include "analysis/range_time.hpp"
#include "core/json.hpp"
#include "core/machine_profile.hpp"

namespace rafter {

/// The `rafter.analysis/1` document: a trace placed on a machine's roofline. Everything the
/// Markdown and HTML reports show comes from here. Schema in docs/schemas.md; formulas in
/// docs/metrics.md. SI base units throughout.
struct analysis_document {
  static constexpr const char* schema_kind = "rafter.analysis";
  static constexpr int schema_major = 1;

  generator_info generator;
  std::string trace_file;
  std::string trace_tool;      ///< Who recorded the trace ("rafter", "kineto", "nsys", "ncu").
  std::string machine_name;    ///< The profile's device name.
  std::string machine_file;    ///< The profile used.
  std::string machine_choice;  ///< How it was chosen: "--machine", or the auto-match rule in words.
  limiter_thresholds thresholds;
  std::vector<ceiling_entry> compute;  ///< The machine's compute ceilings.
  std::vector<ceiling_entry> memory;   ///< Its memory levels with a roofline bandwidth.
  std::vector<ceiling_entry> links;
  analysis_totals totals;
  std::vector<device_summary> devices;
  std::vector<class_time> classes;   ///< Every class with kernels, most time first.
  std::vector<range_time> ranges;    ///< Most attributed time first; at most a few hundred.
  std::int64_t ranges_omitted = 0;   ///< Range names left out of `ranges`.
  std::vector<copy_summary> copies;
  std::vector<kernel_group> groups;  ///< Most time first; `groups[i].id == i`.
  std::vector<std::int64_t> opportunities;  ///< Group ids, largest opportunity first (the top N).
  std::vector<std::string> warnings;
};

[[nodiscard]] json to_json(const analysis_document& analysis);
/// Validates and reads; throws `input_error` naming `file` and the field.
[[nodiscard]] analysis_document analysis_from_json(const json& document, const std::string& file);
[[nodiscard]] analysis_document load_analysis(const std::filesystem::path& path);
void save_analysis(const std::filesystem::path& path, const analysis_document& analysis);

}  // namespace rafter

#include <filesystem>
#include <memory>
#include <vector>
#include <string>

#include <fmt/format.h>

#include "analysis/analysis_document.hpp"
#include "analysis/analyzer.hpp"
#include "analysis/importers/import_trace.hpp"
#include "analysis/kernel_classifier.hpp"
#include "analysis/machine_matcher.hpp"
#include "analysis/profile_fit.hpp"
#include "analysis/projection.hpp"
#include "cli/assumed_architecture.hpp"
#include "cli/commands.hpp"
#include "cli/profile_option.hpp"
#include "core/atomic_file.hpp"
#include "core/config_paths.hpp"
#include "core/error.hpp"
#include "core/machine_profile.hpp"
#include "core/trace.hpp"
#include "core/units.hpp"
#include "core/version.hpp"
#include "reports/comparison_format.hpp"
#include "reports/projection_report_html.hpp"
#include "reports/projection_report_json.hpp"
#include "reports/projection_report_markdown.hpp"

namespace rafter::cli {

namespace {

/// Options of `rafter project`, parsed once.
struct project_options {
  std::string trace;     ///< Recorded on A: rafter.trace/1, Kineto, Nsight Systems or Nsight Compute.
  std::string from;      ///< Profile of A: a file or a datasheet name in configs/hardware/.
  std::string to;        ///< Profile of B.
  std::string output;    ///< -o: rafter.projection/1 JSON.
  std::string html;
  std::string markdown;
  std::string measured;  ///< A trace of the same workload recorded on B, to report the error.
  std::string assume_arch;  ///< --assume-arch for TRACE; empty: --from's architecture, if any.
};

/// `file` placed on `profile`; `ncu` says what to assume of an Nsight Compute file's architecture.
/// A profile that is not the machine the trace names is said in `warnings` (`role`: "--from").
analysis_document analyze_on(const std::string& file, const machine_profile& profile, const std::string& profile_file,
                             const kernel_classifier& classifier, const ncu_import_options& ncu,
                             const machine_matcher& matcher, const std::string& role, std::vector<std::string>& warnings) {
  const trace t = import_trace(file, std::nullopt, ncu);
  if (const auto mismatch = profile_mismatch(t, profile, profile_file, matcher, role)) {
    warnings.push_back(file + ": " + *mismatch);
  }
  analyze_options options;
  options.trace_file = file;
  options.machine_file = profile_file;
  options.machine_choice = "rafter project";
  options.generator.version = version_string;
  return analyze(t, profile, classifier, options);
}

exit_code run_project(const project_options& o) {
  check_writable_outputs({o.output, o.html, o.markdown}, {o.trace, o.measured, profile_option_input(o.from), profile_option_input(o.to)});
  const auto configs = find_config_dir();
  if (!configs) throw usage_error("rafter project: cannot find the configs/ directory (set RAFTER_CONFIG_DIR)");
  const std::filesystem::path from_path = profile_option_path(o.from, "rafter project: --from");
  const std::filesystem::path to_path = profile_option_path(o.to, "rafter project: --to");
  const machine_profile from = load_machine_profile(from_path);
  const machine_profile to = load_machine_profile(to_path);
  const kernel_classifier classifier = kernel_classifier::load(*configs / "kernel_classes.json");

  // TRACE ran on A, --measured on B: each profile's architecture for its own file.
  const machine_matcher matcher = machine_matcher::load(*configs / "device_datasheets.json");
  std::vector<std::string> mismatches;
  const ncu_import_options ncu_a = ncu_assumptions(o.assume_arch, &from, from_path.string(), "rafter project: --assume-arch");
  const analysis_document on_a =
      analyze_on(o.trace, from, from_path.string(), classifier, ncu_a, matcher, "--from", mismatches);
  projection p = project_workload(on_a, from, to, from_path.string(), to_path.string());
  if (!o.measured.empty()) {
    const ncu_import_options ncu_b = ncu_assumptions("", &to, to_path.string(), "rafter project: --to");
    attach_measurement(p, analyze_on(o.measured, to, to_path.string(), classifier, ncu_b, matcher, "--to", mismatches),
                       o.measured);
  }
  p.warnings.insert(p.warnings.begin(), mismatches.begin(), mismatches.end());

  const std::string markdown = render_projection_markdown(p);
  const std::string json_text = o.output.empty() ? "" : projection_to_json(p).dump(2) + "\n";
  const std::string html = o.html.empty() ? "" : render_projection_html(p);
  write_files_atomically({{o.output, json_text}, {o.html, html}, {o.markdown, markdown}});
  if (o.output.empty() && o.html.empty() && o.markdown.empty()) {
    fmt::print("{}", markdown);
  } else {
    fmt::print("project: {} -> {}: end to end {} measured, {} projected ({} – {})", p.from_name, p.to_name,
               format_seconds(p.span_time.time_a_s), format_seconds(p.span_time.time_b_s),
               format_seconds(p.span_time.low_s), format_seconds(p.span_time.high_s));
    if (p.span_time.error()) {
      fmt::print("; measured on B {}, error {}", format_seconds(*p.span_time.measured_b_s), format_change(*p.span_time.error()));
    }
    fmt::print("\n");
    for (const auto* out : {&o.output, &o.html, &o.markdown}) {
      if (!out->empty()) fmt::print("wrote {}\n", *out);
    }
  }
  for (const auto& w : p.warnings) fmt::print(stderr, "warning: {}\n", w);
  return exit_code::ok;
}

}  // namespace

void add_project_command(CLI::App& app, command_action& action) {
  auto options = std::make_shared<project_options>();
  auto* cmd = app.add_subcommand("project", "Project a workload recorded on one machine onto another with the roofline");
  cmd->add_option("trace", options->trace,
                  "The workload recorded on A: rafter.trace/1, Kineto JSON, Nsight Systems SQLite or Nsight Compute CSV")
      ->required();
  cmd->add_option("--from", options->from, "Profile of A (a rafter.machine/1 file or a datasheet name: a100_sxm4_80gb)")
      ->required();
  cmd->add_option("--to", options->to, "Profile of B, as --from")->required();
  cmd->add_option("-o,--output", options->output, "Write the rafter.projection/1 JSON here");
  cmd->add_option("--html", options->html, "Write a self-contained HTML report here");
  cmd->add_option("--markdown", options->markdown, "Write a Markdown summary here (printed to stdout when no output is given)");
  cmd->add_option("--assume-arch", options->assume_arch,
                  "GPU architecture (sm_70, 9.0) of TRACE when it is an Nsight Compute CSV that names none: "
                  "architecture-specific counter weights need it. Default: the one --from's profile names");
  cmd->add_option("--measured", options->measured,
                  "A trace of the same workload recorded on B: report the projection's error against it");
  cmd->footer(exit_codes_help);
  cmd->callback([&action, options] { action = [options] { return run_project(*options); }; });
}

}  // namespace rafter::cli

#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>

#include "analysis/analysis_document.hpp"
#include "analysis/analyzer.hpp"
#include "analysis/kernel_classifier.hpp"
#include "analysis/machine_matcher.hpp"
#include "analysis/profile_fit.hpp"
#include "analysis/importers/import_trace.hpp"
#include "cli/assumed_architecture.hpp"
#include "cli/commands.hpp"
#include "cli/option_checks.hpp"
#include "cli/profile_option.hpp"
#include "core/atomic_file.hpp"
#include "core/config_paths.hpp"
#include "core/error.hpp"
#include "core/machine_profile.hpp"
#include "core/trace.hpp"
#include "core/utc_time.hpp"
#include "core/version.hpp"
#include "reports/analysis_report_html.hpp"
#include "reports/analysis_report_markdown.hpp"

namespace rafter::cli {

namespace {

/// Options of `rafter analyze`, parsed once.
struct analyze_cli_options {
  std::string trace;
  std::string machine;   ///< A profile file, or a datasheet name in configs/hardware/ ("h100_sxm5").
  std::string output;    ///< -o: rafter.analysis/1 JSON.
  std::string html;
  std::string markdown;
  std::size_t top = 10;
  std::string classes;   ///< A user rule table tried before configs/kernel_classes.json.
  std::string assume_arch;  ///< --assume-arch: "sm_70"; empty: --machine's architecture, if any.
  std::string command_line;
};

std::filesystem::path config_dir_or_throw() {
  const auto dir = find_config_dir();
  if (!dir) throw usage_error("rafter analyze: cannot find the configs/ directory (set RAFTER_CONFIG_DIR)");
  return *dir;
}

struct chosen_machine {
  std::filesystem::path path;
  std::string choice;
};

/// --machine as given (a file, else a datasheet name); `o.machine` must not be empty.
chosen_machine given_machine(const analyze_cli_options& o) {
  const std::filesystem::path path = profile_option_path(o.machine, "rafter analyze: --machine");
  return {path, named_datasheet(o.machine, path) ? "--machine (datasheet " + o.machine + ")" : "--machine"};
}

/// The datasheet matching the trace's device (when no --machine is given).
chosen_machine choose_machine(const analyze_cli_options& o, const trace& t, const std::filesystem::path& configs) {
  namespace fs = std::filesystem;
  const std::set<std::string> names = kernel_device_names(t);
  if (names.empty()) {
    throw input_error(o.trace, "devices", "the trace names no device, so no datasheet can be chosen: pass --machine PROFILE");
  }
  if (names.size() > 1) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "\"" : ", \"") + n + "\"";
    throw input_error(o.trace, "devices", "the trace's kernels ran on different device models (" + list + "): pass --machine PROFILE");
  }
  const std::string& name = *names.begin();
  const machine_matcher matcher = machine_matcher::load(configs / "device_datasheets.json");
  const auto match = matcher.find(name);
  if (!match) {
    throw input_error(o.trace, "devices", "device \"" + name +
                                              "\" matches no datasheet in configs/device_datasheets.json: pass --machine PROFILE "
                                              "(a `rafter sweep` profile or a file in configs/hardware/)");
  }
  const fs::path path = configs / "hardware" / (match->datasheet + ".json");
  return {path, "datasheet chosen automatically: device \"" + name + "\" matched /" + match->pattern + "/"};
}

exit_code run_analyze(const analyze_cli_options& o) {
  check_writable_outputs({o.output, o.html, o.markdown}, {o.trace, profile_option_input(o.machine), o.classes});
  if (o.top < 1) throw usage_error("rafter analyze: --top must be at least 1");
  const std::filesystem::path configs = config_dir_or_throw();
  kernel_classifier classifier = kernel_classifier::load(configs / "kernel_classes.json");
  if (!o.classes.empty()) classifier.prepend(kernel_classifier::load(o.classes));

  // A given machine is read first: its architecture weighs the counters of files that name none.
  std::optional<chosen_machine> given;
  std::optional<machine_profile> given_profile;
  if (!o.machine.empty()) {
    given = given_machine(o);
    given_profile = load_machine_profile(given->path);
  }
  const ncu_import_options ncu = ncu_assumptions(o.assume_arch, given_profile ? &*given_profile : nullptr,
                                                 given ? given->path.string() : "", "rafter analyze: --assume-arch");
  const trace t = import_trace(o.trace, std::nullopt, ncu);  // rafter.trace/1 or any importable file.
  if (t.kernels.empty()) {
    throw input_error(o.trace, "kernels", "the trace has no kernels: nothing to place on a roofline");
  }
  const chosen_machine machine = given ? *given : choose_machine(o, t, configs);
  const machine_profile profile = given_profile ? *std::move(given_profile) : load_machine_profile(machine.path);

  analyze_options options;
  options.top = o.top;
  options.trace_file = o.trace;
  options.machine_file = machine.path.string();
  options.machine_choice = machine.choice;
  options.generator.version = version_string;
  options.generator.command = o.command_line;
  options.generator.created_utc = utc_now();
  analysis_document analysis = analyze(t, profile, classifier, options);
  if (given) {
    const machine_matcher matcher = machine_matcher::load(configs / "device_datasheets.json");
    if (const auto mismatch = profile_mismatch(t, profile, given->path.string(), matcher, "--machine")) {
      analysis.warnings.insert(analysis.warnings.begin(), *mismatch);
    }
  }

  // Render everything first, then write: a rendering failure leaves no partial set of files.
  const std::string json_text = o.output.empty() ? "" : to_json(analysis).dump(2) + "\n";
  const std::string html = o.html.empty() ? "" : render_analysis_html(analysis);
  const std::string markdown = render_analysis_markdown(analysis, std::max<std::size_t>(15, o.top));
  write_files_atomically({{o.output, json_text}, {o.html, html}, {o.markdown, markdown}});

  if (o.output.empty() && o.html.empty() && o.markdown.empty()) {
    fmt::print("{}", markdown);
  } else {
    fmt::print("analyze: {} kernels in {} groups on {} ({}); {:.1f}% of kernel time placed on the roofline\n", analysis.totals.kernels,
               analysis.totals.groups, analysis.machine_name, machine.path.string(), analysis.totals.placed_fraction * 100.0);
    if (!o.output.empty()) fmt::print("analysis: {}\n", o.output);
    if (!o.html.empty()) fmt::print("html: {}\n", o.html);
    if (!o.markdown.empty()) fmt::print("markdown: {}\n", o.markdown);
  }
  for (const auto& w : analysis.warnings) fmt::print(stderr, "warning: {}\n", w);
  return exit_code::ok;
}

}  // namespace

void add_analyze_command(CLI::App& app, command_action& action) {
  auto options = std::make_shared<analyze_cli_options>();
  auto* cmd = app.add_subcommand("analyze", "Place every kernel of a trace on the roofline and name what limits it");
  cmd->add_option("trace", options->trace, "A rafter.trace/1 document, or any file `rafter import` reads (Kineto JSON, Nsight Systems SQLite, Nsight Compute CSV)")->required();
  cmd->add_option("--machine", options->machine,
                  "Machine profile: a rafter.machine/1 file or a datasheet name in configs/hardware/ (h100_sxm5). "
                  "Default: the datasheet matching the trace's device name");
  cmd->add_option("-o,--output", options->output, "Write the rafter.analysis/1 JSON here");
  cmd->add_option("--html", options->html, "Write a self-contained HTML report here");
  cmd->add_option("--markdown", options->markdown, "Write a Markdown summary here (printed to stdout when no output is given)");
  cmd->add_option("--top", options->top, "Length of the top-opportunities list")
      ->check(whole_number(1, 100000))->capture_default_str();
  cmd->add_option("--classes", options->classes, "A rafter.kernel_classes/1 rule table tried before configs/kernel_classes.json");
  cmd->add_option("--assume-arch", options->assume_arch,
                  "GPU architecture (sm_70, 9.0) of an Nsight Compute CSV that names none (per-kernel summaries), or of a "
                  "trace imported from one without it: "
                  "architecture-specific counter weights, such as the V100 tensor pipe's, need it. "
                  "Default: the one --machine's profile names");
  cmd->footer(exit_codes_help);
  cmd->callback([&action, options] {
    const analyze_cli_options& o = *options;
    std::string line = "rafter analyze " + o.trace;
    if (!o.machine.empty()) line += " --machine " + o.machine;
    if (!o.output.empty()) line += " -o " + o.output;
    if (!o.html.empty()) line += " --html " + o.html;
    if (!o.markdown.empty()) line += " --markdown " + o.markdown;
    if (!o.classes.empty()) line += " --classes " + o.classes;
    if (!o.assume_arch.empty()) line += " --assume-arch " + o.assume_arch;
    options->command_line = line + " --top " + std::to_string(o.top);
    action = [options] { return run_analyze(*options); };
  });
}

}  // namespace rafter::cli

#include <memory>
#include <set>
#include <string>

#include <fmt/format.h>

#include "analysis/importers/import_trace.hpp"
#include "cli/assumed_architecture.hpp"
#include "cli/commands.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/trace.hpp"

namespace rafter::cli {

namespace {

struct import_options {
  std::string input;
  std::string format = "auto";  ///< auto | kineto | nsys | ncu | rafter
  std::string output;           ///< -o: rafter.trace/1 (.json or .json.gz)
  std::string assume_arch;      ///< --assume-arch: for Nsight Compute files that name no architecture
};

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : separator) + s;
  return out;
}

/// One paragraph: what the trace holds, what its recording lacks, what was odd.
std::string summary(const trace& t, const std::string& output) {
  std::size_t linked = 0, estimated = 0, measured = 0;
  for (const auto& k : t.kernels) {
    linked += k.op_id ? 1 : 0;
    estimated += k.estimate ? 1 : 0;
    measured += k.metrics ? 1 : 0;
  }
  std::set<std::string> names;
  for (const auto& d : t.devices) names.insert(d.name);
  std::string devices = fmt::format("{} device{}", t.devices.size(), t.devices.size() == 1 ? "" : "s");
  if (!names.empty()) devices += " (" + join(std::vector<std::string>(names.begin(), names.end()), ", ") + ")";
  std::string text = fmt::format(
      "Imported {} ({}{}): {} kernels on {}, {} copies, {} ranges, {} ops; {} kernels linked to ops, {} with "
      "shape-based estimates, {} with measured counters.",
      t.source.file, t.source.tool, t.source.version.empty() ? "" : ", " + t.source.version, t.kernels.size(), devices,
      t.copies.size(), t.ranges.size(), t.ops.size(), linked, estimated, measured);
  text += t.source.not_recorded.empty() ? std::string(" Nothing reported missing.")
                                        : " Not recorded: " + join(t.source.not_recorded, "; ") + ".";
  text += t.source.warnings.empty() ? std::string(" No warnings.") : " Warnings: " + join(t.source.warnings, "; ") + ".";
  text += " Wrote " + output + ".";
  return text;
}

exit_code run_import(const import_options& options) {
  const std::optional<trace_format> format = trace_format_from_name(options.format);
  check_writable_outputs({options.output}, {options.input});
  const ncu_import_options ncu = ncu_assumptions(options.assume_arch, nullptr, "", "rafter import: --assume-arch");
  const trace t = import_trace(options.input, format, ncu);
  save_trace(options.output, t);
  fmt::print("{}\n", summary(t, options.output));
  return exit_code::ok;
}

}  // namespace

void add_import_command(CLI::App& app, command_action& action) {
  auto options = std::make_shared<import_options>();
  auto* cmd = app.add_subcommand(
      "import", "Import a Kineto (PyTorch profiler) JSON, Nsight Systems SQLite export, Nsight Compute CSV or rafter "
                "trace (plain or .gz) as rafter.trace/1");
  cmd->add_option("input", options->input, "The file to import (format detected from its content)")->required();
  cmd->add_option("--format", options->format, "auto, kineto, nsys, ncu or rafter (default: auto)");
  cmd->add_option("-o,--output", options->output, "Write the rafter.trace/1 here (gzip when it ends in .gz)")->required();
  cmd->add_option("--assume-arch", options->assume_arch,
                  "GPU architecture (sm_70, 9.0) of an Nsight Compute CSV that names none (per-kernel summaries): "
                  "architecture-specific counter weights, such as the V100 tensor pipe's, need it");
  cmd->footer(exit_codes_help);
  cmd->callback([&action, options] { action = [options] { return run_import(*options); }; });
}

}  // namespace rafter::cli

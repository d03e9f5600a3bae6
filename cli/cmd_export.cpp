#include <memory>
#include <string>

#include <fmt/format.h>

#include "analysis/importers/import_trace.hpp"
#include "cli/commands.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/output_file.hpp"
#include "core/trace.hpp"
#include "reports/perfetto_export.hpp"

namespace rafter::cli {

namespace {

struct export_options {
  std::string input;      ///< Any file `rafter import` reads (format detected from its content).
  bool perfetto = false;  ///< --perfetto: Chrome/Perfetto trace-event JSON (the only format so far).
  std::string output;     ///< -o: gzip-compressed when it ends in .gz.
};

exit_code run_export(const export_options& options) {
  if (!options.perfetto) {
    throw usage_error(
        "export: no output format given; supported formats: --perfetto (Chrome/Perfetto trace-event JSON)");
  }
  check_writable_outputs({options.output}, {options.input});
  const trace t = import_trace(options.input, std::nullopt);
  const std::string text = perfetto_trace_json(t);
  output_file::write(options.output, text);  // gzip-compressed for .gz
  fmt::print("Exported {} ({}): {} kernels, {} copies, {} ranges, {} ops on {} device{} as Chrome/Perfetto trace "
             "events to {} (open it in ui.perfetto.dev).\n",
             options.input, t.source.tool, t.kernels.size(), t.copies.size(), t.ranges.size(), t.ops.size(),
             t.devices.size(), t.devices.size() == 1 ? "" : "s", options.output);
  return exit_code::ok;
}

}  // namespace

void add_export_command(CLI::App& app, command_action& action) {
  auto options = std::make_shared<export_options>();
  auto* cmd = app.add_subcommand(
      "export", "Export a trace (rafter.trace/1, or any file `rafter import` reads) for other viewers: --perfetto "
                "writes Chrome/Perfetto trace-event JSON that opens in ui.perfetto.dev");
  cmd->add_option("input", options->input, "The trace to export (format detected from its content, plain or .gz)")
      ->required();
  cmd->add_flag("--perfetto", options->perfetto,
                "Chrome/Perfetto trace-event JSON: GPUs as processes, streams as threads, ranges nested, counters "
                "(required: the only format so far)");
  cmd->add_option("-o,--output", options->output, "Write the export here (gzip when it ends in .gz)")->required();
  cmd->footer(exit_codes_help);
  cmd->callback([&action, options] { action = [options] { return run_export(*options); }; });
}

}  // namespace rafter::cli

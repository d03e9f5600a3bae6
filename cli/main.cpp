// rafter: one CLI for characterization sweeps, traces, roofline analysis, comparisons and reports.

#include <cstdio>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/option_checks.hpp"
#include "core/error.hpp"
#include "core/version.hpp"

using rafter::exit_code;

namespace rafter::cli {
const char* const exit_codes_help =
    "Exit codes: 0 ok; 1 a check failed (a kernel computed a wrong result, a comparison rule broke); "
    "2 usage or input error (nothing written); 3 unsupported hardware or environment; 130 interrupted "
    "(nothing written).";
}  // namespace rafter::cli

int main(int argc, char** argv) {
  CLI::App app{"rafter: roofline analysis for GPUs and AI accelerators. Measures what the hardware can do "
               "(sweep), records what a workload does (trace, import), places every kernel on the roofline "
               "(analyze), compares generations (compare, project) and renders reports (report)."};
  app.set_version_flag("--version", std::string("rafter ") + rafter::version_string);
  app.footer(rafter::cli::exit_codes_help);
  app.require_subcommand(1);

  rafter::cli::command_action action;
  rafter::cli::add_sweep_command(app, action);
  rafter::cli::add_report_command(app, action);
  rafter::cli::add_devices_command(app, action);
  rafter::cli::add_trace_command(app, action);
  rafter::cli::add_import_command(app, action);
  rafter::cli::add_export_command(app, action);
  rafter::cli::add_analyze_command(app, action);
  rafter::cli::add_compare_command(app, action);
  rafter::cli::add_project_command(app, action);

  try {
    rafter::cli::refuse_unknown_command(app, argc, argv);
    app.parse(argc, argv);
    rafter::cli::refuse_empty_option_values(app);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "rafter: error: {}\nRun 'rafter --help' (or 'rafter <command> --help') for usage.\n", e.what());
    return static_cast<int>(exit_code::usage);
  } catch (const rafter::error& e) {
    fmt::print(stderr, "rafter: error: {}\n", e.what());
    return static_cast<int>(e.code());
  }

  try {
    return static_cast<int>(action ? action() : exit_code::usage);
  } catch (const rafter::error& e) {
    std::fflush(stdout);
    fmt::print(stderr, "rafter: error: {}\n", e.what());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::fflush(stdout);
    fmt::print(stderr, "rafter: internal error: {}\n", e.what());
    return static_cast<int>(exit_code::check_failed);
  }
}

// rafter: one CLI for characterization sweeps, traces, roofline analysis, comparisons and reports.

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/version.hpp"

namespace {

using rafter::exit_code;

constexpr const char* k_exit_codes =
    "Exit codes: 0 ok; 1 a check failed (a kernel computed a wrong result, a comparison rule broke); "
    "2 usage or input error (nothing written); 3 unsupported hardware or environment; 130 interrupted "
    "(nothing written).";

std::string joined_command_line(int argc, char** argv) {
  std::string line = "rafter";
  for (int i = 1; i < argc; ++i) line += std::string(" ") + argv[i];
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rafter: roofline analysis for GPUs and AI accelerators. Measures what the hardware can do "
               "(sweep), records what a workload does (trace, import), places every kernel on the roofline "
               "(analyze), compares generations (compare, project) and renders reports (report)."};
  app.set_version_flag("--version", std::string("rafter ") + rafter::version_string);
  app.footer(k_exit_codes);
  app.require_subcommand(1);

  rafter::cli::sweep_options sweep;
  auto* sweep_cmd = app.add_subcommand("sweep", "Measure compute, memory and link ceilings into a rafter.machine/1 profile");
  sweep_cmd->add_option("--backend", sweep.backend, "What to measure: host (this CPU) or cuda (a GPU)")
      ->check(CLI::IsMember({"host", "cuda"}))->capture_default_str();
  sweep_cmd->add_option("--preset", sweep.preset, "quick (about a minute) or full (a few minutes, finer sweeps)")
      ->check(CLI::IsMember({"quick", "full"}))->capture_default_str();
  sweep_cmd->add_option("--suite", sweep.suites, "Comma-separated suites: memory, latency, compute")->capture_default_str();
  sweep_cmd->add_option("--threads", sweep.threads, "host: threads for bandwidth and compute (0 = one per core)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  sweep_cmd->add_option("--device", sweep.device, "cuda: device index")->check(CLI::NonNegativeNumber);
  sweep_cmd->add_option("-o,--output", sweep.output, "Write the machine profile (JSON) here")->required();
  sweep_cmd->add_option("--html", sweep.html, "Also write a self-contained HTML report here");
  sweep_cmd->add_option("--progress", sweep.progress, "Progress on stderr: auto, live, plain or quiet")
      ->check(CLI::IsMember({"auto", "live", "plain", "quiet"}))->capture_default_str();
  sweep_cmd->footer(k_exit_codes);

  rafter::cli::report_options report;
  auto* report_cmd = app.add_subcommand("report", "Render a rafter document (machine profile) as a report");
  report_cmd->add_option("input", report.input, "A rafter.machine/1 JSON document")->required();
  report_cmd->add_option("--html", report.html, "Write a self-contained HTML report here")->required();
  report_cmd->footer(k_exit_codes);

  rafter::cli::devices_options devices;
  auto* devices_cmd = app.add_subcommand("devices", "List the devices rafter can measure, or the bundled datasheets");
  devices_cmd->add_option("--backend", devices.backend, "all, host or cuda (cuda exits 3 when no GPU can be used)")
      ->check(CLI::IsMember({"all", "host", "cuda"}))->capture_default_str();
  devices_cmd->add_flag("--datasheets", devices.datasheets, "List the datasheet profiles in configs/hardware/");
  devices_cmd->add_flag("--json", devices.json, "Print JSON instead of a table");
  devices_cmd->footer(k_exit_codes);

  struct pending {
    const char* name;
    const char* description;
  };
  const std::vector<pending> not_yet = {
      {"trace", "Run a CUDA program under the CUPTI collector and write a rafter.trace/1 (not implemented yet)"},
      {"import", "Import a Kineto, Nsight Systems or Nsight Compute file as rafter.trace/1 (not implemented yet)"},
      {"analyze", "Place every kernel of a trace on the roofline (not implemented yet)"},
      {"compare", "Compare two machine profiles, traces or analyses (not implemented yet)"},
      {"project", "Project a workload onto other hardware (not implemented yet)"},
  };
  std::vector<CLI::App*> pending_cmds;
  for (const auto& p : not_yet) {
    auto* cmd = app.add_subcommand(p.name, p.description);
    cmd->allow_extras();
    cmd->prefix_command();
    pending_cmds.push_back(cmd);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "rafter: error: {}\nRun 'rafter --help' (or 'rafter <command> --help') for usage.\n", e.what());
    return static_cast<int>(exit_code::usage);
  }

  try {
    exit_code code = exit_code::ok;
    if (sweep_cmd->parsed()) {
      sweep.command_line = joined_command_line(argc, argv);
      code = rafter::cli::run_sweep(sweep);
    } else if (report_cmd->parsed()) {
      code = rafter::cli::run_report(report);
    } else if (devices_cmd->parsed()) {
      code = rafter::cli::run_devices(devices);
    } else {
      for (auto* cmd : pending_cmds) {
        if (cmd->parsed()) {
          fmt::print(stderr, "rafter {}: not implemented yet\n", cmd->get_name());
          code = exit_code::usage;
        }
      }
    }
    return static_cast<int>(code);
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

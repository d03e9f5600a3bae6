#include <sstream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/profile_summary.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "core/json_file.hpp"
#include "core/machine_profile.hpp"
#include "core/progress.hpp"
#include "microbench/gpu_devices.hpp"
#include "microbench/host/host_sweep.hpp"
#include "reports/machine_report_html.hpp"

namespace rafter::cli {

namespace {

progress::style progress_style(const std::string& name) {
  if (name == "live") return progress::style::live;
  if (name == "plain") return progress::style::plain;
  if (name == "quiet") return progress::style::quiet;
  return progress::style::automatic;
}

}  // namespace

exit_code run_sweep(const sweep_options& options) {
  host::sweep_options host;
  host.preset = options.preset;
  host.memory = host.latency = host.compute = false;
  std::stringstream suites(options.suites);
  std::string suite;
  while (std::getline(suites, suite, ',')) {
    if (suite == "memory") host.memory = true;
    else if (suite == "latency") host.latency = true;
    else if (suite == "compute") host.compute = true;
    else if (suite == "interconnect") throw usage_error("--suite interconnect: the host backend has no links to measure");
    else throw usage_error("--suite: unknown suite \"" + suite + "\" (expected memory, latency, compute)");
  }
  if (options.backend == "cuda") {
    const gpu_inventory gpus = query_gpus();
    if (!gpus.unavailable_reason.empty()) throw unsupported_error("--backend cuda: " + gpus.unavailable_reason);
    throw usage_error("--backend cuda: not implemented yet");
  }
  check_writable_output(options.output);
  if (!options.html.empty()) check_writable_output(options.html);
  host.threads = options.threads;
  host.command = options.command_line;

  install_interrupt_handler();
  progress prog(progress_style(options.progress));
  const machine_profile profile = host::run_host_sweep(host, prog);

  // Render everything before writing anything, then write each file atomically.
  const json document = to_json(profile);
  const std::string html = options.html.empty() ? std::string() : render_machine_html(profile);
  throw_if_interrupted();
  write_json_file(options.output, document);
  if (!options.html.empty()) write_file_atomically(options.html, html);

  fmt::print("{}\nprofile: {}\n", profile_summary(profile), options.output);
  if (!options.html.empty()) fmt::print("report:  {}\n", options.html);
  return exit_code::ok;
}

}  // namespace rafter::cli

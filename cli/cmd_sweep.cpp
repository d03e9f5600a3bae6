#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/option_checks.hpp"
#include "cli/options.hpp"
#include "cli/profile_option.hpp"
#include "cli/profile_summary.hpp"
#include "analysis/datasheet_comparison.hpp"
#include "analysis/machine_matcher.hpp"
#include "core/config_paths.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "core/json_file.hpp"
#include "core/machine_profile.hpp"
#include "core/progress.hpp"
#include "microbench/check_failures.hpp"
#include "microbench/cuda/cuda_sweep.hpp"
#include "microbench/gpu_devices.hpp"
#include "microbench/host/host_sweep.hpp"
#include "microbench/mpi/mpi_launcher.hpp"
#if RAFTER_HAVE_MPI
#include "microbench/mpi/agreed_error.hpp"
#include "microbench/mpi/mpi_sweep.hpp"
#include "microbench/mpi/mpi_world.hpp"
#endif
#include "reports/machine_report_html.hpp"

namespace rafter::cli {

namespace {

progress::style progress_style(const std::string& name) {
  if (name == "live") return progress::style::live;
  if (name == "plain") return progress::style::plain;
  if (name == "quiet") return progress::style::quiet;
  return progress::style::automatic;
}

/// The datasheet to compare with: --datasheet, else (cuda) the one configs/device_datasheets.json
/// picks for the device's name; none when nothing matches. Loaded before measuring, so that a bad
/// file fails before any work (exit code 2).
struct chosen_datasheet {
  std::optional<machine_profile> profile;
  std::string name;  ///< File stem: "h100_sxm5".
};

chosen_datasheet choose_datasheet(const sweep_options& options, const gpu_inventory* gpus) {
  chosen_datasheet c;
  std::filesystem::path path;
  if (!options.datasheet.empty()) {
    path = profile_option_path(options.datasheet, "rafter sweep: --datasheet");
  } else if (gpus != nullptr && options.device < static_cast<int>(gpus->devices.size())) {
    const auto configs = find_config_dir();
    if (!configs || !std::filesystem::exists(*configs / "device_datasheets.json")) return c;
    const auto match = machine_matcher::load(*configs / "device_datasheets.json")
                           .find(gpus->devices[static_cast<std::size_t>(options.device)].name);
    if (!match) return c;
    path = *configs / "hardware" / (match->datasheet + ".json");
  } else {
    return c;
  }
  c.profile = load_machine_profile(path);
  c.name = path.stem().string();
  return c;
}

#if RAFTER_HAVE_MPI
/// Under an MPI launcher only the interconnect suite runs (the other suites measure one device and
/// belong to a plain `rafter sweep`); --datasheet compares a single device and is refused too.
void check_mpi_usage(const sweep_options& options, int ranks) {
  if (options.suites != "interconnect") {
    throw usage_error(fmt::format("--suite {}: under MPI ({} ranks) only --suite interconnect runs; measure the other "
                                  "suites without mpirun",
                                  options.suites, ranks));
  }
  if (!options.datasheet.empty()) throw usage_error("--datasheet: not used under MPI (the profile holds links only)");
}
#endif

/// `mpirun -np N rafter sweep --suite interconnect`: every rank measures, rank 0 alone writes.
/// Errors every rank agreed on are reported by rank 0 (the others exit quietly with the same
/// code); an error one rank met alone is reported by that rank, which then aborts the job.
exit_code run_sweep_under_mpi(const sweep_options& options, const mpi::launcher_info& launcher) {
#if RAFTER_HAVE_MPI
  (void)launcher;
  mpi::world world;
  const bool root = world.rank() == 0;
  progress prog(root ? progress_style(options.progress) : progress::style::quiet);
  try {
    std::string failure;
    exit_code code = exit_code::ok;
    try {
      check_mpi_usage(options, world.size());
      if (options.backend == "cuda") {
        if (const gpu_inventory gpus = query_gpus(); !gpus.unavailable_reason.empty()) {
          throw unsupported_error("--backend cuda: " + gpus.unavailable_reason);
        }
      }
      if (root) {
        check_writable_outputs({options.output, options.html}, {profile_option_input(options.datasheet)});
      }
    } catch (const error& e) {
      failure = e.what();
      code = e.code();
    }
    world.agree(code, failure);
    install_interrupt_handler();
    machine_profile profile;
    if (options.backend == "cuda") {
      cuda::sweep_options gpu{options.preset, 0, false, false, false, 0x5eed, options.command_line, true};
      check_failures none;  // Under MPI a wrong result is agreed on and thrown (mpi::agreed_error), not recorded.
      profile = cuda::run_cuda_sweep(gpu, prog, none, &world);
    } else {
      profile = mpi::run_mpi_sweep(world, {options.preset, 0x5eed, options.command_line}, prog);
    }
    // Rank 0 writes, then every rank learns whether that worked.
    if (root) {
      try {
        const json document = to_json(profile);
        const std::string html = options.html.empty() ? std::string() : render_machine_html(profile);
        throw_if_interrupted();
        write_json_file(options.output, document);
        if (!options.html.empty()) write_file_atomically(options.html, html);
      } catch (const error& e) {
        failure = e.what();
        code = e.code();
      }
    }
    world.agree(code, failure);
    if (root) {
      fmt::print("{}profile: {}\n", profile_summary(profile), options.output);
      if (!options.html.empty()) fmt::print("report:  {}\n", options.html);
    }
    return exit_code::ok;
  } catch (const mpi::agreed_error& e) {
    // Rank 0 reports before any rank exits: mpirun kills the job as soon as one rank exits
    // non-zero, which could cut rank 0 off before its message.
    if (root) {
      std::fflush(stdout);
      fmt::print(stderr, "rafter: error: {}\n", e.what());
      std::fflush(stderr);
    }
    world.barrier();
    return e.code();
  } catch (const std::exception& e) {
    const auto* known = dynamic_cast<const error*>(&e);
    std::fflush(stdout);
    fmt::print(stderr, "rafter: error: rank {} (host {}) of {}: {}; aborting the MPI job\n", world.rank(),
               world.layout().host(world.rank()), world.size(), e.what());
    std::fflush(stderr);
    world.abort(known ? known->code() : exit_code::check_failed);
  }
#else
  (void)options;
  // Only the launcher's rank 0 says why; every rank exits with the same code.
  if (launcher.rank != 0) return exit_code::unsupported;
  throw unsupported_error(fmt::format("started by an MPI launcher with {} ranks ({}), but this rafter was built without "
                                      "MPI (install libopenmpi-dev and configure with -DRAFTER_ENABLE_MPI=ON)",
                                      launcher.size, launcher.variable));
#endif
}

exit_code run_sweep(const sweep_options& options) {
  if (const mpi::launcher_info launcher = mpi::detect_launcher(); launcher.multi_rank()) {
    return run_sweep_under_mpi(options, launcher);
  }
  host::sweep_options host;
  host.preset = options.preset;
  host.memory = host.latency = host.compute = false;
  bool interconnect = false;
  std::stringstream suites(options.suites);
  std::string suite;
  while (std::getline(suites, suite, ',')) {
    if (suite == "memory") host.memory = true;
    else if (suite == "latency") host.latency = true;
    else if (suite == "compute") host.compute = true;
    else if (suite == "interconnect" && options.backend == "cuda") interconnect = true;
    else if (suite == "interconnect") {
      throw usage_error("--suite interconnect: the host backend measures links between MPI ranks only "
                        "(mpirun -np 2 rafter sweep --backend host --suite interconnect -o FILE)");
    }
    else throw usage_error("--suite: unknown suite \"" + suite + "\" (expected memory, latency, compute, interconnect)");
  }
  std::optional<gpu_inventory> gpus;
  if (options.backend == "cuda") {
    gpus = query_gpus();
    if (!gpus->unavailable_reason.empty()) throw unsupported_error("--backend cuda: " + gpus->unavailable_reason);
  }
  const chosen_datasheet datasheet = choose_datasheet(options, gpus ? &*gpus : nullptr);
  check_writable_outputs({options.output, options.html}, {profile_option_input(options.datasheet)});
  host.threads = options.threads;
  host.command = options.command_line;

  install_interrupt_handler();
  progress prog(progress_style(options.progress));
  cuda::sweep_options gpu{options.preset, options.device, host.memory, host.latency, host.compute, 0x5eed, host.command,
                          interconnect};
  check_failures failed;  // cuda: wrong results dropped, a CUDA error's stop; what was measured is written.
  machine_profile profile =
      options.backend == "cuda" ? cuda::run_cuda_sweep(gpu, prog, failed) : host::run_host_sweep(host, prog);
  std::vector<datasheet_ratio> ratios;
  if (datasheet.profile) {
    ratios = compare_with_datasheet(profile, *datasheet.profile);
    annotate_with_datasheet(profile, ratios, datasheet.name);
  }

  // Render everything before writing anything, then write each file atomically.
  const json document = to_json(profile);
  const std::string html = options.html.empty() ? std::string() : render_machine_html(profile);
  throw_if_interrupted();
  write_json_file(options.output, document);
  if (!options.html.empty()) write_file_atomically(options.html, html);

  fmt::print("{}{}\nprofile: {}\n", profile_summary(profile), format_datasheet_ratios(ratios, datasheet.name), options.output);
  if (!options.html.empty()) fmt::print("report:  {}\n", options.html);
  if (!failed.empty()) {  // Written without them, in one line: exit 1 (a wrong result) or the stop's code.
    throw error(failed.code(),
                failed.summary(options.html.empty() ? options.output : options.output + " and " + options.html));
  }
  return exit_code::ok;
}

/// The command as a user would retype it, recorded in the profile.
std::string command_line_of(const sweep_options& o) {
  std::string line = fmt::format("rafter sweep --backend {} --preset {} --suite {}", o.backend, o.preset, o.suites);
  if (o.threads > 0) line += fmt::format(" --threads {}", o.threads);
  if (o.backend == "cuda") line += fmt::format(" --device {}", o.device);
  if (!o.datasheet.empty()) line += " --datasheet " + o.datasheet;
  return line + " -o " + o.output + (o.html.empty() ? "" : " --html " + o.html);
}

}  // namespace

void add_sweep_command(CLI::App& app, command_action& action) {
  auto options = std::make_shared<sweep_options>();
  auto* cmd = app.add_subcommand("sweep", "Measure compute, memory and link ceilings into a rafter.machine/1 profile");
  cmd->add_option("--backend", options->backend, "What to measure: host (this CPU) or cuda (a GPU)")
      ->check(CLI::IsMember({"host", "cuda"}))->capture_default_str();
  cmd->add_option("--preset", options->preset, "quick or full (finer sweeps, several times longer). The host sweep's time grows with the last-level cache (bandwidth runs to 8x it): quick took 4.5 minutes on a 2-core VM reporting a 480 MiB L3")
      ->check(CLI::IsMember({"quick", "full"}))->capture_default_str();
  cmd->add_option("--suite", options->suites,
                  "Comma-separated suites: memory, latency, compute, interconnect (cuda; host and cuda under mpirun)")
      ->capture_default_str();
  cmd->add_option("--datasheet", options->datasheet,
                  "Compare with this datasheet (configs/hardware/<gpu>.json); cuda: picked by device name when omitted");
  cmd->add_option("--threads", options->threads, "host: threads for bandwidth and compute (0 = one per core)")
      ->check(whole_number(0, 4096))->capture_default_str();
  cmd->add_option("--device", options->device, "cuda: device index")->check(whole_number(0, 1023));
  cmd->add_option("-o,--output", options->output, "Write the machine profile (JSON) here")->required();
  cmd->add_option("--html", options->html, "Also write a self-contained HTML report here");
  cmd->add_option("--progress", options->progress, "Progress on stderr: auto, live, plain or quiet")
      ->check(CLI::IsMember({"auto", "live", "plain", "quiet"}))->capture_default_str();
  cmd->footer(exit_codes_help);
  cmd->callback([&action, options] {
    options->command_line = command_line_of(*options);
    action = [options] { return run_sweep(*options); };
  });
}

}  // namespace rafter::cli

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis/roofline.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/config_paths.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/machine_profile.hpp"
#include "core/units.hpp"
#include "microbench/cuda/nvml_library.hpp"
#include "microbench/gpu_devices.hpp"
#include "microbench/host/cpu_info.hpp"

namespace rafter::cli {

namespace {

/// NVML's figures for one GPU as JSON: {"available": true, "sm_clock_hz": ..., ...} with the
/// figures NVML gave (SI units), or {"available": false, "reason": "..."}.
json nvml_json(const cuda::nvml_library& nvml, const std::optional<cuda::nvml_reading>& r, const std::string& bus) {
  if (!nvml.available()) return {{"available", false}, {"reason", nvml.unavailable_reason()}};
  if (!r) return {{"available", false}, {"reason", "NVML has no GPU with PCI bus id " + bus}};
  json j{{"available", true}};
  if (r->sm_clock_hz) j["sm_clock_hz"] = *r->sm_clock_hz;
  if (r->max_sm_clock_hz) j["max_sm_clock_hz"] = *r->max_sm_clock_hz;
  if (r->memory_clock_hz) j["memory_clock_hz"] = *r->memory_clock_hz;
  if (r->power_w) j["power_w"] = *r->power_w;
  if (r->temperature_c) j["temperature_c"] = *r->temperature_c;
  if (r->clock_event_reasons) {
    j["clock_event_reasons"] = *r->clock_event_reasons;
    j["throttling"] = cuda::nvml_library::throttle_names(*r->clock_event_reasons);
  }
  if (r->pcie_generation) j["pcie_generation"] = *r->pcie_generation;
  if (r->pcie_width) j["pcie_width"] = *r->pcie_width;
  if (r->pcie_max_generation) j["pcie_max_generation"] = *r->pcie_max_generation;
  if (r->pcie_max_width) j["pcie_max_width"] = *r->pcie_max_width;
  if (r->nvlinks_active) j["nvlinks_active"] = *r->nvlinks_active;
  return j;
}

/// The NVML line under a GPU in the text listing.
std::string nvml_line(const cuda::nvml_library& nvml, const std::optional<cuda::nvml_reading>& r, const std::string& bus) {
  if (!nvml.available()) return "NVML: unavailable (" + nvml.unavailable_reason() + ")";
  if (!r) return "NVML: unavailable (no GPU with PCI bus id " + bus + ")";
  return "NVML: " + cuda::nvml_library::describe(*r);
}

exit_code list_datasheets(const devices_options& options) {
  const auto dir = find_config_dir();
  if (!dir) throw unsupported_error("no configs/ directory found (set RAFTER_CONFIG_DIR)");
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(*dir / "hardware")) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<machine_profile> profiles;
  std::size_t id_width = 9, name_width = 6;  // "datasheet", "device": columns as wide as their longest entry
  for (const auto& f : files) {
    profiles.push_back(load_machine_profile(f));
    id_width = std::max(id_width, f.stem().string().size());
    name_width = std::max(name_width, profiles.back().device.name.size());
  }
  json list = json::array();
  if (!options.json) {
    fmt::print("{:<{}} {:<{}} {:>14} {:>14}  {}\n", "datasheet", id_width, "device", name_width, "top compute", "memory", "file");
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& f = files[i];
    const machine_profile& p = profiles[i];
    // The listing's figures are the roofline's outer roofs: the highest compute ceiling and the
    // slowest memory level (main memory; not a faster cache level such as MI300X's Infinity Cache).
    const roofline roofs = roofline::from_profile(p);
    const auto top_roof = roofs.top_compute();
    const auto main_memory = roofs.slowest_memory();
    // A datasheet without a floating-point ceiling or a memory level has no such figure: null, "-".
    if (options.json) {
      list.push_back({{"id", f.stem().string()}, {"name", p.device.name}, {"file", f.string()},
                      {"top_compute_id", top_roof ? json(top_roof->id) : json(nullptr)},
                      {"top_compute_flop_per_s", top_roof ? json(top_roof->flop_per_s) : json(nullptr)},
                      {"memory_level", main_memory ? json(main_memory->level) : json(nullptr)},
                      {"memory_bytes_per_s", main_memory ? json(main_memory->bytes_per_s) : json(nullptr)}});
    } else {
      fmt::print("{:<{}} {:<{}} {:>14} {:>14}  {}\n", f.stem().string(), id_width, p.device.name, name_width,
                 top_roof ? format_flops(top_roof->flop_per_s) : "-",
                 main_memory ? format_bandwidth(main_memory->bytes_per_s) : "-", f.string());
    }
  }
  if (options.json) fmt::print("{}\n", list.dump(2));
  return exit_code::ok;
}

exit_code run_devices(const devices_options& options) {
  if (options.datasheets) return list_datasheets(options);
  json out = json::array();
  if (options.backend == "all" || options.backend == "host") {
    const host::cpu_info cpu = host::detect_cpu_info();
    std::string caches;
    for (const auto& c : cpu.caches) {
      caches += fmt::format("{}L{} {} x{}", caches.empty() ? "" : ", ", c.level, format_capacity(c.size_bytes), c.instances);
    }
    if (options.json) {
      out.push_back({{"backend", "host"}, {"index", 0}, {"name", cpu.model_name}, {"kind", "cpu"},
                     {"cores", cpu.physical_cores}, {"logical_cpus", cpu.logical_cpus},
                     {"memory_bytes", cpu.memory_bytes.value_or(0.0)}, {"caches", caches}});
    } else {
      fmt::print("host 0: {} ({} cores, {} logical CPUs, {}; {} memory)\n", cpu.model_name, cpu.physical_cores,
                 cpu.logical_cpus, caches, cpu.memory_bytes ? format_capacity(*cpu.memory_bytes) : "unknown");
    }
  }
  if (options.backend == "all" || options.backend == "cuda") {
    const gpu_inventory gpus = query_gpus();
    if (!gpus.unavailable_reason.empty()) {
      if (options.backend == "cuda") throw unsupported_error("no GPU can be used: " + gpus.unavailable_reason);
      if (!options.json) fmt::print("cuda: no GPU ({})\n", gpus.unavailable_reason);
    }
    // Loaded only when there is a GPU to read: the driver's libnvidia-ml.so.1, at run time.
    std::optional<cuda::nvml_library> nvml;
    if (!gpus.devices.empty()) nvml.emplace();
    // The driver's release (NVML) beside the CUDA API version it implements.
    const std::string driver = nvml && !nvml->driver_version().empty()
                                   ? nvml->driver_version() + " (CUDA " + cuda_version_string(gpus.driver_version) + ")"
                                   : cuda_version_string(gpus.driver_version);
    for (const auto& g : gpus.devices) {
      const std::optional<cuda::nvml_reading> reading = nvml->read(g.pci_bus_id);
      // The other GPUs this one reaches over NVLink (NVML's P2P status); unknown pairs are left out.
      std::vector<int> peers;
      for (const auto& other : gpus.devices) {
        if (other.index != g.index && nvml->nvlink_peers(g.pci_bus_id, other.pci_bus_id).value_or(false)) {
          peers.push_back(other.index);
        }
      }
      if (options.json) {
        out.push_back({{"backend", "cuda"}, {"index", g.index}, {"name", g.name}, {"kind", "gpu"},
                       {"compute_capability", fmt::format("{}.{}", g.cc_major, g.cc_minor)}, {"sms", g.sms},
                       {"sm_clock_hz", g.sm_clock_hz.value_or(0.0)}, {"memory_bytes", g.memory_bytes},
                       {"memory_bus_width_bits", g.memory_bus_width_bits}, {"l2_bytes", g.l2_bytes},
                       {"shared_memory_per_sm_bytes", g.shared_memory_per_sm_bytes}, {"pci_bus_id", g.pci_bus_id},
                       {"driver", driver}, {"runtime", cuda_version_string(gpus.runtime_version)},
                       {"nvlink_peers", peers}, {"nvml", nvml_json(*nvml, reading, g.pci_bus_id)}});
      } else {
        fmt::print("cuda {}: {} (CC {}.{}, {} SMs, {} SM clock, {} memory on a {}-bit bus, {} L2, {} shared memory/SM, "
                   "PCI {}; driver {}, runtime {})\n",
                   g.index, g.name, g.cc_major, g.cc_minor, g.sms, g.sm_clock_hz ? format_hertz(*g.sm_clock_hz) : "unknown",
                   format_capacity(g.memory_bytes), g.memory_bus_width_bits, format_capacity(g.l2_bytes),
                   format_capacity(g.shared_memory_per_sm_bytes), g.pci_bus_id, driver,
                   cuda_version_string(gpus.runtime_version));
        fmt::print("  {}\n", nvml_line(*nvml, reading, g.pci_bus_id));
        if (!peers.empty()) fmt::print("  NVLink peers: cuda {}\n", fmt::join(peers, ", cuda "));
      }
    }
  }
  if (options.json) fmt::print("{}\n", out.dump(2));
  return exit_code::ok;
}

}  // namespace

void add_devices_command(CLI::App& app, command_action& action) {
  auto options = std::make_shared<devices_options>();
  auto* cmd = app.add_subcommand("devices", "List the devices rafter can measure, or the bundled datasheets");
  cmd->add_option("--backend", options->backend, "all, host or cuda (cuda exits 3 when no GPU can be used)")
      ->check(CLI::IsMember({"all", "host", "cuda"}))->capture_default_str();
  cmd->add_flag("--datasheets", options->datasheets, "List the datasheet profiles in configs/hardware/");
  cmd->add_flag("--json", options->json, "Print JSON instead of a table");
  cmd->footer(exit_codes_help);
  cmd->callback([&action, options] { action = [options] { return run_devices(*options); }; });
}

}  // namespace rafter::cli

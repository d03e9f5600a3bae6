#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/machine_profile.hpp"

namespace rafter::host {

/// One data or unified cache level as Linux reports it (sysfs).
struct cpu_cache {
  int level = 0;                ///< 1, 2, 3, ...
  double size_bytes = 0.0;      ///< One instance.
  std::vector<int> shared_cpu_list;  ///< Logical CPUs sharing the instance of cpu 0.
  int instances = 1;            ///< Distinct instances among the online CPUs.
};

/// What the OS tells about the host CPU. Missing facts stay empty; nothing is guessed.
struct cpu_info {
  std::string model_name;
  std::string vendor;
  std::string architecture;      ///< "x86_64 family 26 model 2" (uname machine + cpuid family/model).
  int logical_cpus = 0;          ///< Online logical CPUs.
  int physical_cores = 0;        ///< Distinct (package, core) pairs among them.
  bool smt = false;              ///< More logical CPUs than cores.
  std::vector<int> one_cpu_per_core;  ///< The lowest logical CPU of each core, for pinning.
  std::optional<double> base_clock_hz;  ///< cpufreq base_frequency, when exposed.
  std::optional<double> max_clock_hz;   ///< cpufreq cpuinfo_max_freq, when exposed.
  std::optional<double> nominal_clock_hz;  ///< /proc/cpuinfo "cpu MHz" of cpu 0 (may be the TSC rate in VMs).
  std::string governor;          ///< scaling_governor of cpu 0, or "" when not exposed.
  std::vector<cpu_cache> caches; ///< Data and unified caches, ascending level.
  std::optional<double> memory_bytes;  ///< MemTotal.
  std::string kernel;            ///< uname release.
  bool hypervisor = false;       ///< Running under a hypervisor (cpuinfo flag).
  std::string transparent_hugepages;  ///< The selected THP mode ("always", "madvise", "never").
};

/// Reads /proc and /sys once. Never throws; absent files leave fields empty.
[[nodiscard]] cpu_info detect_cpu_info();

/// The machine profile's device for this CPU: name, kind cpu, vendor, architecture, cores,
/// clocks, memory and caches as `cpu` has them (how they were obtained is the caller's to add).
[[nodiscard]] device_info cpu_device_info(const cpu_info& cpu);

/// Parses a Linux CPU list ("0-3,8,10-11").
[[nodiscard]] std::vector<int> parse_cpu_list(const std::string& text);

}  // namespace rafter::host

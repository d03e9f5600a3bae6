#include "microbench/host/cpu_info.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <sys/utsname.h>

#include "core/units.hpp"

namespace rafter::host {

namespace {

namespace fs = std::filesystem;

std::string read_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  if (in) std::getline(in, line);
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  return line;
}

std::optional<double> read_khz(const fs::path& path) {
  const std::string s = read_line(path);
  if (s.empty()) return std::nullopt;
  try {
    return std::stod(s) * 1e3;
  } catch (...) {
    return std::nullopt;
  }
}

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

}  // namespace

std::vector<int> parse_cpu_list(const std::string& text) {
  std::vector<int> cpus;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, ',')) {
    part = trim(part);
    if (part.empty()) continue;
    try {
      const auto dash = part.find('-');
      if (dash == std::string::npos) {
        cpus.push_back(std::stoi(part));
      } else {
        const int lo = std::stoi(part.substr(0, dash));
        const int hi = std::stoi(part.substr(dash + 1));
        for (int c = lo; c <= hi; ++c) cpus.push_back(c);
      }
    } catch (...) {
      return {};
    }
  }
  return cpus;
}

cpu_info detect_cpu_info() {
  cpu_info info;
  const fs::path sys_cpu = "/sys/devices/system/cpu";

  // /proc/cpuinfo: the first processor block.
  std::string family, model;
  {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) break;
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      const std::string key = trim(line.substr(0, colon));
      const std::string value = trim(line.substr(colon + 1));
      if (key == "model name") info.model_name = value;
      else if (key == "vendor_id") info.vendor = value;
      else if (key == "cpu family") family = value;
      else if (key == "model") model = value;
      else if (key == "cpu MHz") {
        try { info.nominal_clock_hz = std::stod(value) * 1e6; } catch (...) {}
      } else if (key == "flags") {
        info.hypervisor = (" " + value + " ").find(" hypervisor ") != std::string::npos;
      }
    }
  }
  if (info.vendor == "AuthenticAMD") info.vendor = "AMD";
  else if (info.vendor == "GenuineIntel") info.vendor = "Intel";

  struct utsname uts {};
  if (::uname(&uts) == 0) {
    info.kernel = uts.release;
    info.architecture = uts.machine;
  }
  if (!family.empty()) info.architecture += " family " + family + " model " + model;

  // Topology: online CPUs, cores.
  std::vector<int> online = parse_cpu_list(read_line(sys_cpu / "online"));
  std::map<std::pair<std::string, std::string>, int> core_first_cpu;
  for (int cpu : online) {
    const fs::path topo = sys_cpu / ("cpu" + std::to_string(cpu)) / "topology";
    const auto key = std::make_pair(read_line(topo / "physical_package_id"), read_line(topo / "core_id"));
    if (!core_first_cpu.count(key)) core_first_cpu[key] = cpu;
  }
  info.logical_cpus = static_cast<int>(online.size());
  info.physical_cores = static_cast<int>(core_first_cpu.size());
  if (info.physical_cores == 0) info.physical_cores = info.logical_cpus;
  info.smt = info.logical_cpus > info.physical_cores;
  for (const auto& [key, cpu] : core_first_cpu) info.one_cpu_per_core.push_back(cpu);
  std::sort(info.one_cpu_per_core.begin(), info.one_cpu_per_core.end());
  if (info.one_cpu_per_core.empty()) info.one_cpu_per_core = online;

  // Clocks and governor of cpu 0.
  const fs::path freq = sys_cpu / "cpu0" / "cpufreq";
  info.base_clock_hz = read_khz(freq / "base_frequency");
  info.max_clock_hz = read_khz(freq / "cpuinfo_max_freq");
  info.governor = read_line(freq / "scaling_governor");

  // Caches of cpu 0 (data and unified), with their instance counts over all online CPUs.
  const fs::path cache_dir = sys_cpu / "cpu0" / "cache";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(cache_dir, ec)) {
    if (entry.path().filename().string().rfind("index", 0) != 0) continue;
    const std::string type = read_line(entry.path() / "type");
    if (type != "Data" && type != "Unified") continue;
    cpu_cache cache;
    try {
      cache.level = std::stoi(read_line(entry.path() / "level"));
    } catch (...) {
      continue;
    }
    const auto size = parse_bytes(read_line(entry.path() / "size"));
    if (!size) continue;
    cache.size_bytes = *size;
    cache.shared_cpu_list = parse_cpu_list(read_line(entry.path() / "shared_cpu_list"));
    std::set<std::string> instances;
    const std::string index = entry.path().filename().string();
    for (int cpu : online) {
      instances.insert(read_line(sys_cpu / ("cpu" + std::to_string(cpu)) / "cache" / index / "shared_cpu_list"));
    }
    cache.instances = std::max<int>(1, static_cast<int>(instances.size()));
    info.caches.push_back(cache);
  }
  std::sort(info.caches.begin(), info.caches.end(), [](const auto& a, const auto& b) { return a.level < b.level; });

  // Memory.
  {
    std::ifstream in("/proc/meminfo");
    std::string key;
    double kib = 0.0;
    while (in >> key >> kib) {
      if (key == "MemTotal:") {
        info.memory_bytes = kib * 1024.0;
        break;
      }
      in.ignore(256, '\n');
    }
  }
  const std::string thp = read_line("/sys/kernel/mm/transparent_hugepage/enabled");
  if (const auto b = thp.find('['); b != std::string::npos) {
    const auto e = thp.find(']', b);
    info.transparent_hugepages = thp.substr(b + 1, e - b - 1);
  }
  return info;
}

device_info cpu_device_info(const cpu_info& cpu) {
  device_info dev;
  dev.name = cpu.model_name.empty() ? "unknown CPU" : cpu.model_name;
  dev.kind = device_kind::cpu;
  dev.vendor = cpu.vendor;
  dev.architecture = cpu.architecture;
  dev.compute_units = cpu.physical_cores;
  dev.compute_unit_name = "cores";
  dev.base_clock_hz = cpu.base_clock_hz;
  dev.max_clock_hz = cpu.max_clock_hz;
  dev.memory_bytes = cpu.memory_bytes;
  for (const auto& c : cpu.caches) dev.caches.push_back({"l" + std::to_string(c.level), c.size_bytes, c.instances});
  return dev;
}

}  // namespace rafter::host

#include "microbench/cuda/nvml_library.hpp"

#include <dlfcn.h>

#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/units.hpp"

namespace rafter::cuda {

namespace {

// The few NVML entry points used, declared here so that no NVML header is needed to build.
using nvml_return = int;
using nvml_device = void*;
constexpr nvml_return nvml_success = 0;
constexpr unsigned int nvml_clock_sm = 1;
constexpr unsigned int nvml_clock_mem = 2;
constexpr unsigned int nvml_temperature_gpu = 0;
constexpr unsigned int nvml_feature_enabled = 1;     // nvmlEnableState_t
constexpr unsigned int nvml_nvlink_max_links = 36;  // NVML_NVLINK_MAX_LINKS (nvml.h, 13.x)
constexpr int nvml_p2p_caps_index_nvlink = 2;       // nvmlGpuP2PCapsIndex_t
constexpr int nvml_p2p_status_ok = 0;               // nvmlGpuP2PStatus_t

template <typename F>
F symbol(void* handle, const char* name) {
  return reinterpret_cast<F>(dlsym(handle, name));
}

struct throttle_bit {
  std::uint64_t mask;
  std::string_view name;
};
// nvml.h: nvmlClocksEventReason* (formerly nvmlClocksThrottleReason*).
constexpr throttle_bit throttle_bits[] = {
    {0x0000000000000004ull, "sw_power_cap"},      {0x0000000000000008ull, "hw_slowdown"},
    {0x0000000000000010ull, "sync_boost"},        {0x0000000000000020ull, "sw_thermal_slowdown"},
    {0x0000000000000040ull, "hw_thermal_slowdown"}, {0x0000000000000080ull, "hw_power_brake_slowdown"},
    {0x0000000000000100ull, "display_clock_setting"},
};

}  // namespace

nvml_library::nvml_library() {
  m_handle = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (m_handle == nullptr) {
    const char* why = dlerror();
    m_reason = why ? why : "libnvidia-ml.so.1 cannot be loaded";
    return;
  }
  auto init = symbol<nvml_return (*)()>(m_handle, "nvmlInit_v2");
  if (init == nullptr) {
    m_reason = "libnvidia-ml.so.1 has no nvmlInit_v2";
    return;
  }
  const nvml_return rc = init();
  if (rc != nvml_success) {
    m_reason = "nvmlInit_v2 failed with NVML error " + std::to_string(rc);
    return;
  }
  m_initialized = true;
}

nvml_library::~nvml_library() {
  if (m_handle == nullptr) return;
  if (m_initialized) {
    if (auto shutdown = symbol<nvml_return (*)()>(m_handle, "nvmlShutdown")) shutdown();
  }
  dlclose(m_handle);
}

std::string nvml_library::driver_version() const {
  if (!available()) return {};
  auto get = symbol<nvml_return (*)(char*, unsigned int)>(m_handle, "nvmlSystemGetDriverVersion");
  char buffer[96] = {};
  if (get == nullptr || get(buffer, sizeof buffer) != nvml_success) return {};
  return buffer;
}

std::optional<nvml_reading> nvml_library::read(const std::string& pci_bus_id) const {
  if (!available()) return std::nullopt;
  auto by_bus = symbol<nvml_return (*)(const char*, nvml_device*)>(m_handle, "nvmlDeviceGetHandleByPciBusId_v2");
  nvml_device device = nullptr;
  if (by_bus == nullptr || by_bus(pci_bus_id.c_str(), &device) != nvml_success) return std::nullopt;

  nvml_reading r;
  auto clock = symbol<nvml_return (*)(nvml_device, unsigned int, unsigned int*)>(m_handle, "nvmlDeviceGetClockInfo");
  auto max_clock = symbol<nvml_return (*)(nvml_device, unsigned int, unsigned int*)>(m_handle, "nvmlDeviceGetMaxClockInfo");
  unsigned int mhz = 0;
  if (clock && clock(device, nvml_clock_sm, &mhz) == nvml_success) r.sm_clock_hz = mhz * 1e6;
  if (clock && clock(device, nvml_clock_mem, &mhz) == nvml_success) r.memory_clock_hz = mhz * 1e6;
  if (max_clock && max_clock(device, nvml_clock_sm, &mhz) == nvml_success) r.max_sm_clock_hz = mhz * 1e6;
  auto power = symbol<nvml_return (*)(nvml_device, unsigned int*)>(m_handle, "nvmlDeviceGetPowerUsage");
  unsigned int milliwatts = 0;
  if (power && power(device, &milliwatts) == nvml_success) r.power_w = milliwatts * 1e-3;
  auto temperature = symbol<nvml_return (*)(nvml_device, unsigned int, unsigned int*)>(m_handle, "nvmlDeviceGetTemperature");
  unsigned int celsius = 0;
  if (temperature && temperature(device, nvml_temperature_gpu, &celsius) == nvml_success) r.temperature_c = celsius;
  auto reasons = symbol<nvml_return (*)(nvml_device, unsigned long long*)>(m_handle, "nvmlDeviceGetCurrentClocksEventReasons");
  if (reasons == nullptr) {
    reasons = symbol<nvml_return (*)(nvml_device, unsigned long long*)>(m_handle, "nvmlDeviceGetCurrentClocksThrottleReasons");
  }
  unsigned long long mask = 0;
  if (reasons && reasons(device, &mask) == nvml_success) r.clock_event_reasons = mask;
  using link_fn = nvml_return (*)(nvml_device, unsigned int*);
  const auto link = [&](const char* name, std::optional<int>& field) {
    unsigned int value = 0;
    if (auto fn = symbol<link_fn>(m_handle, name); fn && fn(device, &value) == nvml_success) field = static_cast<int>(value);
  };
  link("nvmlDeviceGetCurrPcieLinkGeneration", r.pcie_generation);
  link("nvmlDeviceGetCurrPcieLinkWidth", r.pcie_width);
  link("nvmlDeviceGetMaxPcieLinkGeneration", r.pcie_max_generation);
  link("nvmlDeviceGetMaxPcieLinkWidth", r.pcie_max_width);
  // Links past the GPU's last answer with an error; a GPU without NVLink answers none.
  if (auto state = symbol<nvml_return (*)(nvml_device, unsigned int, unsigned int*)>(m_handle, "nvmlDeviceGetNvLinkState")) {
    for (unsigned int l = 0; l < nvml_nvlink_max_links; ++l) {
      unsigned int active = 0;
      if (state(device, l, &active) != nvml_success) continue;
      r.nvlinks_active = r.nvlinks_active.value_or(0) + (active == nvml_feature_enabled ? 1 : 0);
    }
  }
  return r;
}

std::optional<bool> nvml_library::nvlink_peers(const std::string& bus_a, const std::string& bus_b) const {
  if (!available()) return std::nullopt;
  auto by_bus = symbol<nvml_return (*)(const char*, nvml_device*)>(m_handle, "nvmlDeviceGetHandleByPciBusId_v2");
  auto status = symbol<nvml_return (*)(nvml_device, nvml_device, int, int*)>(m_handle, "nvmlDeviceGetP2PStatus");
  nvml_device a = nullptr, b = nullptr;
  if (by_bus == nullptr || status == nullptr || by_bus(bus_a.c_str(), &a) != nvml_success ||
      by_bus(bus_b.c_str(), &b) != nvml_success) {
    return std::nullopt;
  }
  int s = -1;
  if (status(a, b, nvml_p2p_caps_index_nvlink, &s) != nvml_success) return std::nullopt;
  return s == nvml_p2p_status_ok;
}

std::string nvml_library::throttle_names(std::uint64_t reasons) {
  std::string names;
  for (const auto& bit : throttle_bits) {
    if ((reasons & bit.mask) != 0) {
      if (!names.empty()) names += ",";
      names += bit.name;
    }
  }
  return names;
}

std::optional<std::string> nvml_library::pcie_link(const nvml_reading& r) {
  if (!r.pcie_generation || !r.pcie_width) return std::nullopt;
  std::string link = fmt::format("Gen{} x{}", *r.pcie_generation, *r.pcie_width);
  if (r.pcie_max_generation && r.pcie_max_width) link += fmt::format(" (max Gen{} x{})", *r.pcie_max_generation, *r.pcie_max_width);
  return link;
}

std::string nvml_library::describe(const nvml_reading& r) {
  std::vector<std::string> parts;
  if (r.sm_clock_hz) {
    parts.push_back("SM clock " + format_hertz(*r.sm_clock_hz) +
                    (r.max_sm_clock_hz ? " (max " + format_hertz(*r.max_sm_clock_hz) + ")" : ""));
  } else if (r.max_sm_clock_hz) {
    parts.push_back("max SM clock " + format_hertz(*r.max_sm_clock_hz));
  }
  if (r.memory_clock_hz) parts.push_back("memory clock " + format_hertz(*r.memory_clock_hz));
  if (r.power_w) parts.push_back(fmt::format("power {:.1f} W", *r.power_w));
  if (r.temperature_c) parts.push_back(fmt::format("temperature {:.0f} °C", *r.temperature_c));
  if (r.clock_event_reasons) {
    const std::string names = throttle_names(*r.clock_event_reasons);
    parts.push_back("throttling: " + (names.empty() ? std::string("none") : names));
  }
  if (const auto link = pcie_link(r)) parts.push_back("PCIe " + *link);
  if (r.nvlinks_active) parts.push_back(fmt::format("NVLink: {} links up", *r.nvlinks_active));
  if (parts.empty()) return "no figures";
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

}  // namespace rafter::cuda

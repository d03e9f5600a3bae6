#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rafter::cuda {

/// One NVML reading of a GPU. Every field is optional: NVML may lack it on this GPU or driver.
struct nvml_reading {
  std::optional<double> sm_clock_hz;
  std::optional<double> memory_clock_hz;
  std::optional<double> max_sm_clock_hz;
  std::optional<double> power_w;
  std::optional<double> temperature_c;
  std::optional<std::uint64_t> clock_event_reasons;  ///< nvmlClocksEventReason* bit mask.
  std::optional<int> pcie_generation;      ///< The PCIe link now (an idle link may train down).
  std::optional<int> pcie_width;           ///< Lanes now.
  std::optional<int> pcie_max_generation;  ///< The most card and slot support.
  std::optional<int> pcie_max_width;
  std::optional<int> nvlinks_active;  ///< NVLink links up; nothing when the GPU has no NVLink (or NVML says nothing).
};

/// NVML reached at run time through dlopen("libnvidia-ml.so.1"); rafter never links it, so a
/// machine without the driver still runs every command. Reads only: it never changes a setting.
/// Not thread-safe.
class nvml_library {
public:
  nvml_library();
  ~nvml_library();
  nvml_library(const nvml_library&) = delete;
  nvml_library& operator=(const nvml_library&) = delete;

  /// True when the library loaded and nvmlInit succeeded.
  [[nodiscard]] bool available() const noexcept { return m_handle != nullptr && m_initialized; }
  /// Why NVML cannot be used ("libnvidia-ml.so.1: cannot open shared object file"); empty when it can.
  [[nodiscard]] const std::string& unavailable_reason() const noexcept { return m_reason; }
  /// The driver version string NVML reports, empty when unknown.
  [[nodiscard]] std::string driver_version() const;
  /// A reading of the GPU with this PCI bus id ("0000:3B:00.0"); empty when NVML cannot find it.
  [[nodiscard]] std::optional<nvml_reading> read(const std::string& pci_bus_id) const;

  /// Whether the GPUs with these PCI bus ids reach each other over NVLink (nvmlDeviceGetP2PStatus,
  /// NVLink capability); nothing when NVML cannot tell.
  [[nodiscard]] std::optional<bool> nvlink_peers(const std::string& bus_a, const std::string& bus_b) const;

  /// Names of the bits set in a clock-event (throttle) reason mask that mean the clock was held
  /// down (power cap, thermal, reliability); "gpu_idle" and "applications_clocks_setting" are not
  /// throttling and are left out. Empty when none.
  [[nodiscard]] static std::string throttle_names(std::uint64_t reasons);

  /// The PCIe link of a reading: "Gen4 x16 (max Gen5 x16)"; nothing when NVML gave none.
  [[nodiscard]] static std::optional<std::string> pcie_link(const nvml_reading& reading);

  /// A reading in one line for `rafter devices`: "SM clock 1.75 GHz (max 1.98 GHz), memory clock
  /// 2.62 GHz, power 312.4 W, temperature 61 °C, throttling: none, PCIe Gen5 x16 (max Gen5 x16),
  /// NVLink: 18 links up"; a figure NVML did not give is left out; "no figures" when none.
  [[nodiscard]] static std::string describe(const nvml_reading& reading);

private:
  void* m_handle = nullptr;
  bool m_initialized = false;
  std::string m_reason;
};

}  // namespace rafter::cuda

#pragma once

#include <optional>
#include <string>
#include <vector>

namespace rafter {

/// Facts about one GPU as the CUDA runtime reports them. Sizes in bytes, clocks in Hz.
struct gpu_device {
  int index = 0;
  std::string name;
  int cc_major = 0;
  int cc_minor = 0;
  int sms = 0;
  std::optional<double> sm_clock_hz;
  std::optional<double> memory_clock_hz;
  int memory_bus_width_bits = 0;
  double memory_bytes = 0.0;
  double l2_bytes = 0.0;
  double shared_memory_per_sm_bytes = 0.0;
  std::string pci_bus_id;
};

/// All visible GPUs, or why there are none. Never throws and never needs a driver to be present:
/// the CUDA runtime is linked statically and finds the driver at run time.
struct gpu_inventory {
  std::vector<gpu_device> devices;
  std::string unavailable_reason;  ///< Non-empty when no GPU can be used ("no CUDA driver found").
  int driver_version = 0;          ///< CUDA driver API version (e.g. 13000), 0 when unknown.
  int runtime_version = 0;         ///< CUDA runtime version this rafter was built with, 0 without CUDA.
};

[[nodiscard]] gpu_inventory query_gpus();

/// "13.0" from 13000.
[[nodiscard]] std::string cuda_version_string(int version);

}  // namespace rafter

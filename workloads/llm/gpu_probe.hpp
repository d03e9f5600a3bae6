#pragma once

#include <cstddef>
#include <string>

namespace rafter::llm {

/// The GPU the workload runs on (device 0), or why there is none. Never throws: a machine without
/// a driver or GPU gives available == false and a one-line reason.
struct gpu_probe {
  bool available = false;
  std::string reason;  ///< Why not available.
  std::string name;
  int sm_count = 0;
  int cc_major = 0;
  int cc_minor = 0;
  std::size_t free_bytes = 0;
  std::size_t total_bytes = 0;
};

/// Requires compute capability 8.0 or newer (BF16 tensor-core GEMMs, BF16 conversions).
[[nodiscard]] gpu_probe probe_gpu();

}  // namespace rafter::llm

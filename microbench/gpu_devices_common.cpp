#include <string>

#include "microbench/gpu_devices.hpp"

namespace rafter {

std::string cuda_version_string(int version) {
  if (version <= 0) return "unknown";
  return std::to_string(version / 1000) + "." + std::to_string((version % 1000) / 10);
}

}  // namespace rafter

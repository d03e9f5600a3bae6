#include "microbench/gpu_devices.hpp"

namespace rafter {

// Built without CUDA: no GPU can be used.
gpu_inventory query_gpus() {
  gpu_inventory inv;
  inv.unavailable_reason = "this rafter was built without CUDA (RAFTER_ENABLE_CUDA=OFF, or no nvcc 13.0 or newer at build time)";
  return inv;
}

}  // namespace rafter

#pragma once

#include <cstdint>
#include <string>

namespace rafter {

/// GPU time under one NVTX range or framework annotation name (all its instances together).
/// Attribution (docs/metrics.md): a GPU-side annotation (range with a device) gets the kernel time
/// that overlaps it on that device; a CPU-side range gets the full time of the kernels launched by
/// ops that started inside it on the same thread. Nested ranges each count their kernels, so the
/// rows do not add up to the total.
struct range_time {
  std::string name;
  std::string domain;
  bool gpu_side = false;      ///< Annotations recorded on a device.
  std::int64_t count = 0;     ///< Instances.
  double wall_s = 0.0;        ///< Union of the instances on each thread (device), summed over threads (devices).
  std::int64_t kernels = 0;   ///< Kernels attributed.
  double kernel_time_s = 0.0;  ///< Their attributed time.
};

}  // namespace rafter

#pragma once

#include <cstdint>

#include "analysis/kernel_class.hpp"

namespace rafter {

/// Kernel time of one class over the whole trace.
struct class_time {
  kernel_class cls = kernel_class::other;
  std::int64_t kernels = 0;
  std::int64_t groups = 0;
  double time_s = 0.0;     ///< Sum of kernel durations.
  double fraction = 0.0;   ///< Of all kernel time.
  double placed_s = 0.0;   ///< Of time_s, placed on the roofline.
  double opportunity_s = 0.0;
};

}  // namespace rafter

#pragma once

#include <cstdint>
#include <string>

namespace rafter {

/// One kernel group or one kind of copy of a recorded workload, projected from machine A (where
/// it was recorded) onto machine B. Times in s. low_s <= time_b_s <= high_s.
struct projected_item {
  std::string kind;        ///< "kernels" or "copies".
  std::int64_t group = -1;  ///< Kernel group id in the analysis on A; -1 for copies.
  std::string name;        ///< Kernel display name, or the copy kind ("h2d", "memset", ...).
  std::string cls;         ///< Kernel class, or "memcpy" for copies.
  std::int64_t count = 0;  ///< Launches or copies.
  double time_a_s = 0.0;   ///< Measured on A.
  double time_b_s = 0.0;   ///< Projected on B.
  double low_s = 0.0;      ///< The range the assumptions allow.
  double high_s = 0.0;
  /// "roofline" (roof time ratio, efficiency carried over), "bandwidth" (main memory ratio),
  /// "compute" (fp32 vector ratio), "link" (link ceiling ratio), "kept" (as measured).
  std::string method;
  std::string detail;  ///< The figures used, in words: "hbm 2.04 TB/s -> 900 GB/s".
  /// True when the ratios put `low_s` (and maybe `time_b_s`) below what B allows, and both were
  /// raised to it: the group's work at B's roof, or `count` launches at the launch floor.
  bool floored = false;
};

}  // namespace rafter

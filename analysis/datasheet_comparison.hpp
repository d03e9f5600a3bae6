#pragma once

#include <string>
#include <vector>

#include "core/machine_profile.hpp"

namespace rafter {

/// One measured ceiling as a percentage of the matching datasheet figure (docs/metrics.md,
/// "Percent of datasheet"). Matching:
///  - compute: same precision and the same kind of unit (tensor, matrix and matrix_library are
///    one kind; vector and scalar another); the datasheet's highest such ceiling;
///  - memory: same level; each measured bandwidth (read, write, copy, triad) against the
///    datasheet's same quantity, else its read bandwidth;
///  - links: h2d_*, d2h_* against `pcie`, bidir_* against `pcie` both ways; p2p_* and nccl_*
///    (bus bandwidth) against `nvlink`, else `pcie`. A datasheet link whose note starts
///    "bidirectional aggregate" is the sum of both directions: one direction is half of it.
struct datasheet_ratio {
  std::string kind;          ///< "compute", "memory" or "link".
  std::string id;            ///< Measured ceiling: "bf16.matrix_library.cublaslt", "hbm.read", "h2d_pinned".
  double measured = 0.0;     ///< FLOP/s or B/s.
  std::string datasheet_id;  ///< "bf16.tensor", "hbm.read", "pcie (one direction)".
  double datasheet = 0.0;    ///< The figure compared with, same unit.
  double percent = 0.0;      ///< 100 * measured / datasheet.
};

[[nodiscard]] std::vector<datasheet_ratio> compare_with_datasheet(const machine_profile& measured,
                                                                  const machine_profile& datasheet);

/// Adds each ratio to the note of its ceiling in `measured` ("62.1% of datasheet bf16.tensor,
/// 989 TFLOP/s (h100_sxm5)"), records the datasheet in device.environment["datasheet"].
void annotate_with_datasheet(machine_profile& measured, const std::vector<datasheet_ratio>& ratios,
                             const std::string& datasheet_name);

/// A plain-text table of the ratios for the terminal ("" when there are none).
[[nodiscard]] std::string format_datasheet_ratios(const std::vector<datasheet_ratio>& ratios,
                                                  const std::string& datasheet_name);

}  // namespace rafter

#pragma once

#include <string>

#include "analysis/comparison.hpp"

namespace rafter {

struct analysis_document;

/// Two `rafter.analysis/1` documents side by side: two runs on one machine, or one workload on two
/// machines. Metric names (docs/compare.md; formulas in docs/metrics.md, "Comparisons"):
///  - time: `kernel_time` (sum of kernel durations), `busy_time`, `idle_time`, `span_time`,
///    `gap_time` (idle gaps between kernels), `copy_time`, summed over devices; `kernels` (count);
///  - `class.<class>.time` and `class.<class>.kernels` for every kernel class with kernels;
///  - `range.<name>.time`: kernel time attributed to each NVTX range or annotation name.
/// Kernel groups are matched in four passes, each over what earlier passes left: normalized name
/// and launch shape; normalized name; normalized name with digit runs masked (template constants,
/// tile sizes); kernel class (library kernels whose names differ across GPUs, e.g. cuBLAS/CUTLASS
/// GEMMs). What remains is listed as only in A or only in B. A rafter.analysis/1 does not record
/// the framework operator of a group, so the class pass cannot split a class by operator. A row
/// with one group per side carries that group's roofline position; a row with several on a side
/// (the class pass, a name with several launch shapes) carries sums and aggregates over the side's
/// placed groups (analysis/group_aggregate.hpp), never one group's figures for the whole row.
/// Throws `input_error` naming `file_b` when no kernel class has time on both sides.
[[nodiscard]] comparison compare_analyses(const analysis_document& a, const analysis_document& b,
                                          const std::string& file_a, const std::string& file_b);

}  // namespace rafter

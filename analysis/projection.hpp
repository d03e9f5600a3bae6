#pragma once

#include <string>
#include <vector>

#include "analysis/projected_item.hpp"
#include "analysis/projected_total.hpp"

namespace rafter {

struct analysis_document;
struct machine_profile;

/// The `rafter.projection/1` document: a workload recorded on machine A projected onto machine B
/// with the roofline (model and assumptions in docs/projection.md, formulas in docs/metrics.md,
/// "Projection"). Schema in docs/schemas.md; the JSON writer is reports/projection_report_json.
struct projection {
  static constexpr const char* schema_kind = "rafter.projection";
  static constexpr int schema_major = 1;

  std::string trace_file;
  std::string from_file;  ///< Profile of A (where the trace was recorded).
  std::string to_file;    ///< Profile of B.
  std::string from_name;
  std::string to_name;
  std::string measured_file;  ///< A trace recorded on B, when given; empty otherwise.
  std::vector<projected_item> items;     ///< Kernel groups (most time on A first), then copies.
  std::vector<projected_total> classes;  ///< Per kernel class, then "copies".
  projected_total kernel_time;  ///< Sum of kernel durations.
  projected_total busy_time;    ///< Union of kernels and copies, summed over devices.
  projected_total span_time;    ///< End to end (first start to last end), summed over devices.
  double idle_s = 0.0;          ///< Idle time on A, kept on B.
  std::vector<std::string> assumptions;  ///< The model's assumptions, in words.
  std::vector<std::string> warnings;     ///< Fallbacks used (a precision B lacks, a missing link).
};

/// Projects `on_a` (the trace analyzed on `from`) onto `to`. Per kernel group:
///  - placed on the roofline (work and traffic known, not launch- or communication-bound):
///    t_B = t_A x R_B / R_A with R = max(FLOP / compute ceiling, max over levels bytes / bandwidth),
///    the efficiency against the binding roof carried over; range: the same with only the compute
///    roof, or only the binding memory roof, scaling the time;
///  - no work known: memory-bound classes scale by the main memory bandwidth ratio, gemm and
///    attention by the fp32 vector ceiling ratio; range spans both ratios;
///  - launch-bound: kept; range up to the main memory ratio;
///  - communication: by the ratio of the fastest common link; range down to kept;
/// copies by link ceilings (h2d/d2h: pcie, p2p: nvlink, d2d and memset: main memory), range down
/// to kept. Idle time and launch gaps are kept as measured: busy time scales by the ratio of
/// projected to measured kernel plus copy time; span = busy + idle.
/// Throws `input_error` naming `to_file` when B has no main memory bandwidth.
[[nodiscard]] projection project_workload(const analysis_document& on_a, const machine_profile& from,
                                          const machine_profile& to, const std::string& from_file,
                                          const std::string& to_file);

/// Fills `measured_b_s` of every total from `measured_on_b` (a trace recorded on B, analyzed on B).
void attach_measurement(projection& p, const analysis_document& measured_on_b, const std::string& file);

}  // namespace rafter

#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/sample_stats.hpp"

namespace rafter {

/// The `rafter.machine/1` document: what a machine can do, measured by `rafter sweep` or copied
/// from a datasheet. Schema in docs/schemas.md. All quantities in SI base units.

enum class device_kind { cpu, gpu, accelerator };
/// Where a figure comes from.
enum class figure_source { measured, datasheet };

[[nodiscard]] const char* to_string(device_kind kind) noexcept;
[[nodiscard]] const char* to_string(figure_source source) noexcept;

/// One cache level as the OS or driver reports it.
struct cache_info {
  std::string level;            ///< "l1", "l2", "l3", ...
  double capacity_bytes = 0.0;  ///< Size of one instance.
  int instances = 1;            ///< How many instances the device has (per core, per die, ...).
};

struct device_info {
  std::string name;
  device_kind kind = device_kind::cpu;
  std::string vendor;
  std::string architecture;
  std::optional<int> compute_units;         ///< Cores (cpu) or SMs/CUs (gpu).
  std::string compute_unit_name;            ///< "cores", "SMs", "CUs", "tiles".
  std::optional<double> base_clock_hz;
  std::optional<double> max_clock_hz;
  std::optional<double> measured_clock_hz;  ///< Clock observed while measuring.
  std::optional<double> memory_bytes;
  std::string memory_type;                  ///< "DDR5", "HBM3", ...
  std::vector<cache_info> caches;
  std::string driver_version;
  std::string toolkit_version;
  std::string obtained;                     ///< How the numbers were obtained, in one sentence.
  std::string source_url;                   ///< For datasheets: where the device facts come from.
  std::map<std::string, std::string> environment;  ///< Governor, SMT, ISA, kernel, ...
};

/// A compute ceiling: one precision on one kind of unit.
struct compute_ceiling {
  std::string id;         ///< Unique in the profile: "fp64.vector.fma".
  std::string precision;  ///< fp64, fp32, tf32, fp16, bf16, fp8, fp6, fp4, int64, int32, int16, int8, int4.
  std::string unit;       ///< scalar, vector, tensor, matrix, matrix_library.
  double flop_per_s = 0.0;  ///< Operations per second (integer ops count like FLOP).
  figure_source source = figure_source::measured;
  std::string method;     ///< How it was measured or derived, in one sentence.
  std::optional<sample_stats> samples;  ///< Spread of the measurement, FLOP/s.
  std::optional<double> clock_hz;       ///< The clock the figure assumes or was measured at.
  std::string source_url;
  std::string note;

  /// On tensor or matrix units: `unit` is tensor, matrix or matrix_library (a GEMM library's
  /// ceiling, such as cuBLASLt's, runs there too). The one test of "a tensor ceiling" that
  /// analyze, project and the datasheet comparison share.
  [[nodiscard]] bool on_matrix_units() const noexcept;
  /// On the CUDA cores or a CPU's SIMD/scalar units: `unit` is vector or scalar.
  [[nodiscard]] bool on_vector_units() const noexcept;
};

/// One level of the memory hierarchy.
struct memory_level {
  std::string level;  ///< l1, smem, l2, l3, llc, dram, hbm, ...
  std::optional<double> read_bytes_per_s;
  std::optional<double> write_bytes_per_s;
  std::optional<double> copy_bytes_per_s;
  std::optional<double> triad_bytes_per_s;
  std::optional<double> latency_s;
  std::optional<double> latency_cycles;
  std::optional<double> capacity_bytes;  ///< Whole device (all instances together).
  /// The core or SM clock (Hz) during the bandwidth measurement: the read's where several
  /// quantities were measured (GPU: the kernels' clock probe; shared memory's bandwidth is bytes per
  /// clock per SM, L2's and HBM's are not, but a low clock there flags throttling).
  std::optional<double> clock_hz;
  figure_source source = figure_source::measured;
  std::string method;
  /// Spread per quantity: keys "read", "write", "copy", "triad" (B/s), "latency" (s).
  std::map<std::string, sample_stats> samples;
  std::string source_url;
  std::string note;

  /// The bandwidth a roofline uses for this level: read, else copy, else triad, else write.
  [[nodiscard]] std::optional<double> roofline_bytes_per_s() const noexcept;
};

/// A link ceiling (host-device, device-device, collective).
struct link_ceiling {
  std::string id;  ///< h2d_pinned, d2h_pinned, p2p, nvlink, pcie, allreduce, ...
  double bytes_per_s = 0.0;
  std::optional<double> latency_s;
  figure_source source = figure_source::measured;
  std::string method;
  std::optional<sample_stats> samples;
  std::string source_url;
  std::string note;

  /// A datasheet link whose `note` starts with this phrase quotes both directions together (as
  /// NVIDIA and AMD quote PCIe and NVLink); one that starts "per direction" quotes one way. Only the
  /// start counts: "unlike the bidirectional aggregates of other profiles" later in a note does not.
  static constexpr const char* k_bidirectional_aggregate = "bidirectional aggregate";

  /// One direction, B/s: half of `bytes_per_s` when `note` starts with `k_bidirectional_aggregate`,
  /// else `bytes_per_s` (measured links are one-way).
  [[nodiscard]] double one_direction_bytes_per_s() const noexcept;
};

struct curve_point {
  double x = 0.0;  ///< Working set or footprint, bytes.
  sample_stats y;  ///< In the curve's y unit.
};

/// A flat stretch of a curve, named after the memory level it was matched to.
struct plateau {
  std::string level;   ///< "l1", "l2", ..., or "" when no level matched.
  double x_min = 0.0;  ///< First working set of the stretch, bytes.
  double x_max = 0.0;  ///< Last working set of the stretch, bytes.
  double value = 0.0;  ///< Representative y (median of the stretch's points).
  int points = 0;
};

/// A raw sweep behind the ceilings.
struct curve {
  std::string id;      ///< "bandwidth.read", "latency.chase", ...
  std::string kind;    ///< "bandwidth" (y in B/s) or "latency" (y in s).
  std::string access;  ///< read, write, copy, triad, chase.
  std::string y_unit;  ///< "B/s" or "s".
  std::vector<curve_point> points;
  std::vector<plateau> plateaus;
};

struct generator_info {
  std::string tool = "rafter";
  std::string version;
  std::string command;
  std::string created_utc;  ///< ISO 8601.
};

struct machine_profile {
  static constexpr const char* schema_kind = "rafter.machine";
  static constexpr int schema_major = 1;

  generator_info generator;
  device_info device;
  std::vector<compute_ceiling> compute;
  std::vector<memory_level> memory;
  std::vector<link_ceiling> links;
  std::vector<curve> curves;
  std::vector<std::string> warnings;  ///< Unsettled measurements, cross-check mismatches, ...

  [[nodiscard]] const memory_level* find_memory(const std::string& level) const noexcept;
  [[nodiscard]] const compute_ceiling* find_compute(const std::string& id) const noexcept;
  /// The link a copy of `kind` runs over, by preference: h2d: `h2d_pinned`, `h2d`, `pcie`; d2h:
  /// `d2h_pinned`, `d2h`, `pcie`; p2p: `p2p`, the fastest measured pair `p2p_<i>_<j>`, `nvlink`,
  /// `infinity_fabric`. Nothing for other kinds or when the profile has none of them.
  [[nodiscard]] const link_ceiling* link_for_copy(std::string_view kind) const noexcept;
};

[[nodiscard]] json to_json(const machine_profile& profile);

/// Validates and reads a profile. `file` names the source in errors. Throws `input_error` naming
/// the field on the first problem: missing field, wrong type, unknown schema major, negative
/// bandwidth, unknown enumerator, duplicate id.
[[nodiscard]] machine_profile machine_profile_from_json(const json& document, const std::string& file);

[[nodiscard]] machine_profile load_machine_profile(const std::filesystem::path& path);
void save_machine_profile(const std::filesystem::path& path, const machine_profile& profile);

/// "rafter.machine/1" -> ("rafter.machine", 1). Throws `input_error` on anything else.
struct schema_tag {
  std::string kind;
  int major = 0;
};
[[nodiscard]] schema_tag parse_schema_tag(const std::string& text, const std::string& file);

}  // namespace rafter

#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/boxed.hpp"
#include "core/interned_op_inputs.hpp"
#include "core/interned_string.hpp"
#include "core/json.hpp"

namespace rafter {

/// The `rafter.trace/1` document: what a workload did on the GPU, kernel by kernel, whoever
/// recorded it (rafter's CUPTI collector, PyTorch profiler, Nsight Systems, Nsight Compute).
/// Schema in docs/schemas.md. Times are integer nanoseconds on one clock per trace; everything
/// else in SI base units (bytes, FLOP). Records link by ids, never by position.

/// Who recorded the trace and what the recording did and did not contain.
struct trace_source {
  std::string tool;     ///< "rafter", "kineto", "nsys", "ncu".
  std::string version;  ///< The recording tool's version or schema version, when known.
  std::string file;     ///< The file imported (as given on the command line).
  std::vector<std::string> recorded;      ///< "kernels", "copies", "ranges", "ops", "metrics", ...
  std::vector<std::string> not_recorded;  ///< What this format or recording lacks, in words.
  std::vector<std::string> warnings;      ///< Recoverable oddities, counted ("3 events with end < start skipped").
  std::map<std::string, std::int64_t> counters;  ///< "skipped_events", "dropped_records", ...
};

struct trace_device {
  int id = 0;  ///< The recording's device index; kernels refer to it.
  std::string name;
  std::optional<int> cc_major;
  std::optional<int> cc_minor;
  std::optional<int> sm_count;
  std::optional<double> sm_clock_hz;
  std::optional<double> memory_clock_hz;
  std::optional<double> memory_bytes;
  std::optional<double> memory_bus_bits;
  std::optional<double> l2_bytes;
  std::optional<double> shared_memory_per_sm_bytes;
};

struct dim3_value {
  std::uint32_t x = 1, y = 1, z = 1;
  [[nodiscard]] bool operator==(const dim3_value&) const = default;
};

/// Measured counters of one kernel launch (Nsight Compute, CUPTI Range Profiler, Kineto counters).
/// FLOP keys are "<precision>.<pipe>" ("fp32.cuda_core", "fp16.tensor", "bf16.tensor");
/// byte keys are memory levels ("dram", "l2", "l1"). Raw counter values, by name, as recorded.
struct kernel_metrics {
  std::map<std::string, double> flop;         ///< FLOP, weighted per configs/ncu_metrics.json.
  std::map<std::string, double> bytes;        ///< Bytes moved per memory level.
  std::map<std::string, double> raw;          ///< Counter name -> value, SI units.
  std::optional<double> sm_clock_hz;          ///< Average SM clock while the kernel ran.
  std::optional<double> duration_s;           ///< The counter tool's own kernel duration.
  /// FLOP the counters hold but `flop` leaves out, because no weight applies (the weight depends
  /// on a GPU architecture the recording does not name, or none is verified): the `flop` key
  /// ("fp16.tensor") or, where no key is known, the counter's name. Only counters with a non-zero
  /// value; empty when `flop` counts all the work the counters recorded.
  std::vector<std::string> uncounted_flop;
};

/// Work and traffic derived from operator shapes (not measured).
struct kernel_estimate {
  std::string formula;  ///< Name of the formula in docs/metrics.md: "gemm", "sdpa_causal", ...
  std::string precision;  ///< "bf16", "fp32", ...
  double flop = 0.0;
  double bytes = 0.0;     ///< Minimum DRAM traffic: inputs read once, outputs written once.
  std::int64_t op_id = -1;  ///< The op the estimate came from.
  /// Fraction of the op's FLOP and bytes attributed to this kernel (1 when the op launched one
  /// kernel; otherwise the kernel's share of the op's summed kernel time). `flop` and `bytes`
  /// above are already multiplied by it.
  double share = 1.0;
  /// Fraction of the op's FLOP when it differs from `share`: a kernel that does none of the op's
  /// products (a split-K reduction) gets 0 and the others share the FLOP by their time.
  std::optional<double> flop_share;
};

/// One collective a communication kernel ran, as the framework recorded it (PyTorch's NCCL
/// metadata on Kineto kernel events: "Collective name", "In/Out msg nelems", "dtype", "Group size").
struct kernel_collective {
  std::string name;        ///< As recorded: "allreduce", "allgather", "reduce_scatter", "broadcast", ...
  double in_bytes = 0.0;   ///< This rank's input buffer.
  double out_bytes = 0.0;  ///< This rank's output buffer.
  int ranks = 0;           ///< Ranks in the group.
};

/// The host API call that launched a kernel (cudaLaunchKernel, cuLaunchKernel, ...), as the
/// recording tool matched it by correlation id.
struct kernel_launch {
  std::int64_t thread = -1;  ///< CPU thread of the call, numbered as `trace_range::thread` is.
  std::int64_t start_ns = 0;  ///< When the call began, on the trace's clock.
};

struct trace_kernel {
  std::int64_t id = 0;  ///< Unique in the trace.
  /// As recorded (possibly mangled). Interned: every launch of a kernel shares one copy.
  interned_string name;
  interned_string demangled;  ///< "" when the name is not mangled.
  int device = 0;
  std::int64_t stream = -1;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  /// False when start/end are placeholders, not measured times (Kineto's `cuda_profiler_range`
  /// lays counter ranges out evenly); durations of such kernels mean nothing.
  bool measured_times = true;
  std::optional<dim3_value> grid;
  std::optional<dim3_value> block;
  std::optional<int> registers_per_thread;
  std::optional<std::int64_t> static_shared_bytes;
  std::optional<std::int64_t> dynamic_shared_bytes;
  /// Static + dynamic shared memory per block, when only the sum was recorded (Kineto).
  std::optional<std::int64_t> shared_bytes;
  std::optional<std::int64_t> correlation_id;
  std::optional<std::int64_t> graph_id;
  std::optional<std::int64_t> graph_node_id;
  std::optional<std::int64_t> op_id;  ///< The framework op that launched it (`trace_op::id`).
  /// The launching call, when the recording holds it (24 bytes inline: nearly every kernel of a
  /// Kineto or Nsight Systems trace has one, so a heap box would cost more).
  std::optional<kernel_launch> launch;
  /// Optional, on the heap (`boxed`, an optional-like pointer): most kernels have neither, and
  /// inline they would be most of the record's size.
  boxed<kernel_metrics> metrics;
  boxed<kernel_estimate> estimate;
  boxed<kernel_collective> collective;
};

struct trace_copy {
  std::int64_t id = 0;
  std::string kind;  ///< "h2d", "d2h", "d2d", "p2p", "h2h", "memset", "other".
  int device = 0;
  std::int64_t stream = -1;
  double bytes = 0.0;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::optional<std::int64_t> correlation_id;
  std::string memory;  ///< "pinned", "pageable", "device", ... when known.
};

/// An NVTX range or framework annotation.
struct trace_range {
  std::int64_t id = 0;
  std::string name;
  std::string domain;
  std::int64_t thread = -1;
  std::optional<int> device;  ///< Set for GPU-side annotations (`gpu_user_annotation`).
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  int depth = 0;  ///< Nesting depth on its thread, 0 = outermost.
};

/// A framework operator (aten::mm, ...), with its input shapes when recorded.
struct trace_op {
  std::int64_t id = 0;  ///< Kineto's `External id` when present.
  interned_string name;
  std::int64_t thread = -1;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  /// Input shapes, types and scalar arguments (`input_dims`, `input_types`, `concrete_inputs`
  /// in JSON), shared by every op with the same inputs; empty when not recorded.
  interned_op_inputs inputs;
  std::optional<std::int64_t> parent_id;
};

struct trace {
  static constexpr const char* schema_kind = "rafter.trace";
  static constexpr int schema_major = 1;
  /// Every timestamp lies within +-2^62 ns (+-146 years of the trace's clock zero), so the
  /// difference of any two fits in an int64: spans and gaps never overflow.
  static constexpr std::int64_t max_abs_timestamp_ns = std::int64_t{1} << 62;
  /// Whether `ns` lies within +-max_abs_timestamp_ns.
  [[nodiscard]] static constexpr bool holds_timestamp(std::int64_t ns) noexcept {
    return ns >= -max_abs_timestamp_ns && ns <= max_abs_timestamp_ns;
  }

  trace_source source;
  std::vector<trace_device> devices;
  std::vector<trace_kernel> kernels;
  std::vector<trace_copy> copies;
  std::vector<trace_range> ranges;
  std::vector<trace_op> ops;
};

[[nodiscard]] json to_json(const trace& t);
/// Validates and reads; throws `input_error` naming file and field.
[[nodiscard]] trace trace_from_json(const json& document, const std::string& file);
/// Reads `.json` or `.json.gz`.
[[nodiscard]] trace load_trace(const std::filesystem::path& path);
/// Writes atomically; gzip when the name ends in `.gz`.
void save_trace(const std::filesystem::path& path, const trace& t);

/// The names of the devices `t`'s kernels ran on (devices with a record and a name), sorted.
[[nodiscard]] std::set<std::string> kernel_device_names(const trace& t);

}  // namespace rafter

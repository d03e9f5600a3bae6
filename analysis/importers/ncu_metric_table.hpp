#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/trace.hpp"

namespace rafter {

/// A GPU architecture as Nsight Compute names it ("CC" column, `device__attribute_compute_capability_*`).
struct compute_capability {
  int major = 0;
  int minor = 0;
  [[nodiscard]] auto operator<=>(const compute_capability&) const = default;
};

/// The data table configs/ncu_metrics.json: which Nsight Compute counters make up FLOP per
/// "<precision>.<pipe>" and bytes per memory level (with weights and their sources), plus the CSV
/// unit vocabulary, display-label names, launch fields and device attributes. Usable for any
/// counter source that uses Nsight Compute metric names (ncu CSV, Kineto `cuda_profiler_range`).
class ncu_metric_table {
public:
  struct term {
    std::string counter;
    double weight = 1.0;
  };
  /// One way to compute a key: the weighted sum of all its terms, used only when all are present.
  struct alternative {
    std::vector<term> terms;
  };
  struct entry {
    std::string key;  ///< "fp32.cuda_core", "fp16.tensor", "dram", "l2", "l1".
    std::optional<compute_capability> min_cc;  ///< Entry applies only within [min_cc, max_cc].
    std::optional<compute_capability> max_cc;
    std::vector<alternative> alternatives;  ///< First complete one wins.
  };
  /// Counters that count FLOP-like work without a verified weight (named `prefix...suffix`).
  struct unweighted {
    std::string prefix;
    std::string suffix;
    std::string note;
  };
  struct device_attribute {
    std::string counter;  ///< `device__attribute_*` column.
    std::string field;    ///< `trace_device` member name: "name", "sm_count", "sm_clock_hz", ...
    std::optional<double> scale;  ///< Applied when the CSV gives no unit (kHz attributes: 1000).
  };

  /// Reads and validates the table; throws `input_error` naming `file` and the field.
  [[nodiscard]] static ncu_metric_table load(const std::filesystem::path& file);
  /// configs/ncu_metrics.json in `find_config_dir()`; throws `input_error` when there is none.
  [[nodiscard]] static ncu_metric_table load_default();

  /// Fills `metrics.flop` and `metrics.bytes` from `metrics.raw` (counter name -> SI value).
  /// Entries limited to some architectures apply only when `cc` is known and in range. Returns
  /// what could not be placed, one short sentence each ("fp16.tensor FLOP: ..."); never guesses.
  /// FLOP that non-zero counters hold but `flop` leaves out (no weight for this or an unknown
  /// architecture, an incomplete set of counters, a counter listed as unweighted) is named in
  /// `metrics.uncounted_flop`, so a reader knows `flop` is short of the kernel's work.
  std::vector<std::string> apply(kernel_metrics& metrics, const std::optional<compute_capability>& cc) const;

  /// Factor that converts a value in Nsight Compute `unit` ("Kbyte", "nsecond", "cycle/nsecond",
  /// "Ghz", "%", "") to SI (seconds, Hz, bytes, counts); nothing when the unit is not understood.
  [[nodiscard]] std::optional<double> unit_scale(const std::string& unit) const;

  [[nodiscard]] const std::vector<entry>& flop() const noexcept { return m_flop; }
  [[nodiscard]] const std::vector<entry>& bytes() const noexcept { return m_bytes; }
  /// Kernel duration counter (seconds after unit conversion).
  [[nodiscard]] const std::string& duration_counter() const noexcept { return m_duration_counter; }
  /// Duration = cycles / cycles_per_second when `duration_counter` is absent (NERSC "Time").
  [[nodiscard]] const std::string& cycles_counter() const noexcept { return m_cycles_counter; }
  [[nodiscard]] const std::string& cycles_per_second_counter() const noexcept { return m_cycles_per_second_counter; }
  /// Average SM clock counters (Hz), in order of preference.
  [[nodiscard]] const std::vector<std::string>& sm_clock_counters() const noexcept { return m_sm_clock_counters; }
  /// Details-page display label -> metric name.
  [[nodiscard]] const std::map<std::string, std::string>& labels() const noexcept { return m_labels; }
  /// `trace_kernel` field ("registers_per_thread", ...) -> metric name.
  [[nodiscard]] const std::map<std::string, std::string>& kernel_fields() const noexcept { return m_kernel_fields; }
  [[nodiscard]] const std::vector<device_attribute>& device_attributes() const noexcept { return m_device_attributes; }

private:
  std::vector<entry> m_flop;
  std::vector<entry> m_bytes;
  std::vector<unweighted> m_unweighted;
  std::string m_duration_counter;
  std::string m_cycles_counter;
  std::string m_cycles_per_second_counter;
  std::vector<std::string> m_sm_clock_counters;
  std::map<std::string, std::string> m_labels;
  std::map<std::string, std::string> m_kernel_fields;
  std::vector<device_attribute> m_device_attributes;
  std::map<std::string, double> m_unit_prefixes;
  std::vector<std::string> m_unit_words;
};

/// How `ncu_metric_table::apply` ends a note on a weight it could not apply for want of an
/// architecture ("fp16.tensor FLOP: the weight of ... <this>").
inline constexpr const char* k_architecture_not_named = "depends on the GPU architecture, which the file does not name";

/// "7.0" -> {7, 0}; nothing when `text` is not "<int>.<int>".
[[nodiscard]] std::optional<compute_capability> parse_compute_capability(const std::string& text);

/// A GPU architecture as a user types it: "sm_70" or "sm_90a" (the last digit is the minor
/// version; a trailing feature letter is ignored) or "7.0"; nothing otherwise.
[[nodiscard]] std::optional<compute_capability> parse_gpu_architecture(const std::string& text);

/// Every distinct compute capability a free-text architecture names as "sm_<digits>", in order:
/// "Volta (sm_70)" -> {7.0}; "Blackwell (sm_110 from CUDA 13; sm_101 in CUDA 12.9 and older)"
/// -> {11.0, 10.1}; "CDNA 3 (gfx942)" -> {}.
[[nodiscard]] std::vector<compute_capability> compute_capabilities_named_in(const std::string& text);

}  // namespace rafter

#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/trace.hpp"
#include "profiler/metric_spec.hpp"

namespace rafter::profiler {

/// The counters `--metrics roofline` collects per kernel and how they become a kernel's FLOP by
/// precision and pipe, bytes per memory level, clock and duration. Data, not code: read from
/// configs/collector_metrics.json ("schema": "rafter.collector_metrics/1").
class metric_set {
public:
  /// Throws `input_error` naming the file and field.
  [[nodiscard]] static metric_set load(const std::filesystem::path& path);
  [[nodiscard]] static metric_set from_json(const json& document, const std::string& file);

  [[nodiscard]] const std::vector<metric_spec>& metrics() const noexcept { return m_metrics; }
  /// The metric names to request on `chip` (cuptiDeviceGetChipName: "GH100"), in file order.
  [[nodiscard]] std::vector<std::string> names_for_chip(std::string_view chip) const;
  /// A kernel's counters from the values measured for it on `chip` (metric name -> value in the
  /// counter's own unit). A `flop` or `bytes` key is written only when every metric of that key
  /// requested on `chip` has a value: never a partial sum. `raw` holds every value in SI units.
  [[nodiscard]] kernel_metrics to_kernel_metrics(const std::map<std::string, double>& values,
                                                 std::string_view chip) const;

  /// ECMAScript patterns (searched in mangled and demangled names) of kernels that must never be
  /// replayed: kernels that wait on other GPUs or processes (NCCL, NVSHMEM, custom all-reduce)
  /// hang when replayed alone. From the file's optional "never_replayed" list.
  [[nodiscard]] const std::vector<std::string>& never_replayed() const noexcept { return m_never_replayed; }

private:
  std::vector<metric_spec> m_metrics;
  std::vector<std::string> m_never_replayed;
};

}  // namespace rafter::profiler

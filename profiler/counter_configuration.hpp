#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "profiler/metric_set.hpp"

struct CUpti_Profiler_Host_Object;

namespace rafter::profiler {

/// The host half of the CUPTI Range Profiler for one chip (cupti_profiler_host.h): a host object,
/// the metrics of the set the chip accepts, their config image and the replay passes they need.
/// CUPTI's host API needs no GPU or driver, so the shipped metric set is checked against every
/// chip this CUPTI knows on any machine (counter_configuration_test).
///
/// A metric is kept when the chip accepts it on its own (cuptiProfilerHostConfigAddMetrics on a
/// scratch host object): a name the chip rejects (its base metric, rollup or submetric) is
/// dropped and reported, never the reason the whole set fails. Every CUPTI failure throws
/// `rafter::error` (RAFTER_CUPTI_CALL).
class counter_configuration {
public:
  /// `counter_availability`: the device's image (cuptiProfilerGetCounterAvailability), or empty
  /// offline (every counter of the chip taken as available). Throws when the chip accepts none of
  /// the set's metrics for it (`metric_set::names_for_chip`).
  counter_configuration(const metric_set& metrics, std::string chip, std::vector<std::uint8_t> counter_availability = {});
  ~counter_configuration();
  counter_configuration(const counter_configuration&) = delete;
  counter_configuration& operator=(const counter_configuration&) = delete;

  [[nodiscard]] const std::string& chip() const noexcept { return m_chip; }
  /// The accepted metric names, in the set's order.
  [[nodiscard]] const std::vector<std::string>& metric_names() const noexcept { return m_metric_names; }
  /// The set's metrics for this chip that the chip rejected.
  [[nodiscard]] const std::vector<std::string>& dropped() const noexcept { return m_dropped; }
  [[nodiscard]] const std::vector<std::uint8_t>& config_image() const noexcept { return m_config_image; }
  /// Replay passes the config image needs per kernel (cuptiProfilerHostGetNumOfPasses).
  [[nodiscard]] std::size_t passes() const noexcept { return m_passes; }
  /// The host object that evaluates counter data of this configuration.
  [[nodiscard]] CUpti_Profiler_Host_Object* host() const noexcept { return m_host; }

  /// The chips this CUPTI's host API supports ("GH100", ...; cuptiProfilerHostGetSupportedChips).
  [[nodiscard]] static std::vector<std::string> supported_chips();

private:
  std::string m_chip;
  /// Read by the host objects (cuptiProfilerHostInitialize keeps the pointer): never resized,
  /// freed only after `m_host` is deinitialized (the destructor's body runs first).
  std::vector<std::uint8_t> m_counter_availability;
  CUpti_Profiler_Host_Object* m_host = nullptr;
  std::vector<std::string> m_metric_names;
  std::vector<std::string> m_dropped;
  std::vector<std::uint8_t> m_config_image;
  std::size_t m_passes = 0;
};

}  // namespace rafter::profiler

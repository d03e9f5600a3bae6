#include "profiler/counter_configuration.hpp"

#include <cupti_profiler_host.h>

#include <memory>

#include "core/error.hpp"
#include "profiler/cupti_call.hpp"

namespace rafter::profiler {
namespace {

void deinitialize(CUpti_Profiler_Host_Object* host) noexcept {
  if (host == nullptr) return;
  CUpti_Profiler_Host_Deinitialize_Params params{CUpti_Profiler_Host_Deinitialize_Params_STRUCT_SIZE, nullptr, host};
  (void)cuptiProfilerHostDeinitialize(&params);
}

using host_object = std::unique_ptr<CUpti_Profiler_Host_Object, decltype(&deinitialize)>;

host_object initialize(const std::string& chip, const std::vector<std::uint8_t>& counter_availability) {
  CUpti_Profiler_Host_Initialize_Params params{};
  params.structSize = CUpti_Profiler_Host_Initialize_Params_STRUCT_SIZE;
  params.profilerType = CUPTI_PROFILER_TYPE_RANGE_PROFILER;
  params.pChipName = chip.c_str();
  params.pCounterAvailabilityImage = counter_availability.empty() ? nullptr : counter_availability.data();
  RAFTER_CUPTI_CALL(cuptiProfilerHostInitialize(&params));
  return host_object(params.pHostObject, &deinitialize);
}

CUptiResult add_metrics(CUpti_Profiler_Host_Object* host, std::vector<const char*> names) {
  CUpti_Profiler_Host_ConfigAddMetrics_Params params{};
  params.structSize = CUpti_Profiler_Host_ConfigAddMetrics_Params_STRUCT_SIZE;
  params.pHostObject = host;
  params.ppMetricNames = names.data();
  params.numMetrics = names.size();
  return cuptiProfilerHostConfigAddMetrics(&params);
}

}  // namespace

counter_configuration::counter_configuration(const metric_set& metrics, std::string chip,
                                             std::vector<std::uint8_t> counter_availability)
    : m_chip(std::move(chip)), m_counter_availability(std::move(counter_availability)) {
  // Each name on a scratch host object of its own: a rejected name may leave a host object unusable.
  for (const std::string& name : metrics.names_for_chip(m_chip)) {
    const host_object scratch = initialize(m_chip, m_counter_availability);
    (add_metrics(scratch.get(), {name.c_str()}) == CUPTI_SUCCESS ? m_metric_names : m_dropped).push_back(name);
  }
  if (m_metric_names.empty()) throw unsupported_error("chip " + m_chip + " accepts none of the metrics in the metric set");

  host_object host = initialize(m_chip, m_counter_availability);
  std::vector<const char*> names;
  for (const auto& n : m_metric_names) names.push_back(n.c_str());
  RAFTER_CUPTI_CALL(add_metrics(host.get(), names));

  CUpti_Profiler_Host_GetConfigImageSize_Params size{};
  size.structSize = CUpti_Profiler_Host_GetConfigImageSize_Params_STRUCT_SIZE;
  size.pHostObject = host.get();
  RAFTER_CUPTI_CALL(cuptiProfilerHostGetConfigImageSize(&size));
  m_config_image.resize(size.configImageSize);
  CUpti_Profiler_Host_GetConfigImage_Params image{};
  image.structSize = CUpti_Profiler_Host_GetConfigImage_Params_STRUCT_SIZE;
  image.pHostObject = host.get();
  image.configImageSize = m_config_image.size();
  image.pConfigImage = m_config_image.data();
  RAFTER_CUPTI_CALL(cuptiProfilerHostGetConfigImage(&image));

  CUpti_Profiler_Host_GetNumOfPasses_Params passes{};
  passes.structSize = CUpti_Profiler_Host_GetNumOfPasses_Params_STRUCT_SIZE;
  passes.configImageSize = m_config_image.size();
  passes.pConfigImage = m_config_image.data();
  RAFTER_CUPTI_CALL(cuptiProfilerHostGetNumOfPasses(&passes));
  m_passes = passes.numOfPasses;
  m_host = host.release();
}

counter_configuration::~counter_configuration() { deinitialize(m_host); }

std::vector<std::string> counter_configuration::supported_chips() {
  CUpti_Profiler_Host_GetSupportedChips_Params params{};
  params.structSize = CUpti_Profiler_Host_GetSupportedChips_Params_STRUCT_SIZE;
  RAFTER_CUPTI_CALL(cuptiProfilerHostGetSupportedChips(&params));
  std::vector<std::string> chips;
  for (std::size_t i = 0; i < params.numChips; ++i) {
    if (params.ppChipNames[i] != nullptr) chips.emplace_back(params.ppChipNames[i]);
  }
  return chips;
}

}  // namespace rafter::profiler

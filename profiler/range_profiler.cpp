#include "profiler/range_profiler.hpp"

#include <cupti_activity.h>
#include <cupti_profiler_host.h>
#include <cupti_profiler_target.h>
#include <cupti_range_profiler.h>
#include <cupti_target.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "profiler/cupti_call.hpp"

namespace rafter::profiler {

range_profiler::range_profiler(metric_set metrics) : m_metrics(std::move(metrics)) {}

range_profiler::~range_profiler() {
  release_all();
  if (m_profiler_initialized) {
    CUpti_Profiler_DeInitialize_Params params{CUpti_Profiler_DeInitialize_Params_STRUCT_SIZE, nullptr};
    (void)cuptiProfilerDeInitialize(&params);
  }
}

void range_profiler::disable(context_state& state) noexcept {
  if (state.object == nullptr) return;
  // Disable destroys the object; a failure leaves nothing to retry with it. The next Enable on the
  // context then fails and reports why.
  CUpti_RangeProfiler_Disable_Params params{CUpti_RangeProfiler_Disable_Params_STRUCT_SIZE, nullptr, state.object};
  (void)cuptiRangeProfilerDisable(&params);
  state.object = nullptr;
}

void range_profiler::release(context_state& state) noexcept {
  disable(state);
  state.config.reset();
}

bool range_profiler::one_range_recorded(std::size_t ranges_dropped, std::size_t ranges_in_image) noexcept {
  return ranges_dropped == 0 && ranges_in_image == 1;
}

std::string range_profiler::chip(CUcontext ctx) const {
  const auto it = m_contexts.find(ctx);
  return it == m_contexts.end() || !it->second->config ? std::string() : it->second->config->chip();
}

void range_profiler::release_context(CUcontext ctx) noexcept {
  const auto it = m_contexts.find(ctx);
  if (it == m_contexts.end()) return;
  release(*it->second);
  m_contexts.erase(it);
}

void range_profiler::forget_context(CUcontext ctx) noexcept {
  const auto it = m_contexts.find(ctx);
  if (it == m_contexts.end()) return;
  it->second->object = nullptr;  // not disabled: its context is gone
  m_contexts.erase(it);  // the host-side configuration needs no context
}

void range_profiler::release_all() noexcept {
  for (auto& [ctx, state] : m_contexts) release(*state);
  m_contexts.clear();
}

std::map<std::string, double> range_profiler::finite_values(const std::vector<std::string>& names,
                                                            const std::vector<double>& values) {
  std::map<std::string, double> out;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (std::isfinite(values[i])) out[names[i]] = values[i];
  }
  return out;
}

std::string range_profiler::unsupported_features(const CUpti_Profiler_DeviceSupported_Params& support) {
  std::string out;
  auto add = [&](const char* feature, CUpti_Profiler_Support_Level level) {
    if (level == CUPTI_PROFILER_CONFIGURATION_SUPPORTED) return;
    const char* why = level == CUPTI_PROFILER_CONFIGURATION_DISABLED      ? "disabled by the system"
                      : level == CUPTI_PROFILER_CONFIGURATION_UNSUPPORTED ? "unsupported"
                                                                          : "support unknown";
    out += (out.empty() ? "" : "; ") + std::string(feature) + ": " + why;
  };
  add("architecture (compute capability 7.0+)", support.architecture);
  add("SLI", support.sli);
  add("vGPU", support.vGpu);
  add("confidential computing", support.confidentialCompute);
  add("CMP (crypto mining processor)", support.cmp);
  add("WSL", support.wsl);
  return out;
}

void range_profiler::initialize() {
  if (m_profiler_initialized) return;
  CUpti_Profiler_Initialize_Params params{CUpti_Profiler_Initialize_Params_STRUCT_SIZE, nullptr};
  RAFTER_CUPTI_CALL(cuptiProfilerInitialize(&params));
  m_profiler_initialized = true;
}

range_profiler::context_state& range_profiler::prepare(CUcontext ctx) {
  if (const auto it = m_contexts.find(ctx); it != m_contexts.end()) return *it->second;
  initialize();
  auto owned = std::make_unique<context_state>();
  context_state& state = *owned;
  try {
    std::uint32_t device = 0;
    RAFTER_CUPTI_CALL(cuptiGetDeviceId(ctx, &device));
    CUpti_Profiler_DeviceSupported_Params support{};
    support.structSize = CUpti_Profiler_DeviceSupported_Params_STRUCT_SIZE;
    support.cuDevice = static_cast<CUdevice>(device);
    support.api = CUPTI_PROFILER_RANGE_PROFILING;
    RAFTER_CUPTI_CALL(cuptiProfilerDeviceSupported(&support));
    if (support.isSupported != CUPTI_PROFILER_CONFIGURATION_SUPPORTED) {
      const std::string why = unsupported_features(support);
      throw unsupported_error("the Range Profiler does not support device " + std::to_string(device) + " here (" +
                              (why.empty() ? std::string("no reason given") : why) + ")");
    }
    CUpti_Device_GetChipName_Params chip{};
    chip.structSize = CUpti_Device_GetChipName_Params_STRUCT_SIZE;
    chip.deviceIndex = device;
    RAFTER_CUPTI_CALL(cuptiDeviceGetChipName(&chip));
    if (chip.pChipName == nullptr) throw unsupported_error("cuptiDeviceGetChipName returned no chip name");

    CUpti_Profiler_GetCounterAvailability_Params availability{};
    availability.structSize = CUpti_Profiler_GetCounterAvailability_Params_STRUCT_SIZE;
    availability.ctx = ctx;
    RAFTER_CUPTI_CALL(cuptiProfilerGetCounterAvailability(&availability));
    std::vector<std::uint8_t> image(availability.counterAvailabilityImageSize, std::uint8_t{0});
    availability.pCounterAvailabilityImage = image.data();
    RAFTER_CUPTI_CALL(cuptiProfilerGetCounterAvailability(&availability));

    state.config = std::make_unique<counter_configuration>(m_metrics, chip.pChipName, std::move(image));
    for (const std::string& name : state.config->dropped()) {
      if (std::find(m_dropped.begin(), m_dropped.end(), name) == m_dropped.end()) m_dropped.push_back(name);
    }
    m_passes = state.config->passes();
  } catch (...) {
    release(state);
    throw;
  }
  return *m_contexts.emplace(ctx, std::move(owned)).first->second;
}

void range_profiler::enable_and_start(CUcontext ctx, context_state& state) {
  disable(state);  // an earlier launch whose end_kernel never ran
  try {
    CUpti_RangeProfiler_Enable_Params enable{};
    enable.structSize = CUpti_RangeProfiler_Enable_Params_STRUCT_SIZE;
    enable.ctx = ctx;
    RAFTER_CUPTI_CALL(cuptiRangeProfilerEnable(&enable));
    state.object = enable.pRangeProfilerObject;

    std::vector<const char*> names;
    for (const auto& n : state.config->metric_names()) names.push_back(n.c_str());
    CUpti_RangeProfiler_GetCounterDataSize_Params data_size{};
    data_size.structSize = CUpti_RangeProfiler_GetCounterDataSize_Params_STRUCT_SIZE;
    data_size.pRangeProfilerObject = state.object;
    data_size.pMetricNames = names.data();
    data_size.numMetrics = names.size();
    data_size.maxNumOfRanges = 1;
    data_size.maxNumRangeTreeNodes = 1;
    RAFTER_CUPTI_CALL(cuptiRangeProfilerGetCounterDataSize(&data_size));
    state.counter_data.assign(data_size.counterDataSize, std::uint8_t{0});

    CUpti_RangeProfiler_CounterDataImage_Initialize_Params init{};
    init.structSize = CUpti_RangeProfiler_CounterDataImage_Initialize_Params_STRUCT_SIZE;
    init.pRangeProfilerObject = state.object;
    init.counterDataSize = state.counter_data.size();
    init.pCounterData = state.counter_data.data();
    RAFTER_CUPTI_CALL(cuptiRangeProfilerCounterDataImageInitialize(&init));

    // Once per Enable: this object is disabled at the end of this launch and never set again.
    CUpti_RangeProfiler_SetConfig_Params config{};
    config.structSize = CUpti_RangeProfiler_SetConfig_Params_STRUCT_SIZE;
    config.pRangeProfilerObject = state.object;
    config.configSize = state.config->config_image().size();
    config.pConfig = state.config->config_image().data();
    config.counterDataImageSize = state.counter_data.size();
    config.pCounterDataImage = state.counter_data.data();
    config.range = CUPTI_AutoRange;
    config.replayMode = CUPTI_KernelReplay;
    config.maxRangesPerPass = 1;
    config.numNestingLevels = 1;
    config.minNestingLevel = 1;
    config.passIndex = 0;
    config.targetNestingLevel = 1;
    RAFTER_CUPTI_CALL(cuptiRangeProfilerSetConfig(&config));

    CUpti_RangeProfiler_Start_Params start{};
    start.structSize = CUpti_RangeProfiler_Start_Params_STRUCT_SIZE;
    start.pRangeProfilerObject = state.object;
    RAFTER_CUPTI_CALL(cuptiRangeProfilerStart(&start));
  } catch (...) {
    disable(state);
    throw;
  }
}

std::optional<std::map<std::string, double>> range_profiler::stop_and_evaluate(context_state& state) {
  CUpti_RangeProfiler_Stop_Params stop{};
  stop.structSize = CUpti_RangeProfiler_Stop_Params_STRUCT_SIZE;
  stop.pRangeProfilerObject = state.object;
  RAFTER_CUPTI_CALL(cuptiRangeProfilerStop(&stop));
  // Kernel replay submits every pass inside the launch; a launch that failed or never reached the
  // GPU leaves passes unsubmitted: that launch has no counters, later launches are unaffected.
  if (stop.isAllPassSubmitted == 0) return std::nullopt;
  CUpti_RangeProfiler_DecodeData_Params decode{};
  decode.structSize = CUpti_RangeProfiler_DecodeData_Params_STRUCT_SIZE;
  decode.pRangeProfilerObject = state.object;
  RAFTER_CUPTI_CALL(cuptiRangeProfilerDecodeData(&decode));

  CUpti_RangeProfiler_GetCounterDataInfo_Params info{};
  info.structSize = CUpti_RangeProfiler_GetCounterDataInfo_Params_STRUCT_SIZE;
  info.pCounterDataImage = state.counter_data.data();
  info.counterDataImageSize = state.counter_data.size();
  RAFTER_CUPTI_CALL(cuptiRangeProfilerGetCounterDataInfo(&info));
  if (!one_range_recorded(decode.numOfRangeDropped, info.numTotalRanges)) return std::nullopt;

  const std::vector<std::string>& metric_names = state.config->metric_names();
  std::vector<const char*> names;
  for (const auto& n : metric_names) names.push_back(n.c_str());
  std::vector<double> result(names.size(), 0.0);
  CUpti_Profiler_Host_EvaluateToGpuValues_Params evaluate{};
  evaluate.structSize = CUpti_Profiler_Host_EvaluateToGpuValues_Params_STRUCT_SIZE;
  evaluate.pHostObject = state.config->host();
  evaluate.pCounterDataImage = state.counter_data.data();
  evaluate.counterDataImageSize = state.counter_data.size();
  evaluate.rangeIndex = 0;
  evaluate.ppMetricNames = names.data();
  evaluate.numMetrics = names.size();
  evaluate.pMetricValues = result.data();
  RAFTER_CUPTI_CALL(cuptiProfilerHostEvaluateToGpuValues(&evaluate));
  return finite_values(metric_names, result);
}

void range_profiler::begin_kernel(CUcontext ctx) { enable_and_start(ctx, prepare(ctx)); }

std::optional<std::map<std::string, double>> range_profiler::end_kernel(CUcontext ctx) {
  const auto it = m_contexts.find(ctx);
  if (it == m_contexts.end() || it->second->object == nullptr) {
    throw unsupported_error("range profiler: kernel ended in a context it never started");
  }
  context_state& state = *it->second;
  std::optional<std::map<std::string, double>> values;
  try {
    values = stop_and_evaluate(state);
  } catch (...) {
    disable(state);
    throw;
  }
  disable(state);  // after the values are safe: a failure here cannot lose them
  return values;
}

}  // namespace rafter::profiler

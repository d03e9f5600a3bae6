#include "profiler/launch_stream.hpp"

#include <cupti.h>

namespace rafter::profiler {

namespace {

// A _ptsz call's null stream is the calling thread's default stream, not the legacy one.
CUstream per_thread(CUstream stream) noexcept { return stream != nullptr ? stream : CU_STREAM_PER_THREAD; }

}  // namespace

CUstream launch_stream(CUpti_CallbackId id, const void* params) noexcept {
  switch (id) {
    case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel: return static_cast<const cuLaunchKernel_params*>(params)->hStream;
    case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel_ptsz:
      return per_thread(static_cast<const cuLaunchKernel_ptsz_params*>(params)->hStream);
    case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx: {
      const CUlaunchConfig* config = static_cast<const cuLaunchKernelEx_params*>(params)->config;
      return config != nullptr ? config->hStream : nullptr;
    }
    case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx_ptsz: {
      const CUlaunchConfig* config = static_cast<const cuLaunchKernelEx_ptsz_params*>(params)->config;
      return per_thread(config != nullptr ? config->hStream : nullptr);
    }
    case CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel:
      return static_cast<const cuLaunchCooperativeKernel_params*>(params)->hStream;
    case CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel_ptsz:
      return per_thread(static_cast<const cuLaunchCooperativeKernel_ptsz_params*>(params)->hStream);
    default: return nullptr;
  }
}

}  // namespace rafter::profiler

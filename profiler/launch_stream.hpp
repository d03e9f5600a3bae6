#pragma once

#include <cuda.h>
#include <cupti_callbacks.h>

namespace rafter::profiler {

/// The stream a driver launch call (cuLaunchKernel, cuLaunchKernelEx, cuLaunchCooperativeKernel
/// and their _ptsz forms) launches into, from the call's parameters as a CUPTI driver callback
/// sees them (`CUpti_CallbackData::functionParams`, generated_cuda_meta.h). A _ptsz call's null
/// stream is CU_STREAM_PER_THREAD (that thread's default stream), a plain call's the legacy one
/// (null). Null for any other callback id.
[[nodiscard]] CUstream launch_stream(CUpti_CallbackId id, const void* params) noexcept;

}  // namespace rafter::profiler

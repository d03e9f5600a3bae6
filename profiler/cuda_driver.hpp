#pragma once

#include <string>

#include <cuda.h>

namespace rafter::profiler {

/// Whether a working CUDA driver (libcuda.so.1 that answers cuDriverGetVersion, so not the
/// toolkit's stub) is in this process or can be loaded into it; when not, `why` (if given) receives
/// the reason. A driver found by loading stays loaded: CUPTI, the next caller, loads it anyway.
/// Nothing calls CUPTI before this says yes: CUPTI needs the driver, and CUPTI 13.2 (the libcupti
/// of PyTorch's cu13 wheels) called without one retries loading it until the program's stack
/// overflows, from cuptiGetVersion and from its NVTX handler.
[[nodiscard]] bool cuda_driver_loadable(std::string* why = nullptr) noexcept;

/// The loaded driver's cuStreamIsCapturing, or null when no driver is loaded or it lacks one.
/// Loads nothing (RTLD_NOLOAD): the caller runs inside a CUDA program whose driver is loaded.
using stream_is_capturing_fn = CUresult (*)(CUstream, CUstreamCaptureStatus*);
[[nodiscard]] stream_is_capturing_fn loaded_stream_is_capturing() noexcept;

}  // namespace rafter::profiler

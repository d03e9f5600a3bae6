#pragma once

#include <string>

namespace rafter::profiler {

/// Whether the CUDA driver (libcuda.so.1) is in this process or can be loaded into it; when it
/// cannot, `why` (if given) receives the loader's reason. A driver found by loading stays loaded:
/// CUPTI, the next caller, loads it anyway. Nothing calls CUPTI before this says yes: CUPTI needs
/// the driver, and CUPTI 13.2 (the libcupti of PyTorch's cu13 wheels) called without one retries
/// loading it until the program's stack overflows, from cuptiGetVersion and from its NVTX handler.
[[nodiscard]] bool cuda_driver_loadable(std::string* why = nullptr) noexcept;

}  // namespace rafter::profiler

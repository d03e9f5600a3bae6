#pragma once
// Helpers of the GPU-runtime tests (ctest label `gpu`): they skip, with the reason, where no GPU
// can be used, and are compiled to a single skipping test in builds without CUDA.

#include <gtest/gtest.h>

#include "microbench/gpu_devices.hpp"

/// Skips the current test unless a GPU can be used.
#define RAFTER_SKIP_WITHOUT_GPU()                                                     \
  do {                                                                                \
    const ::rafter::gpu_inventory rafter_gpus_ = ::rafter::query_gpus();              \
    if (!rafter_gpus_.unavailable_reason.empty()) {                                   \
      GTEST_SKIP() << "no GPU can be used: " << rafter_gpus_.unavailable_reason;      \
    }                                                                                 \
  } while (false)

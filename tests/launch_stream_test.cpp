// The stream of a driver launch as the launch callback reads it from hand-built parameter structs.
#include <gtest/gtest.h>

#ifndef RAFTER_HAVE_CUPTI
TEST(launch_stream, needs_cupti) { GTEST_SKIP() << "built without CUDA/CUPTI: the collector is not built"; }
#else

#include <cstdint>

#include <cupti.h>

#include "profiler/launch_stream.hpp"

namespace {

using rafter::profiler::launch_stream;

// Any non-null handle: never handed to CUDA.
CUstream some_stream() { return reinterpret_cast<CUstream>(std::uintptr_t{0x5000}); }

TEST(launch_stream, reads_the_stream_of_every_launch_call) {
  cuLaunchKernel_params plain{};
  plain.hStream = some_stream();
  EXPECT_EQ(launch_stream(CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, &plain), some_stream());
  cuLaunchKernel_ptsz_params ptsz{};
  ptsz.hStream = some_stream();
  EXPECT_EQ(launch_stream(CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel_ptsz, &ptsz), some_stream());
  CUlaunchConfig config{};
  config.hStream = some_stream();
  cuLaunchKernelEx_params ex{};
  ex.config = &config;
  EXPECT_EQ(launch_stream(CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx, &ex), some_stream());
  cuLaunchCooperativeKernel_params cooperative{};
  cooperative.hStream = some_stream();
  EXPECT_EQ(launch_stream(CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel, &cooperative), some_stream());
}

TEST(launch_stream, a_per_thread_calls_null_stream_is_the_per_thread_stream) {
  cuLaunchKernel_params plain{};
  EXPECT_EQ(launch_stream(CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, &plain), nullptr);  // the legacy stream
  cuLaunchKernel_ptsz_params ptsz{};
  EXPECT_EQ(launch_stream(CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel_ptsz, &ptsz), CU_STREAM_PER_THREAD);
  cuLaunchKernelEx_ptsz_params ex{};
  EXPECT_EQ(launch_stream(CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx_ptsz, &ex), CU_STREAM_PER_THREAD);  // no config
  cuLaunchCooperativeKernel_ptsz_params cooperative{};
  EXPECT_EQ(launch_stream(CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel_ptsz, &cooperative), CU_STREAM_PER_THREAD);
}

TEST(launch_stream, other_calls_have_none) {
  cuLaunchKernel_params plain{};
  plain.hStream = some_stream();
  EXPECT_EQ(launch_stream(CUPTI_DRIVER_TRACE_CBID_cuMemcpy, &plain), nullptr);
}

}  // namespace

#endif

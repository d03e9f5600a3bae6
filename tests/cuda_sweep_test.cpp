#include "gpu_test_support.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "microbench/cuda/cuda_sweep.hpp"
#include "microbench/cuda/kernel_catalog.hpp"
#if RAFTER_HAVE_CUDA
#include "microbench/cuda/gpu_session.hpp"
#endif

namespace rafter::cuda {
namespace {

TEST(cuda_sweep, without_a_usable_gpu_it_is_unsupported) {
  if (query_gpus().unavailable_reason.empty()) GTEST_SKIP() << "a GPU is present";
  progress quiet(progress::style::quiet);
  check_failures failed;
  try {
    (void)run_cuda_sweep(sweep_options{}, quiet, failed);
    FAIL() << "no exception";
  } catch (const error& e) {
    EXPECT_EQ(e.code(), exit_code::unsupported) << e.what();
  }
}

TEST(cuda_sweep, a_device_index_out_of_range_is_a_usage_error) {
  RAFTER_SKIP_WITHOUT_GPU();
  progress quiet(progress::style::quiet);
  sweep_options o;
  o.device = 1000;
  check_failures failed;
  EXPECT_THROW((void)run_cuda_sweep(o, quiet, failed), usage_error);
}

TEST(cuda_sweep, the_compute_suite_measures_every_ceiling_the_gpu_has) {
  RAFTER_SKIP_WITHOUT_GPU();
  progress quiet(progress::style::quiet);
  sweep_options o;
  o.memory = o.latency = false;
  check_failures failed;
  const machine_profile p = run_cuda_sweep(o, quiet, failed);
  // Every kernel computed the right result: nothing was dropped.
  for (const auto& f : failed.failures()) ADD_FAILURE() << check_failures::warning(f);
  if (failed.stopped()) ADD_FAILURE() << check_failures::warning(*failed.stopped());
  EXPECT_EQ(p.device.kind, device_kind::gpu);
  ASSERT_NE(p.find_compute("fp32.vector.fma"), nullptr);
  ASSERT_NE(p.find_compute("bf16.tensor.mma_sync"), nullptr);
#if RAFTER_HAVE_CUDA
  // Every tensor-core instruction the GPU has natively was measured, not skipped: the mma.sync
  // ops (NVFP4 on the sm_120 family) and the asynchronous ones of its generation.
  const int cc = gpu_session(0).facts().cc;
  for (const auto& i : mma_ops()) {
    if (mma_exists(i.op, cc) && !mma_is_emulated(i.op, cc)) {
      EXPECT_NE(p.find_compute(i.id), nullptr) << i.id;
    }
  }
  if (cc == 90) {
    EXPECT_NE(p.find_compute("bf16.tensor.wgmma"), nullptr);
  }
  for (const auto& i : tcgen05_ops()) {
    if (tcgen05_exists(i.op, cc)) {
      EXPECT_NE(p.find_compute(i.id), nullptr) << i.id;
    }
  }
#endif
  for (const auto& c : p.compute) {
    SCOPED_TRACE(c.id);
    EXPECT_GT(c.flop_per_s, 0.0);
    ASSERT_TRUE(c.samples.has_value());
    EXPECT_LE(c.samples->min, c.samples->max);
    // cuBLASLt kernels carry no clock probe: their clock comes from NVML, where it is loaded.
    if (c.unit != "matrix_library") {
      EXPECT_TRUE(c.clock_hz.has_value());
    }
  }
  EXPECT_TRUE(p.device.measured_clock_hz.has_value());
  EXPECT_TRUE(p.memory.empty());
}

TEST(cuda_sweep, the_interconnect_suite_measures_every_host_link) {
  RAFTER_SKIP_WITHOUT_GPU();
  progress quiet(progress::style::quiet);
  sweep_options o;
  o.memory = o.latency = o.compute = false;
  o.interconnect = true;
  check_failures failed;
  const machine_profile p = run_cuda_sweep(o, quiet, failed);
  for (const auto& f : failed.failures()) ADD_FAILURE() << check_failures::warning(f);
  if (failed.stopped()) ADD_FAILURE() << check_failures::warning(*failed.stopped());
  for (const char* id : {"h2d_pinned", "d2h_pinned", "h2d_pageable", "d2h_pageable", "bidir_pinned", "h2d_sm_kernel",
                         "d2h_sm_kernel"}) {
    SCOPED_TRACE(id);
    const auto it = std::find_if(p.links.begin(), p.links.end(), [&](const link_ceiling& l) { return l.id == id; });
    ASSERT_NE(it, p.links.end());
    EXPECT_GT(it->bytes_per_s, 0.0);
    ASSERT_TRUE(it->samples.has_value());
  }
  for (const auto& l : p.links) {
    if (l.id == "h2d_pinned" || l.id == "d2h_pinned" || l.id.rfind("p2p_", 0) == 0) {
      if (l.id.find("_read") == std::string::npos) {
        EXPECT_TRUE(l.latency_s.has_value()) << l.id;
      }
    }
  }
  EXPECT_TRUE(p.compute.empty());
}

}  // namespace
}  // namespace rafter::cuda

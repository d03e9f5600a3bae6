#include "microbench/cuda/nvml_library.hpp"

#include <dlfcn.h>

#include <gtest/gtest.h>

namespace rafter::cuda {
namespace {

TEST(nvml_library, loading_never_throws_and_explains_a_missing_library) {
  const nvml_library nvml;
  if (nvml.available()) {
    EXPECT_TRUE(nvml.unavailable_reason().empty());
    EXPECT_FALSE(nvml.driver_version().empty());
    EXPECT_FALSE(nvml.read("not-a-bus-id").has_value());
  } else {
    EXPECT_FALSE(nvml.unavailable_reason().empty());
    EXPECT_TRUE(nvml.driver_version().empty());
    EXPECT_FALSE(nvml.read("0000:00:00.0").has_value());
  }
}

TEST(nvml_library, availability_matches_whether_the_driver_library_loads) {
  void* handle = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  const bool loadable = handle != nullptr;
  if (handle) dlclose(handle);
  const nvml_library nvml;
  if (!loadable) {
    EXPECT_FALSE(nvml.available());
    EXPECT_NE(nvml.unavailable_reason().find("libnvidia-ml.so.1"), std::string::npos) << nvml.unavailable_reason();
  }
}

TEST(nvml_library, throttle_names_list_only_real_slowdowns) {
  EXPECT_EQ(nvml_library::throttle_names(0), "");
  EXPECT_EQ(nvml_library::throttle_names(0x1), "");  // gpu_idle is not throttling
  EXPECT_EQ(nvml_library::throttle_names(0x4 | 0x40), "sw_power_cap,hw_thermal_slowdown");
}

}  // namespace
}  // namespace rafter::cuda

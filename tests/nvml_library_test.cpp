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

TEST(nvml_library, describe_lists_the_figures_nvml_gave) {
  nvml_reading r;
  EXPECT_EQ(nvml_library::describe(r), "no figures");
  r.sm_clock_hz = 1.75e9;
  r.max_sm_clock_hz = 1.98e9;
  r.memory_clock_hz = 2.6e9;
  r.power_w = 312.44;
  r.temperature_c = 61;
  r.clock_event_reasons = 0x1;  // gpu_idle only: not throttling
  const std::string all = nvml_library::describe(r);
  EXPECT_NE(all.find("SM clock 1.75 GHz (max 1.98 GHz)"), std::string::npos) << all;
  EXPECT_NE(all.find("(max 1.98 GHz)"), std::string::npos) << all;
  EXPECT_NE(all.find("memory clock 2.60 GHz"), std::string::npos) << all;
  EXPECT_NE(all.find("power 312.4 W"), std::string::npos) << all;
  EXPECT_NE(all.find("temperature 61 °C"), std::string::npos) << all;
  EXPECT_NE(all.find("throttling: none"), std::string::npos) << all;
  EXPECT_EQ(all.find("PCIe"), std::string::npos) << all;  // not given: not shown
  EXPECT_EQ(all.find("NVLink"), std::string::npos) << all;
  r.pcie_generation = 4;  // an idle Gen5 link trained down
  r.pcie_width = 16;
  r.pcie_max_generation = 5;
  r.pcie_max_width = 16;
  r.nvlinks_active = 18;
  const std::string links = nvml_library::describe(r);
  EXPECT_NE(links.find("PCIe Gen4 x16 (max Gen5 x16)"), std::string::npos) << links;
  EXPECT_NE(links.find("NVLink: 18 links up"), std::string::npos) << links;
  r.clock_event_reasons = 0x4;
  r.sm_clock_hz.reset();
  r.power_w.reset();
  const std::string some = nvml_library::describe(r);
  EXPECT_NE(some.find("throttling: sw_power_cap"), std::string::npos) << some;
  EXPECT_NE(some.find("max SM clock 1.98 GHz"), std::string::npos) << some;
  EXPECT_EQ(some.find("power "), std::string::npos) << some;  // "sw_power_cap" is a throttle reason
}

}  // namespace
}  // namespace rafter::cuda

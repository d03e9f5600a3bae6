#include "analysis/profile_fit.hpp"

#include <gtest/gtest.h>

namespace rafter {
namespace {

machine_matcher matcher() { return machine_matcher::load(RAFTER_SOURCE_DIR "/configs/device_datasheets.json"); }

trace recorded_on(const std::string& name) {
  trace t;
  trace_device d;
  d.id = 0;
  d.name = name;
  t.devices.push_back(d);
  trace_kernel k;
  k.device = 0;
  t.kernels.push_back(k);
  return t;
}

machine_profile named(const std::string& name) {
  machine_profile p;
  p.device.name = name;
  return p;
}

TEST(profile_fit, the_matched_datasheet_or_the_same_device_name_fits) {
  const trace t = recorded_on("NVIDIA H100 80GB HBM3");
  EXPECT_FALSE(profile_mismatch(t, named("NVIDIA H100 SXM5"), "configs/hardware/h100_sxm5.json", matcher(), "--from"));
  // A measured profile of the same device (any file name).
  EXPECT_FALSE(profile_mismatch(t, named("NVIDIA H100 80GB HBM3"), "/tmp/sweep.json", matcher(), "--from"));
}

TEST(profile_fit, another_device_is_named_with_the_datasheet_that_fits) {
  const auto w = profile_mismatch(recorded_on("NVIDIA H100 80GB HBM3"), named("AMD Instinct MI300X"),
                                  "configs/hardware/mi300x.json", matcher(), "--from");
  ASSERT_TRUE(w);
  EXPECT_NE(w->find("recorded on \"NVIDIA H100 80GB HBM3\", but --from is \"AMD Instinct MI300X\""), std::string::npos) << *w;
  EXPECT_NE(w->find("the datasheet for the trace's device is h100_sxm5"), std::string::npos) << *w;
  // A device no datasheet matches: no datasheet to name.
  const auto unknown = profile_mismatch(recorded_on("Some Accelerator"), named("AMD Instinct MI300X"), "mi300x.json",
                                        matcher(), "--machine");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->find("datasheet for"), std::string::npos) << *unknown;
}

TEST(profile_fit, a_trace_naming_no_device_cannot_be_checked) {
  trace t = recorded_on("");
  EXPECT_FALSE(profile_mismatch(t, named("AMD Instinct MI300X"), "mi300x.json", matcher(), "--from"));
  t.devices.clear();
  EXPECT_FALSE(profile_mismatch(t, named("AMD Instinct MI300X"), "mi300x.json", matcher(), "--from"));
  // A device no kernel ran on does not count.
  t = recorded_on("NVIDIA H100 80GB HBM3");
  t.kernels[0].device = 3;
  EXPECT_FALSE(profile_mismatch(t, named("AMD Instinct MI300X"), "mi300x.json", matcher(), "--from"));
}

}  // namespace
}  // namespace rafter

#include "analysis/machine_matcher.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rafter {
namespace {

machine_matcher default_table() { return machine_matcher::load(RAFTER_SOURCE_DIR "/configs/device_datasheets.json"); }

TEST(machine_matcher, device_names_from_real_traces) {
  const machine_matcher m = default_table();
  auto ds = [&](const char* name) { return m.find(name) ? m.find(name)->datasheet : std::string("(none)"); };
  EXPECT_EQ(ds("NVIDIA H100 80GB HBM3"), "h100_sxm5");  // Kineto deviceProperties name of an SXM5 H100.
  EXPECT_EQ(ds("NVIDIA H100 PCIe"), "h100_pcie");
  EXPECT_EQ(ds("NVIDIA H100 SXM5 80GB"), "h100_sxm5");
  EXPECT_EQ(ds("NVIDIA H100 SXM5"), "h100_sxm5");
  // H100s with other memory: not the 80 GB, 3.35 TB/s datasheet.
  EXPECT_EQ(ds("NVIDIA H100 SXM5 64GB"), "(none)");
  EXPECT_EQ(ds("NVIDIA H100 SXM5 94GB"), "(none)");
  EXPECT_EQ(ds("NVIDIA H100 96GB HBM3"), "(none)");
  EXPECT_EQ(ds("NVIDIA H200"), "h200_sxm");
  EXPECT_EQ(ds("NVIDIA B200"), "b200");
  EXPECT_EQ(ds("NVIDIA A100-SXM4-80GB"), "a100_sxm4_80gb");
  EXPECT_EQ(ds("NVIDIA A100-SXM4-40GB"), "a100_sxm4_40gb");
  EXPECT_EQ(ds("NVIDIA A100-PG509-200"), "a100_sxm4_40gb");  // the 40 GB SXM4 module (HTA's A100 traces)
  EXPECT_EQ(ds("Tesla V100-SXM2-16GB"), "v100_sxm2_16gb");  // same figures as the 32 GB module, half the memory
  EXPECT_EQ(ds("Tesla V100-SXM2-32GB"), "v100_sxm2");
  EXPECT_EQ(ds("AMD Instinct MI300X"), "mi300x");
  EXPECT_EQ(ds("NVIDIA A100-PCIE-40GB"), "a100_pcie_40gb");  // the Nsight Systems NeRF fixture's TARGET_INFO_GPU name
  EXPECT_EQ(ds("NVIDIA A100 80GB PCIe"), "a100_pcie_80gb");    // nvidia-smi's name of the 80 GB card
  // Models whose memory or clocks differ from every datasheet stay unmatched (need --machine).
  EXPECT_EQ(ds("Tesla V100-PCIE-32GB"), "v100_pcie_32gb");  // clinfo's name of the card
  EXPECT_EQ(ds("Tesla V100-PCIE-16GB"), "v100_pcie_16gb");
  EXPECT_EQ(ds("Tesla V100S-PCIE-32GB"), "(none)");  // V100S: faster memory and clocks than any datasheet here
  // Names as PyTorch and nvidia-smi print them in public logs.
  EXPECT_EQ(ds("NVIDIA B300 SXM6 AC"), "b300");
  EXPECT_EQ(ds("NVIDIA GB300"), "(none)");
  EXPECT_EQ(ds("NVIDIA GB200"), "gb200");
  EXPECT_EQ(ds("NVIDIA H200 NVL"), "(none)");  // 600 W part: lower tensor peaks than the SXM datasheet
  EXPECT_EQ(ds("NVIDIA H200 141GB HBM3e"), "h200_sxm");
  EXPECT_EQ(ds("NVIDIA H100 NVL"), "h100_nvl");
  EXPECT_EQ(ds("NVIDIA GH200 480GB"), "gh200_96gb");  // 96 GB HBM3; the name carries the Grace LPDDR5X size
  EXPECT_EQ(ds("NVIDIA GH200 144G HBM3e"), "gh200_144gb");
  EXPECT_EQ(ds("NVIDIA GH200"), "(none)");  // memory option unknown: 4.0 or 4.9 TB/s
  EXPECT_EQ(ds("NVIDIA L40S"), "l40s");
  EXPECT_EQ(ds("NVIDIA L40"), "(none)");
  EXPECT_EQ(ds("NVIDIA L4"), "l4");
  EXPECT_EQ(ds("NVIDIA A10"), "a10");
  EXPECT_EQ(ds("NVIDIA A10G"), "(none)");    // AWS part: other clocks and tensor rates
  EXPECT_EQ(ds("NVIDIA A10-24Q"), "(none)");  // vGPU profile
  EXPECT_EQ(ds("NVIDIA RTX PRO 6000 Blackwell Server Edition"), "rtx_pro_6000_blackwell_server");
  EXPECT_EQ(ds("NVIDIA RTX PRO 6000 Blackwell Workstation Edition"), "rtx_pro_6000_blackwell_workstation");
  EXPECT_EQ(ds("NVIDIA RTX PRO 6000 Blackwell Max-Q Workstation Edition"), "(none)");
  EXPECT_EQ(ds("NVIDIA GB10"), "gb10");
  EXPECT_EQ(ds("NVIDIA Thor"), "jetson_agx_thor");
  EXPECT_EQ(ds("NVIDIA GeForce RTX 4090"), "(none)");
}

TEST(machine_matcher, every_rule_names_an_existing_datasheet) {
  const machine_matcher table = default_table();
  for (const auto& r : table.rules()) {
    EXPECT_TRUE(std::filesystem::exists(std::string(RAFTER_SOURCE_DIR "/configs/hardware/") + r.datasheet + ".json")) << r.datasheet;
  }
}

TEST(machine_matcher, rejects_a_bad_regex) {
  EXPECT_THROW((void)machine_matcher::from_json(
                   json::parse(R"({"schema": "rafter.device_datasheets/1", "rules": [{"pattern": "[", "datasheet": "x"}]})"), "m.json"),
               input_error);
}

}  // namespace
}  // namespace rafter

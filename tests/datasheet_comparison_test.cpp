#include "analysis/datasheet_comparison.hpp"

#include <gtest/gtest.h>

namespace rafter {
namespace {

compute_ceiling ceiling(const std::string& id, const std::string& precision, const std::string& unit, double flops) {
  compute_ceiling c;
  c.id = id;
  c.precision = precision;
  c.unit = unit;
  c.flop_per_s = flops;
  return c;
}

link_ceiling link(const std::string& id, double bytes_per_s, const std::string& note = "") {
  link_ceiling l;
  l.id = id;
  l.bytes_per_s = bytes_per_s;
  l.note = note;
  return l;
}

machine_profile datasheet() {
  machine_profile d;
  d.compute = {ceiling("bf16.tensor", "bf16", "tensor", 1000e12), ceiling("fp32.vector", "fp32", "vector", 60e12),
               ceiling("bf16.tensor.sparse", "bf16", "tensor", 2000e12)};
  memory_level hbm;
  hbm.level = "hbm";
  hbm.read_bytes_per_s = 3e12;
  d.memory = {hbm};
  d.links = {link("pcie", 128e9, "bidirectional aggregate; per direction is half"),
             link("nvlink", 900e9, "bidirectional aggregate; per direction is half")};
  return d;
}

TEST(datasheet_comparison, each_ceiling_is_compared_with_its_kind) {
  machine_profile m;
  m.compute = {ceiling("bf16.matrix_library.cublaslt", "bf16", "matrix_library", 800e12),
               ceiling("fp32.vector.fma", "fp32", "vector", 57e12), ceiling("fp64.vector.fma", "fp64", "vector", 30e12)};
  memory_level hbm;
  hbm.level = "hbm";
  hbm.read_bytes_per_s = 2.85e12;
  hbm.write_bytes_per_s = 2.7e12;
  memory_level l2;
  l2.level = "l2";
  l2.read_bytes_per_s = 9e12;
  m.memory = {hbm, l2};
  m.links = {link("h2d_pinned", 51.2e9), link("bidir_pinned", 96e9), link("p2p_0_1", 360e9), link("nccl_allreduce", 405e9),
             link("something_else", 1e9)};
  const auto r = compare_with_datasheet(m, datasheet());
  ASSERT_EQ(r.size(), 8u);
  // The highest bf16 tensor figure of the datasheet (its sparse one here) is the reference.
  EXPECT_EQ(r[0].id, "bf16.matrix_library.cublaslt");
  EXPECT_EQ(r[0].datasheet_id, "bf16.tensor.sparse");
  EXPECT_DOUBLE_EQ(r[0].percent, 40.0);
  EXPECT_EQ(r[1].datasheet_id, "fp32.vector");
  EXPECT_DOUBLE_EQ(r[1].percent, 95.0);
  EXPECT_EQ(r[2].id, "hbm.read");
  EXPECT_DOUBLE_EQ(r[2].percent, 95.0);
  EXPECT_EQ(r[3].id, "hbm.write");
  EXPECT_EQ(r[3].datasheet_id, "hbm.read");  // datasheets give one memory bandwidth
  EXPECT_DOUBLE_EQ(r[3].percent, 90.0);
  EXPECT_EQ(r[4].id, "h2d_pinned");
  EXPECT_DOUBLE_EQ(r[4].datasheet, 64e9);  // half of the bidirectional aggregate
  EXPECT_DOUBLE_EQ(r[4].percent, 80.0);
  EXPECT_DOUBLE_EQ(r[5].datasheet, 128e9);
  EXPECT_DOUBLE_EQ(r[5].percent, 75.0);
  EXPECT_EQ(r[6].datasheet_id, "nvlink (one direction)");
  EXPECT_DOUBLE_EQ(r[6].percent, 80.0);
  EXPECT_DOUBLE_EQ(r[7].percent, 90.0);
}

TEST(datasheet_comparison, annotations_land_in_the_notes_and_the_table) {
  machine_profile m;
  m.compute = {ceiling("fp32.vector.fma", "fp32", "vector", 57e12)};
  m.compute[0].note = "earlier";
  m.links = {link("d2h_pinned", 32e9)};
  const auto r = compare_with_datasheet(m, datasheet());
  annotate_with_datasheet(m, r, "h100_sxm5");
  EXPECT_EQ(m.compute[0].note, "earlier; 95.0% of datasheet fp32.vector, 60.0 TFLOP/s (h100_sxm5)");
  EXPECT_NE(m.links[0].note.find("50.0% of datasheet pcie (one direction)"), std::string::npos) << m.links[0].note;
  EXPECT_EQ(m.device.environment.at("datasheet"), "h100_sxm5");
  const std::string table = format_datasheet_ratios(r, "h100_sxm5");
  EXPECT_NE(table.find("vs datasheet h100_sxm5"), std::string::npos);
  EXPECT_NE(table.find("95.0%"), std::string::npos);
  EXPECT_EQ(format_datasheet_ratios({}, "x"), "");
}

TEST(datasheet_comparison, a_per_direction_link_is_not_halved_and_missing_figures_are_skipped) {
  machine_profile d;
  d.links = {link("pcie", 32e9, "per direction")};
  machine_profile m;
  m.links = {link("h2d_pinned", 24e9), link("p2p_0_1", 20e9)};
  m.compute = {ceiling("fp8.matrix_library.cublaslt", "fp8", "matrix_library", 1e15)};
  const auto r = compare_with_datasheet(m, d);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_DOUBLE_EQ(r[0].percent, 75.0);
  EXPECT_EQ(r[1].datasheet_id, "pcie (one direction)");  // no nvlink: peers compared with PCIe
}

}  // namespace
}  // namespace rafter

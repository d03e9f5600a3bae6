#include "analysis/profile_comparison.hpp"

#include <set>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/machine_profile.hpp"

namespace rafter {
namespace {

machine_profile datasheet(const char* stem) {
  return load_machine_profile(std::string(RAFTER_SOURCE_DIR) + "/configs/hardware/" + stem + ".json");
}

compute_ceiling ceiling(const std::string& id, const std::string& precision, const std::string& unit, double flops) {
  compute_ceiling c;
  c.id = id;
  c.precision = precision;
  c.unit = unit;
  c.flop_per_s = flops;
  c.source = figure_source::measured;
  return c;
}

memory_level level(const std::string& name, double read) {
  memory_level m;
  m.level = name;
  m.read_bytes_per_s = read;
  m.source = figure_source::measured;
  return m;
}

machine_profile measured(const std::string& name) {
  machine_profile p;
  p.device.name = name;
  p.device.obtained = "test";
  return p;
}

TEST(CompareProfiles, A100AgainstH100Datasheets) {
  const auto a = datasheet("a100_sxm4_80gb");
  const auto b = datasheet("h100_sxm5");
  const auto c = compare_profiles(a, b, "a100.json", "h100.json");
  EXPECT_EQ(c.subject, "machine");
  EXPECT_EQ(c.a.name, a.device.name);
  EXPECT_EQ(c.b.name, b.device.name);

  const auto* bf16 = c.find("compute.bf16.tensor");
  ASSERT_NE(bf16, nullptr);
  EXPECT_DOUBLE_EQ(*bf16->a, a.find_compute("bf16.tensor")->flop_per_s);
  EXPECT_DOUBLE_EQ(*ratio(*bf16), b.find_compute("bf16.tensor")->flop_per_s / a.find_compute("bf16.tensor")->flop_per_s);
  EXPECT_FALSE(within_noise(*bf16));  // Datasheet figures have no spread.

  const auto* hbm = c.find("memory.hbm.read");
  ASSERT_NE(hbm, nullptr);
  EXPECT_DOUBLE_EQ(*hbm->b / *hbm->a, *b.find_memory("hbm")->read_bytes_per_s / *a.find_memory("hbm")->read_bytes_per_s);
  EXPECT_EQ(c.find("memory.main.read"), hbm);

  const auto* fp8 = c.find("compute.fp8.tensor");  // H100 only.
  ASSERT_NE(fp8, nullptr);
  EXPECT_FALSE(fp8->a.has_value());
  EXPECT_TRUE(fp8->b.has_value());

  const auto* nvlink = c.find("link.nvlink");
  ASSERT_NE(nvlink, nullptr);
  EXPECT_TRUE(nvlink->both());

  // Ridge of HBM at the fastest floating-point precision both have: bf16 tensor (never A100's int8
  // TOP/s, never H100's fp8, which A100 lacks).
  const auto* ridge = c.find("ridge.hbm");
  ASSERT_NE(ridge, nullptr);
  EXPECT_DOUBLE_EQ(*ridge->a, a.find_compute("bf16.tensor")->flop_per_s / *a.find_memory("hbm")->read_bytes_per_s);
  EXPECT_DOUBLE_EQ(*ridge->b, b.find_compute("bf16.tensor")->flop_per_s / *b.find_memory("hbm")->read_bytes_per_s);
  EXPECT_NE(ridge->note.find("bf16.tensor"), std::string::npos) << ridge->note;
  EXPECT_TRUE(c.warnings.empty());  // Both GPUs.

  // LLM balance: bf16 FLOP per byte of HBM on each side.
  const auto* balance = c.find("balance.bf16");
  ASSERT_NE(balance, nullptr);
  EXPECT_DOUBLE_EQ(*balance->a, a.find_compute("bf16.tensor")->flop_per_s / *a.find_memory("hbm")->read_bytes_per_s);
  EXPECT_DOUBLE_EQ(*balance->b, b.find_compute("bf16.tensor")->flop_per_s / *b.find_memory("hbm")->read_bytes_per_s);
  EXPECT_GT(*ratio(*balance), 1.0);  // H100 gained more FLOP/s than bandwidth.
  // Both have int8 tensor ceilings, in OP/s: no FLOP/byte balance comes of them.
  ASSERT_NE(c.find("compute.int8.tensor"), nullptr);
  EXPECT_EQ(c.find("compute.int8.tensor")->unit, "OP/s");
  EXPECT_EQ(c.find("balance.int8"), nullptr);
}

TEST(CompareProfiles, RidgeUsesOnePrecisionOnBothSides) {
  // H100 tops out at fp8, B200 at fp4: the ridge compares fp8 with fp8, and it falls.
  const auto a = datasheet("h100_sxm5");
  const auto b = datasheet("b200");
  const auto c = compare_profiles(a, b, "h100.json", "b200.json");
  const auto* ridge = c.find("ridge.hbm");
  ASSERT_NE(ridge, nullptr);
  EXPECT_DOUBLE_EQ(*ridge->a, a.find_compute("fp8.tensor")->flop_per_s / *a.find_memory("hbm")->read_bytes_per_s);
  EXPECT_DOUBLE_EQ(*ridge->b, b.find_compute("fp8.tensor")->flop_per_s / *b.find_memory("hbm")->read_bytes_per_s);
  EXPECT_LT(*ratio(*ridge), 1.0);
  EXPECT_NE(ridge->note.find("fp8.tensor"), std::string::npos) << ridge->note;
}

TEST(CompareProfiles, NoCommonFloatingPointCeilingMeansNoRidge) {
  auto a = measured("int only a");
  a.memory.push_back(level("dram", 1e11));
  a.compute.push_back(ceiling("int8.vector", "int8", "vector", 1e12));
  auto b = measured("int only b");
  b.memory.push_back(level("dram", 1e11));
  b.compute.push_back(ceiling("int8.vector", "int8", "vector", 2e12));
  const auto c = compare_profiles(a, b, "a.json", "b.json");
  EXPECT_EQ(c.find("ridge.dram"), nullptr);
  bool noted = false;
  for (const auto& n : c.notes) noted = noted || n.find("no ridge points") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(CompareProfiles, ACpuAgainstAGpuIsWarnedAbout) {
  auto a = measured("host cpu");
  a.device.kind = device_kind::cpu;
  a.memory.push_back(level("dram", 1e11));
  a.compute.push_back(ceiling("fp64.vector.fma", "fp64", "vector", 4e10));
  const auto c = compare_profiles(a, datasheet("h100_sxm5"), "host.json", "h100.json");
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("A is a cpu"), std::string::npos) << c.warnings[0];
  EXPECT_NE(c.warnings[0].find("B a gpu"), std::string::npos) << c.warnings[0];
}

TEST(CompareProfiles, NamesAreUnique) {
  const auto c = compare_profiles(datasheet("mi300x"), datasheet("h100_sxm5"), "a", "b");
  std::set<std::string> names;
  for (const auto& m : c.metrics) EXPECT_TRUE(names.insert(m.name).second) << m.name;
}

TEST(CompareProfiles, TensorAndMatrixUnitsMatch) {
  const auto c = compare_profiles(datasheet("h100_sxm5"), datasheet("mi300x"), "h100.json", "mi300x.json");
  const auto* bf16 = c.find("compute.bf16.matrix");
  ASSERT_NE(bf16, nullptr);
  EXPECT_EQ(bf16->name, "compute.bf16.tensor");
  EXPECT_TRUE(bf16->both());
  EXPECT_FALSE(bf16->note.empty());
  const auto* llc = c.find("memory.llc.read");  // MI300X's Infinity Cache: B only.
  ASSERT_NE(llc, nullptr);
  EXPECT_FALSE(llc->a.has_value());
  const auto* fabric = c.find("link.infinity_fabric");
  ASSERT_NE(fabric, nullptr);
  EXPECT_FALSE(fabric->a.has_value());
}

TEST(CompareProfiles, HbmAndDramMatchAsMainMemory) {
  auto a = measured("cpu");
  a.memory.push_back(level("l2", 5e11));
  a.memory.push_back(level("dram", 1e11));
  a.compute.push_back(ceiling("fp32.vector.fma", "fp32", "vector", 2e12));
  auto b = datasheet("h100_sxm5");
  const auto c = compare_profiles(a, b, "cpu.json", "h100.json");
  const auto* main = c.find("memory.hbm.read");
  ASSERT_NE(main, nullptr);
  EXPECT_EQ(main, c.find("memory.dram.read"));
  EXPECT_EQ(main, c.find("memory.main.read"));
  EXPECT_TRUE(main->both());
  EXPECT_DOUBLE_EQ(*main->a, 1e11);
  ASSERT_NE(c.find("balance.fp32"), nullptr);
  EXPECT_TRUE(c.find("balance.fp32")->both());
  bool noted = false;
  for (const auto& n : c.notes) noted = noted || n.find("main memory") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(CompareProfiles, ALinkQuotedBothWaysIsHalvedAgainstOneQuotedOneWay) {
  const auto maia = datasheet("maia100");     // pcie: per direction
  const auto h100 = datasheet("h100_sxm5");  // pcie: bidirectional aggregate
  const auto c = compare_profiles(maia, h100, "maia.json", "h100.json");
  const auto* pcie = c.find("link.pcie");
  ASSERT_NE(pcie, nullptr);
  ASSERT_TRUE(pcie->both());
  EXPECT_DOUBLE_EQ(*pcie->a, maia.links.back().bytes_per_s);
  double h100_pcie = 0;
  for (const auto& l : h100.links) h100_pcie = l.id == "pcie" ? l.bytes_per_s : h100_pcie;
  EXPECT_DOUBLE_EQ(*pcie->b, h100_pcie / 2);
  EXPECT_NE(pcie->label_b.find("one direction"), std::string::npos) << pcie->label_b;
  // Two aggregates are compared as quoted.
  const auto same = compare_profiles(datasheet("a100_sxm4_80gb"), h100, "a100.json", "h100.json");
  EXPECT_DOUBLE_EQ(*same.find("link.pcie")->b, h100_pcie);
}

TEST(CompareProfiles, SeveralCeilingsOfOneKindUseTheHighestAndKeepTheirOwnRows) {
  auto a = measured("host a");
  a.compute.push_back(ceiling("fp64.vector.fma", "fp64", "vector", 1.0e12));
  a.compute.push_back(ceiling("fp64.vector.addmul", "fp64", "vector", 0.6e12));
  a.memory.push_back(level("dram", 1e11));
  auto b = a;
  b.device.name = "host b";
  b.compute[0].flop_per_s = 1.1e12;
  b.compute[1].flop_per_s = 0.5e12;
  const auto c = compare_profiles(a, b, "a", "b");
  ASSERT_NE(c.find("compute.fp64.vector"), nullptr);
  EXPECT_DOUBLE_EQ(*c.find("compute.fp64.vector")->b, 1.1e12);
  ASSERT_NE(c.find("compute.fp64.vector.addmul"), nullptr);
  EXPECT_DOUBLE_EQ(*c.find("compute.fp64.vector.addmul")->b, 0.5e12);
  ASSERT_NE(c.find("compute.fp64.vector.fma"), nullptr);
}

TEST(CompareProfiles, SpreadsComeFromSamples) {
  auto a = measured("run 1");
  auto fma = ceiling("fp64.vector.fma", "fp64", "vector", 1.0e12);
  fma.samples = sample_stats{1.0e12, 0.97e12, 1.02e12, 5, true};
  a.compute.push_back(fma);
  auto dram = level("dram", 1e11);
  dram.samples["read"] = sample_stats{1e11, 0.95e11, 1.05e11, 5, true};
  a.memory.push_back(dram);
  auto b = a;
  b.compute[0].flop_per_s = 0.98e12;
  b.compute[0].samples = sample_stats{0.98e12, 0.96e12, 1.01e12, 5, true};
  const auto c = compare_profiles(a, b, "a", "b");
  const auto* m = c.find("compute.fp64.vector");
  ASSERT_NE(m, nullptr);
  EXPECT_DOUBLE_EQ(m->a_lo, 0.97e12);
  EXPECT_DOUBLE_EQ(m->b_hi, 1.01e12);
  EXPECT_TRUE(within_noise(*m));
  // Derived ratios carry the interval of the quotient.
  const auto* ridge = c.find("ridge.dram");
  ASSERT_NE(ridge, nullptr);
  EXPECT_DOUBLE_EQ(ridge->a_lo, 0.97e12 / 1.05e11);
  EXPECT_DOUBLE_EQ(ridge->a_hi, 1.02e12 / 0.95e11);
}

TEST(CompareProfiles, NothingInCommonIsAnInputError) {
  auto a = measured("a");
  a.compute.push_back(ceiling("fp64.vector", "fp64", "vector", 1e12));
  auto b = measured("b");
  b.compute.push_back(ceiling("int8.tensor", "int8", "tensor", 1e15));
  try {
    (void)compare_profiles(a, b, "a.json", "b.json");
    FAIL() << "no error";
  } catch (const input_error& e) {
    EXPECT_EQ(e.file(), "b.json");
    EXPECT_NE(std::string(e.what()).find("nothing to compare"), std::string::npos);
  }
}

}  // namespace
}  // namespace rafter

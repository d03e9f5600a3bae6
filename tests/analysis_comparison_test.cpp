#include "analysis/analysis_comparison.hpp"

#include <map>

#include <gtest/gtest.h>

#include "analysis/analysis_document.hpp"
#include "core/error.hpp"

namespace rafter {
namespace {

kernel_group group(std::int64_t id, const std::string& name, kernel_class cls, double time, std::uint32_t grid = 1) {
  kernel_group g;
  g.id = id;
  g.name = name;
  g.cls = cls;
  g.count = 2;
  g.total_s = time;
  g.grid = dim3_value{grid, 1, 1};
  g.block = dim3_value{128, 1, 1};
  return g;
}

analysis_document document(const std::string& machine, std::vector<kernel_group> groups) {
  analysis_document d;
  d.machine_name = machine;
  d.groups = std::move(groups);
  for (const auto& g : d.groups) {
    d.totals.kernel_time_s += g.total_s;
    d.totals.kernels += g.count;
    bool found = false;
    for (auto& c : d.classes) {
      if (c.cls == g.cls) {
        c.time_s += g.total_s;
        c.kernels += g.count;
        found = true;
      }
    }
    if (!found) d.classes.push_back({g.cls, g.count, 1, g.total_s, 0.0, 0.0, 0.0});
  }
  device_summary dev;
  dev.busy_s = d.totals.kernel_time_s;
  dev.span_s = d.totals.kernel_time_s * 1.5;
  dev.idle_s = dev.span_s - dev.busy_s;
  d.devices = {dev};
  return d;
}

TEST(CompareAnalyses, MatchesInPassesAndListsLeftovers) {
  const auto a = document("A100", {group(0, "void add_kernel<4>(float*)", kernel_class::elementwise, 3e-3, 10),
                                   group(1, "void add_kernel<4>(float*)", kernel_class::elementwise, 1e-3, 20),
                                   group(2, "void split_embedding<float, 2ul>(float*)", kernel_class::other, 2e-3),
                                   group(3, "ampere_sgemm_128x64_nn", kernel_class::gemm, 4e-3),
                                   group(4, "cutlass_80_tensorop_s1688gemm_64x64", kernel_class::gemm, 1e-3),
                                   group(5, "only_on_a", kernel_class::reduction, 1e-4)});
  const auto b = document("V100", {group(0, "void add_kernel<4>(float*)", kernel_class::elementwise, 5e-3, 10),
                                   group(1, "void add_kernel<4>(float*)", kernel_class::elementwise, 2e-3, 40),
                                   group(2, "void split_embedding<float, 5ul>(float*)", kernel_class::other, 3e-3),
                                   group(3, "volta_sgemm_128x64_nn", kernel_class::gemm, 9e-3),
                                   group(4, "only_on_b", kernel_class::copy, 1e-4)});
  const comparison c = compare_analyses(a, b, "a.json", "b.json");
  EXPECT_EQ(c.subject, "analysis");
  std::map<std::string, int> by_match;
  for (const auto& g : c.groups) ++by_match[g.match];
  EXPECT_EQ(by_match["name+shape"], 1);          // add_kernel, grid 10.
  EXPECT_EQ(by_match["name"], 1);                // add_kernel, grids 20 and 40.
  EXPECT_EQ(by_match["name (digits masked)"], 1);  // split_embedding 2ul / 5ul.
  EXPECT_EQ(by_match["class"], 1);               // GEMMs whose library kernels differ.
  EXPECT_EQ(by_match["only_a"], 1);
  EXPECT_EQ(by_match["only_b"], 1);
  for (const auto& g : c.groups) {
    if (g.match != "class") continue;
    EXPECT_EQ(g.cls, "gemm");
    EXPECT_DOUBLE_EQ(g.time_a_s, 5e-3);  // Both A100 GEMM groups against the one V100 group.
    EXPECT_DOUBLE_EQ(g.time_b_s, 9e-3);
    EXPECT_EQ(g.groups_a.size(), 2u);
  }
  ASSERT_NE(c.find("class.gemm.time"), nullptr);
  EXPECT_DOUBLE_EQ(*c.find("class.gemm.time")->b, 9e-3);
  ASSERT_NE(c.find("class.copy.time"), nullptr);
  EXPECT_DOUBLE_EQ(*c.find("class.copy.time")->a, 0.0);  // A class only B has: zero on A.
  ASSERT_NE(c.find("busy_time"), nullptr);
  EXPECT_DOUBLE_EQ(*c.find("busy_time")->a, a.devices[0].busy_s);
  ASSERT_NE(c.find("idle_time"), nullptr);
  bool noted = false;
  for (const auto& n : c.notes) noted = noted || n.find("different machines") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(CompareAnalyses, NoCommonClassIsAnInputError) {
  const auto a = document("A", {group(0, "k", kernel_class::gemm, 1e-3)});
  const auto b = document("B", {group(0, "k", kernel_class::copy, 1e-3)});
  EXPECT_THROW((void)compare_analyses(a, b, "a.json", "b.json"), input_error);
}

}  // namespace
}  // namespace rafter

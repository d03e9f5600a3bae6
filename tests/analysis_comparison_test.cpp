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

/// A group placed on the roofline: `flop` over `work_s` of work, `hbm_bytes` of main-memory traffic
/// (and optionally L2 traffic, binding there), with the analyzer's limiter.
kernel_group placed(std::int64_t id, const std::string& name, kernel_class cls, double time, double flop, double hbm_bytes,
                    limiter_kind kind, const std::string& detail, double l2_bytes = 0.0) {
  kernel_group g = group(id, name, cls, time);
  g.work = work_source::estimate;
  g.work_count = g.count;
  g.work_time_s = time;
  g.flop = flop;
  if (flop > 0.0) g.achieved_flop_per_s = flop / time;
  level_placement hbm;
  hbm.level = "hbm";
  hbm.bytes = hbm_bytes;
  hbm.arithmetic_intensity = flop / hbm_bytes;
  g.levels.push_back(hbm);
  g.binding = "hbm";
  if (l2_bytes > 0.0) {
    level_placement l2;
    l2.level = "l2";
    l2.bytes = l2_bytes;
    l2.arithmetic_intensity = flop / l2_bytes;
    g.levels.push_back(l2);
    g.binding = "l2";
  }
  g.roof_time_s = time / 2;
  g.limiter.kind = kind;
  g.limiter.detail = detail;
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

// The defect this guards against: a class row summed the time of every leftover group but took AI
// and limiter from each side's largest group, so two unrelated kernels looked like one workload
// whose AI moved 18x. Now the row's figures are sums over the placed groups of each side.
TEST(CompareAnalyses, ClassRowShowsAggregatesOverItsPlacedGroups) {
  const auto a = document("A100", {placed(0, "bmm_kernel", kernel_class::gemm, 40e-3, 11e9, 1e9, limiter_kind::latency, ""),
                                   placed(1, "ampere_sgemm_128x64_nn", kernel_class::gemm, 30e-3, 100e9, 1e9,
                                          limiter_kind::latency, ""),
                                   group(2, "gemv_unplaced", kernel_class::gemm, 10e-3)});
  const auto b = document("V100", {placed(0, "volta_sgemm_128x64_nn", kernel_class::gemm, 120e-3, 197e9, 1e9,
                                          limiter_kind::compute, "fp32.vector"),
                                   placed(1, "volta_gemv", kernel_class::gemm, 40e-3, 3e9, 3e9, limiter_kind::memory, "hbm")});
  const comparison c = compare_analyses(a, b, "a.json", "b.json");
  ASSERT_EQ(c.groups.size(), 1u);
  const group_match& g = c.groups[0];
  EXPECT_EQ(g.match, "class");
  EXPECT_TRUE(g.aggregated());
  EXPECT_DOUBLE_EQ(g.time_a_s, 80e-3);
  EXPECT_DOUBLE_EQ(g.time_b_s, 160e-3);
  // AI: sum FLOP / sum hbm bytes over the placed groups, not the largest group's 11 and 197.
  ASSERT_TRUE(g.ai_a && g.ai_b);
  EXPECT_DOUBLE_EQ(*g.ai_a, 111e9 / 2e9);
  EXPECT_DOUBLE_EQ(*g.ai_b, 200e9 / 4e9);
  EXPECT_EQ(g.level_a, "hbm");
  EXPECT_EQ(g.level_b, "hbm");
  // FLOP/s: sum FLOP / sum work time over the placed groups.
  ASSERT_TRUE(g.flop_per_s_a && g.flop_per_s_b);
  EXPECT_DOUBLE_EQ(*g.flop_per_s_a, 111e9 / 70e-3);
  EXPECT_DOUBLE_EQ(*g.flop_per_s_b, 200e9 / 160e-3);
  // The unplaced gemv holds 10 of A's 80 ms.
  ASSERT_TRUE(g.placed_share_a && g.placed_share_b);
  EXPECT_DOUBLE_EQ(*g.placed_share_a, 70e-3 / 80e-3);
  EXPECT_DOUBLE_EQ(*g.placed_share_b, 1.0);
  // A's placed groups agree; B's do not: compute holds 120 of 160 ms.
  EXPECT_EQ(g.limiter_a, "latency");
  EXPECT_EQ(g.limiter_b, "mixed");
  EXPECT_EQ(g.dominant_limiter_b, "compute (fp32.vector)");
  ASSERT_TRUE(g.limiter_share_b);
  EXPECT_DOUBLE_EQ(*g.limiter_share_b, 0.75);
  EXPECT_EQ(g.binding_a, "hbm");
}

// A row of one group per side keeps that group's own figures: AI at its binding level (here L2).
TEST(CompareAnalyses, OneGroupPerSideKeepsItsOwnFigures) {
  const auto a = document("A", {placed(0, "k", kernel_class::gemm, 2e-3, 8e9, 1e9, limiter_kind::memory, "l2", 4e9)});
  const auto b = document("B", {placed(0, "k", kernel_class::gemm, 1e-3, 8e9, 2e9, limiter_kind::compute, "fp32.vector")});
  const comparison c = compare_analyses(a, b, "a.json", "b.json");
  ASSERT_EQ(c.groups.size(), 1u);
  const group_match& g = c.groups[0];
  EXPECT_EQ(g.match, "name+shape");
  EXPECT_FALSE(g.aggregated());
  EXPECT_DOUBLE_EQ(*g.ai_a, 2.0);  // 8e9 FLOP / 4e9 L2 bytes: the binding level.
  EXPECT_EQ(g.level_a, "l2");
  EXPECT_DOUBLE_EQ(*g.ai_b, 4.0);
  EXPECT_EQ(g.level_b, "hbm");
  EXPECT_EQ(g.limiter_a, "memory (l2)");
  EXPECT_EQ(g.limiter_b, "compute (fp32.vector)");
  EXPECT_DOUBLE_EQ(*g.flop_per_s_a, 4e12);
  EXPECT_DOUBLE_EQ(*g.placed_share_a, 1.0);
}

TEST(CompareAnalyses, ARangeOnHostAndDeviceCountsOnce) {
  // Kineto records ProfilerStep#6 as user_annotation and gpu_user_annotation over the same kernels.
  auto a = document("A", {group(0, "k", kernel_class::gemm, 2e-3)});
  auto b = document("B", {group(0, "k", kernel_class::gemm, 1e-3)});
  a.ranges = {{"step", "user_annotation", false, 1, 3e-3, 2, 2e-3}, {"step", "gpu_user_annotation", true, 1, 2.5e-3, 2, 2e-3},
              {"model.forward", "nvtx", false, 1, 1e-3, 1, 1e-3}, {"model.forward", "cuBLAS", false, 1, 1e-3, 1, 0.5e-3}};
  b.ranges = {{"step", "gpu_user_annotation", true, 1, 1.5e-3, 2, 1e-3}};  // device side only: it counts
  const comparison c = compare_analyses(a, b, "a.json", "b.json");
  const auto* step = c.find("range.step.time");
  ASSERT_NE(step, nullptr);
  EXPECT_DOUBLE_EQ(*step->a, 2e-3);
  EXPECT_DOUBLE_EQ(*step->b, 1e-3);
  const auto* forward = c.find("range.model.forward.time");
  ASSERT_NE(forward, nullptr);
  EXPECT_DOUBLE_EQ(*forward->a, 1.5e-3);  // two NVTX domains of one name: summed
  EXPECT_FALSE(forward->b.has_value());
}

TEST(CompareAnalyses, NoCommonClassIsAnInputError) {
  const auto a = document("A", {group(0, "k", kernel_class::gemm, 1e-3)});
  const auto b = document("B", {group(0, "k", kernel_class::copy, 1e-3)});
  EXPECT_THROW((void)compare_analyses(a, b, "a.json", "b.json"), input_error);
}

}  // namespace
}  // namespace rafter

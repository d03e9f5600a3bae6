#include "analysis/projection.hpp"

#include <algorithm>
#include <map>

#include <gtest/gtest.h>

#include "analysis/analysis_document.hpp"
#include "core/error.hpp"
#include "core/machine_profile.hpp"

namespace rafter {
namespace {

machine_profile datasheet(const char* stem) {
  return load_machine_profile(std::string(RAFTER_SOURCE_DIR) + "/configs/hardware/" + stem + ".json");
}

kernel_group placed_gemm(double flop, double bytes, double time) {
  kernel_group g;
  g.id = 0;
  g.name = "gemm";
  g.cls = kernel_class::gemm;
  g.count = 1;
  g.total_s = time;
  g.work = work_source::estimate;
  g.work_time_s = time;
  g.flop = flop;
  g.flop_by_kind["fp16.tensor"] = flop;
  g.precision = "fp16";
  g.pipe = "tensor";
  level_placement l;
  l.level = "hbm";
  l.bytes = bytes;
  g.levels.push_back(l);
  g.binding = "fp16.tensor";
  g.limiter.kind = limiter_kind::compute;
  return g;
}

analysis_document one_device(std::vector<kernel_group> groups, double idle) {
  analysis_document d;
  d.trace_file = "t.json";
  d.groups = std::move(groups);
  device_summary dev;
  for (const auto& g : d.groups) {
    dev.busy_s += g.total_s;
    d.totals.kernel_time_s += g.total_s;
  }
  dev.idle_s = idle;
  dev.span_s = dev.busy_s + idle;
  d.devices = {dev};
  return d;
}

TEST(Projection, ComputeBoundGroupScalesByItsCeiling) {
  const auto a100 = datasheet("a100_sxm4_80gb");
  const auto v100 = datasheet("v100_sxm2");
  // AI = 1e12 / 1e9 = 1000 FLOP/byte: above both ridges, so the fp16 tensor roof binds on both.
  const auto d = one_device({placed_gemm(1e12, 1e9, 10e-3)}, 2e-3);
  const projection p = project_workload(d, a100, v100, "a100.json", "v100.json");
  ASSERT_EQ(p.items.size(), 1u);
  const double ratio = a100.find_compute("fp16.tensor")->flop_per_s / v100.find_compute("fp16.tensor")->flop_per_s;
  EXPECT_EQ(p.items[0].method, "roofline");
  EXPECT_NEAR(p.items[0].time_b_s, 10e-3 * ratio, 1e-12);
  EXPECT_LE(p.items[0].low_s, p.items[0].time_b_s);
  EXPECT_GE(p.items[0].high_s, p.items[0].time_b_s);
  // Idle kept: span = busy (scaled) + idle.
  EXPECT_NEAR(p.span_time.time_b_s, p.busy_time.time_b_s + 2e-3, 1e-15);
  EXPECT_NEAR(p.busy_time.time_b_s, 10e-3 * ratio, 1e-12);
  ASSERT_EQ(p.classes.size(), 1u);
  EXPECT_EQ(p.classes[0].name, "gemm");
}

TEST(Projection, MemoryBoundGroupScalesByBandwidth) {
  const auto a100 = datasheet("a100_sxm4_80gb");
  const auto v100 = datasheet("v100_sxm2");
  const auto d = one_device({placed_gemm(1e9, 1e9, 1e-3)}, 0.0);  // AI 1: memory-bound on both.
  const projection p = project_workload(d, a100, v100, "a", "b");
  const double ratio = *a100.find_memory("hbm")->read_bytes_per_s / *v100.find_memory("hbm")->read_bytes_per_s;
  EXPECT_NEAR(p.items[0].time_b_s, 1e-3 * ratio, 1e-12);
}

TEST(Projection, LatencyBoundGroupMayNotSpeedUp) {
  const auto h100 = datasheet("h100_sxm5");
  const auto b200 = datasheet("b200");
  // AI 1, memory-bound by the roofline; at 10 ms for 1 GB it ran at 3% of HBM on A.
  auto g = placed_gemm(1e9, 1e9, 10e-3);
  g.limiter.kind = limiter_kind::memory;
  const projection by_roof = project_workload(one_device({g}, 0.0), h100, b200, "a", "b");
  const double ratio = *h100.find_memory("hbm")->read_bytes_per_s / *b200.find_memory("hbm")->read_bytes_per_s;
  EXPECT_NEAR(by_roof.items[0].time_b_s, 10e-3 * ratio, 1e-12);
  EXPECT_LT(by_roof.items[0].high_s, 10e-3);  // a memory-bound group speeds up with the bandwidth
  // The same group named latency-bound on A: the same central figure, but it may stay as slow.
  g.limiter.kind = limiter_kind::latency;
  const projection by_latency = project_workload(one_device({g}, 0.0), h100, b200, "a", "b");
  EXPECT_NEAR(by_latency.items[0].time_b_s, 10e-3 * ratio, 1e-12);
  EXPECT_NEAR(by_latency.items[0].high_s, 10e-3, 1e-15);
  EXPECT_NEAR(by_latency.items[0].low_s, by_roof.items[0].low_s, 1e-15);
}

TEST(Projection, BF16OnAMachineWithoutItFallsBackAndSaysSo) {
  const auto h100 = datasheet("h100_sxm5");
  const auto v100 = datasheet("v100_sxm2");
  auto g = placed_gemm(1e12, 1e9, 5e-3);
  g.flop_by_kind = {{"bf16.tensor", 1e12}};
  g.precision = "bf16";
  const projection p = project_workload(one_device({g}, 0.0), h100, v100, "a", "b");
  bool warned = false;
  for (const auto& w : p.warnings) warned = warned || w.find("bf16.tensor -> fp16.tensor") != std::string::npos;
  EXPECT_TRUE(warned);
  EXPECT_GT(p.items[0].time_b_s, 5e-3);
}

// A profile whose bf16 tensor ceiling was measured through cuBLASLt (unit matrix_library), projected
// onto itself, changes nothing: the library ceiling is the tensor ceiling on both sides.
TEST(Projection, OntoItselfALibraryTensorCeilingProjectsUnchanged) {
  machine_profile p;
  p.device.name = "measured";
  compute_ceiling gemm;
  gemm.id = "bf16.matrix_library.cublaslt";
  gemm.precision = "bf16";
  gemm.unit = "matrix_library";
  gemm.flop_per_s = 700e12;
  compute_ceiling fp32;
  fp32.id = "fp32.vector.fma";
  fp32.precision = "fp32";
  fp32.unit = "vector";
  fp32.flop_per_s = 60e12;
  p.compute = {gemm, fp32};
  memory_level hbm;
  hbm.level = "hbm";
  hbm.read_bytes_per_s = 3e12;
  p.memory = {hbm};
  auto g = placed_gemm(1e12, 1e9, 5e-3);
  g.flop_by_kind = {{"bf16.tensor", 1e12}};
  g.precision = "bf16";
  g.binding = "bf16.tensor";
  const projection out = project_workload(one_device({g}, 1e-3), p, p, "p.json", "p.json");
  ASSERT_EQ(out.items.size(), 1u);
  EXPECT_DOUBLE_EQ(out.items[0].time_b_s, 5e-3);
  EXPECT_DOUBLE_EQ(out.span_time.time_b_s, out.span_time.time_a_s);
  for (const auto& w : out.warnings) EXPECT_EQ(w.find("bf16.tensor ->"), std::string::npos) << w;
}

// Work on the CUDA cores never takes a tensor ceiling: a machine without an fp16 vector ceiling
// falls back to its fp32 vector ceiling, not to fp16.tensor (many times faster).
TEST(Projection, CudaCoreWorkNeverFallsBackToATensorCeiling) {
  const auto v100 = datasheet("v100_sxm2");
  machine_profile b = datasheet("h100_sxm5");
  std::erase_if(b.compute, [](const compute_ceiling& c) { return c.precision == "fp16" && c.unit == "vector"; });
  auto g = placed_gemm(1e9, 1e3, 1e-3);  // compute-bound: AI 1e6
  g.flop_by_kind = {{"fp16.cuda_core", 1e9}};
  g.pipe = "cuda_core";
  g.cls = kernel_class::elementwise;
  const projection p = project_workload(one_device({g}, 0.0), v100, b, "a", "b");
  bool fp32_fallback = false;
  for (const auto& w : p.warnings) {
    EXPECT_EQ(w.find("-> fp16.tensor"), std::string::npos) << w;
    fp32_fallback = fp32_fallback || w.find("fp16.cuda_core -> fp32.vector") != std::string::npos;
  }
  EXPECT_TRUE(fp32_fallback);
  const double ratio = v100.find_compute("fp16.vector")->flop_per_s / b.find_compute("fp32.vector")->flop_per_s;
  EXPECT_NEAR(p.items[0].time_b_s, 1e-3 * ratio, 1e-12);
}

// No projection, nor the low end of its range, goes below B's roof for the group's work, or below
// the launch floor.
TEST(Projection, NothingIsProjectedBelowTheRoofOfBOrTheLaunchFloor) {
  const auto a100 = datasheet("a100_sxm4_80gb");
  const auto h100 = datasheet("h100_sxm5");
  // Memory-bound (AI 1), at its roof on A: its compute-ratio low end would be far below B's HBM roof.
  auto g = placed_gemm(1e9, 1e9, 1e9 / *a100.find_memory("hbm")->read_bytes_per_s);
  g.limiter.kind = limiter_kind::memory;
  const projection p = project_workload(one_device({g}, 0.0), a100, h100, "a", "b");
  const double roof_b = 1e9 / *h100.find_memory("hbm")->read_bytes_per_s;
  EXPECT_NEAR(p.items[0].time_b_s, roof_b, 1e-12);
  EXPECT_NEAR(p.items[0].low_s, roof_b, 1e-12);
  EXPECT_TRUE(p.items[0].floored);
  EXPECT_GE(p.items[0].high_s, p.items[0].time_b_s);

  // 1000 launches of 1.5 us (the shortest kernel: the floor) on a faster B: kept at 1.5 ms at least.
  auto tiny = placed_gemm(1e3, 1e3, 1.5e-3);
  tiny.count = 1000;
  tiny.min_s = 1.5e-6;
  tiny.limiter.kind = limiter_kind::latency;
  const projection q = project_workload(one_device({tiny}, 0.0), a100, h100, "a", "b");
  EXPECT_NEAR(q.items[0].low_s, 1.5e-3, 1e-12);
  EXPECT_GE(q.items[0].time_b_s, 1.5e-3 - 1e-15);
  EXPECT_TRUE(q.items[0].floored);

  // Launch-bound, kept as measured: its range's low end (the memory ratio) stops at the floor too.
  tiny.limiter.kind = limiter_kind::launch_overhead;
  const projection k = project_workload(one_device({tiny}, 0.0), a100, h100, "a", "b");
  EXPECT_EQ(k.items[0].method, "kept");
  EXPECT_NEAR(k.items[0].time_b_s, 1.5e-3, 1e-15);
  EXPECT_NEAR(k.items[0].low_s, 1.5e-3, 1e-12);

  // The analysis's recorded floor is the one used (a zero-length launch made this group's min_s 0,
  // which the derivation from groups would skip).
  tiny.limiter.kind = limiter_kind::latency;
  tiny.min_s = 0.0;
  auto recorded = one_device({tiny}, 0.0);
  recorded.totals.launch_floor_s = 1.2e-6;
  const projection r = project_workload(recorded, a100, h100, "a", "b");
  EXPECT_NEAR(r.items[0].low_s, 1.2e-3, 1e-12);
}

TEST(Projection, AnalysisWarningsAndGroupsWithoutWorkAreSaid) {
  const auto a100 = datasheet("a100_sxm4_80gb");
  const auto h100 = datasheet("h100_sxm5");
  kernel_group e;
  e.name = "add";
  e.cls = kernel_class::elementwise;
  e.count = 10;
  e.total_s = 1e-3;
  auto d = one_device({e}, 0.0);
  d.warnings = {"10 groups: compute roof unknown"};
  const projection p = project_workload(d, a100, h100, "a", "b");
  const auto said = [&](const std::string& part) {
    return std::any_of(p.warnings.begin(), p.warnings.end(), [&](const std::string& w) { return w.find(part) != std::string::npos; });
  };
  EXPECT_TRUE(said("analysis of A: 10 groups: compute roof unknown"));
  EXPECT_TRUE(said("no kernel group of A has its own work"));
  const projection placed = project_workload(one_device({placed_gemm(1e12, 1e9, 5e-3)}, 0.0), a100, h100, "a", "b");
  EXPECT_TRUE(placed.warnings.empty());
}

TEST(Projection, UnplacedGroupsUseBandwidthOrFp32) {
  const auto a100 = datasheet("a100_sxm4_80gb");
  const auto v100 = datasheet("v100_sxm2");
  kernel_group e;
  e.id = 0;
  e.name = "add";
  e.cls = kernel_class::elementwise;
  e.count = 10;
  e.total_s = 1e-3;
  kernel_group s = e;
  s.id = 1;
  s.name = "sgemm";
  s.cls = kernel_class::gemm;
  const projection p = project_workload(one_device({e, s}, 0.0), a100, v100, "a", "b");
  const double mem = *a100.find_memory("hbm")->read_bytes_per_s / *v100.find_memory("hbm")->read_bytes_per_s;
  const double fp32 = a100.find_compute("fp32.vector")->flop_per_s / v100.find_compute("fp32.vector")->flop_per_s;
  EXPECT_EQ(p.items[0].method, "bandwidth");
  EXPECT_NEAR(p.items[0].time_b_s, 1e-3 * mem, 1e-12);
  EXPECT_EQ(p.items[1].method, "compute");
  EXPECT_NEAR(p.items[1].time_b_s, 1e-3 * fp32, 1e-12);
  EXPECT_NEAR(p.items[1].low_s, 1e-3 * std::min(mem, fp32), 1e-12);
  EXPECT_NEAR(p.items[1].high_s, 1e-3 * std::max(mem, fp32), 1e-12);
}

// Decode attention without work (FlashInfer, vLLM paged attention) reads the KV cache: memory-bound.
TEST(Projection, DecodeAttentionWithoutWorkScalesByMemory) {
  const auto b200 = datasheet("b200");
  const auto h100 = datasheet("h100_sxm5");
  kernel_group decode;
  decode.name = "void flashinfer::BatchDecodeWithPagedKVCacheKernel<128u>(flashinfer::Params)";
  decode.cls = kernel_class::attention;
  decode.count = 10;
  decode.total_s = 1e-3;
  kernel_group paged = decode;
  paged.id = 1;
  paged.name = "void vllm::paged_attention_v2_kernel<__nv_bfloat16, 128>(float*)";
  kernel_group prefill = decode;
  prefill.id = 2;
  prefill.name = "void flash_fwd_kernel<Flash_fwd_kernel_traits<128>>(Flash_fwd_params)";
  const projection p = project_workload(one_device({decode, paged, prefill}, 0.0), b200, h100, "a", "b");
  const double mem = *b200.find_memory("hbm")->read_bytes_per_s / *h100.find_memory("hbm")->read_bytes_per_s;
  const double fp32 = b200.find_compute("fp32.vector")->flop_per_s / h100.find_compute("fp32.vector")->flop_per_s;
  for (int i : {0, 1}) {
    EXPECT_EQ(p.items[i].method, "bandwidth") << p.items[i].name;
    EXPECT_NEAR(p.items[i].time_b_s, 1e-3 * mem, 1e-12);
    EXPECT_NEAR(p.items[i].high_s, 1e-3 * std::max(mem, fp32), 1e-12);
  }
  EXPECT_EQ(p.items[2].method, "compute");
  EXPECT_NEAR(p.items[2].time_b_s, 1e-3 * fp32, 1e-12);
}

TEST(Projection, CommunicationScalesByTheLinkOfItsCollectiveElseTheFastestShared) {
  machine_profile a = datasheet("a100_sxm4_80gb");
  machine_profile b = datasheet("h100_sxm5");
  kernel_group ar;
  ar.id = 0;
  ar.name = "ncclDevKernel_AllReduce";
  ar.cls = kernel_class::communication;
  ar.count = 4;
  ar.total_s = 2e-3;
  ar.limiter.kind = limiter_kind::communication;
  ar.link_ceiling = "nccl_allreduce";
  kernel_group ag = ar;
  ag.id = 1;
  ag.name = "ncclDevKernel_AllGather";
  ag.link_ceiling = "nccl_allgather";  // measured on neither machine
  // Without nccl_allreduce on both machines: the fastest link both have (nvlink).
  const auto link = [](const machine_profile& m, const std::string& id) {
    const auto it = std::find_if(m.links.begin(), m.links.end(), [&](const link_ceiling& l) { return l.id == id; });
    return it == m.links.end() ? 0.0 : it->bytes_per_s;
  };
  ASSERT_GT(link(a, "nvlink"), 0.0);
  ASSERT_GT(link(b, "nvlink"), 0.0);
  const double nvlink = link(a, "nvlink") / link(b, "nvlink");
  const projection before = project_workload(one_device({ar, ag}, 0.0), a, b, "a", "b");
  EXPECT_NEAR(before.items[0].time_b_s, 2e-3 * nvlink, 1e-12);
  link_ceiling la;
  la.id = "nccl_allreduce";
  la.bytes_per_s = 2.3e11;
  link_ceiling lb = la;
  lb.bytes_per_s = 4.6e11;
  a.links.push_back(la);
  b.links.push_back(lb);
  const projection p = project_workload(one_device({ar, ag}, 0.0), a, b, "a", "b");
  EXPECT_EQ(p.items[0].method, "link");
  EXPECT_NEAR(p.items[0].time_b_s, 1e-3, 1e-12);  // twice the bus bandwidth: half the time
  EXPECT_NE(p.items[0].detail.find("nccl_allreduce"), std::string::npos) << p.items[0].detail;
  EXPECT_NEAR(p.items[1].time_b_s, 2e-3 * nvlink, 1e-12);
  EXPECT_NE(p.items[1].detail.find("nvlink"), std::string::npos) << p.items[1].detail;
}

TEST(Projection, CopiesScaleByOneDirectionOfPcieOrAreKeptNamingTheMachineWithout) {
  const auto a100 = datasheet("a100_sxm4_80gb");  // PCIe Gen4 x16, 64 GB/s both ways
  const auto h100 = datasheet("h100_sxm5");       // PCIe Gen5 x16, 128 GB/s both ways
  const auto gh200 = datasheet("gh200_96gb");     // NVLink-C2C only: no pcie entry
  auto d = one_device({placed_gemm(1e12, 1e9, 10e-3)}, 0.0);
  copy_summary c;
  c.kind = "h2d";
  c.count = 1;
  c.time_s = 1e-3;
  d.copies = {c};
  const projection p = project_workload(d, a100, h100, "a.json", "b.json");
  const auto copy = std::find_if(p.items.begin(), p.items.end(), [](const projected_item& i) { return i.kind == "copies"; });
  ASSERT_NE(copy, p.items.end());
  EXPECT_EQ(copy->method, "link");
  EXPECT_NEAR(copy->time_b_s, 0.5e-3, 1e-15);
  const projection q = project_workload(d, a100, gh200, "a.json", "b.json");
  const auto kept = std::find_if(q.items.begin(), q.items.end(), [](const projected_item& i) { return i.kind == "copies"; });
  ASSERT_NE(kept, q.items.end());
  EXPECT_EQ(kept->method, "kept");
  EXPECT_EQ(kept->detail, "no h2d link ceiling on B (" + gh200.device.name + ")");
}

TEST(Projection, CopiesUseMeasuredLinksAsAnalyzeDoes) {
  // Swept profiles carry h2d_pinned and p2p_<i>_<j>, not the datasheet's pcie and nvlink.
  machine_profile a = datasheet("a100_pcie_40gb");
  machine_profile b = datasheet("h100_pcie");
  for (auto* p : {&a, &b}) {
    p->links.clear();
    const double scale = p == &a ? 1.0 : 2.0;
    for (const auto& [id, bw] : {std::pair{"h2d_pinned", 24e9}, std::pair{"p2p_0_1", 40e9}, std::pair{"p2p_1_0", 20e9}}) {
      link_ceiling l;
      l.id = id;
      l.bytes_per_s = bw * scale;
      p->links.push_back(l);
    }
  }
  auto d = one_device({placed_gemm(1e12, 1e9, 10e-3)}, 0.0);
  for (const char* kind : {"h2d", "p2p", "d2h"}) {
    copy_summary c;
    c.kind = kind;
    c.count = 1;
    c.time_s = 1e-3;
    d.copies.push_back(c);
  }
  const projection p = project_workload(d, a, b, "a.json", "b.json");
  std::map<std::string, const projected_item*> copies;
  for (const auto& i : p.items) if (i.kind == "copies") copies[i.name] = &i;
  ASSERT_EQ(copies.size(), 3u);
  EXPECT_EQ(copies["h2d"]->method, "link");
  EXPECT_NEAR(copies["h2d"]->time_b_s, 0.5e-3, 1e-15);
  EXPECT_NE(copies["h2d"]->detail.find("h2d_pinned"), std::string::npos) << copies["h2d"]->detail;
  EXPECT_NE(copies["p2p"]->detail.find("p2p_0_1"), std::string::npos) << "the fastest pair";
  EXPECT_EQ(copies["d2h"]->method, "kept");  // no d2h link on either: kept, said
}

TEST(Projection, LaunchesWithoutATimeAreNotFlooredAboveIt) {
  // Placeholder times: a group with launches but no measured time stays at zero on B.
  auto g = placed_gemm(1e9, 1e9, 1e-3);
  g.total_s = 0.0;
  g.count = 77;
  const projection p = project_workload(one_device({g}, 0.0), datasheet("a100_sxm4_40gb"), datasheet("h100_sxm5"), "a", "b");
  ASSERT_FALSE(p.items.empty());
  EXPECT_EQ(p.items[0].time_b_s, 0.0);
  EXPECT_FALSE(p.items[0].floored);
}

TEST(Projection, MeasurementGivesTheError) {
  const auto a100 = datasheet("a100_sxm4_80gb");
  const auto v100 = datasheet("v100_sxm2");
  const auto d = one_device({placed_gemm(1e9, 1e9, 1e-3)}, 0.0);
  projection p = project_workload(d, a100, v100, "a", "b");
  analysis_document measured = one_device({placed_gemm(1e9, 1e9, 2e-3)}, 0.0);
  measured.classes.push_back({kernel_class::gemm, 1, 1, 2e-3, 1.0, 0.0, 0.0});
  attach_measurement(p, measured, "m.json");
  ASSERT_TRUE(p.kernel_time.error().has_value());
  EXPECT_NEAR(*p.kernel_time.error(), (p.kernel_time.time_b_s - 2e-3) / 2e-3, 1e-12);
  ASSERT_TRUE(p.classes[0].measured_b_s.has_value());
  EXPECT_DOUBLE_EQ(*p.classes[0].measured_b_s, 2e-3);
}

TEST(Projection, AMeasuredRunOfOtherWorkIsSaid) {
  const auto a100 = datasheet("a100_sxm4_80gb");
  const auto h100 = datasheet("h100_sxm5");
  auto g = placed_gemm(1e12, 1e9, 5e-3);
  g.count = 100;
  projection p = project_workload(one_device({g}, 0.0), a100, h100, "a", "b");
  analysis_document same = one_device({g}, 0.0);
  same.totals.kernels = 105;  // within 10%
  attach_measurement(p, same, "b.json");
  EXPECT_TRUE(p.warnings.empty());
  analysis_document other = same;
  other.totals.kernels = 60;
  attach_measurement(p, other, "b.json");
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_NE(p.warnings[0].find("60 kernel launches against 100 on A (-40%)"), std::string::npos) << p.warnings[0];
}

TEST(Projection, TargetWithoutMainMemoryIsAnInputError) {
  const auto a100 = datasheet("a100_sxm4_80gb");
  machine_profile bare;
  bare.device.name = "bare";
  EXPECT_THROW((void)project_workload(one_device({placed_gemm(1, 1, 1)}, 0.0), a100, bare, "a", "bare.json"), input_error);
}

}  // namespace
}  // namespace rafter

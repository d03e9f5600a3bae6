#include "analysis/analyzer.hpp"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/machine_profile.hpp"
#include "core/trace.hpp"

namespace rafter {
namespace {

// A small H100-like profile with round numbers so the expected values can be worked out by hand.
machine_profile test_profile() {
  machine_profile p;
  p.device.name = "Test GPU";
  p.device.kind = device_kind::gpu;
  auto ceiling = [](std::string id, std::string precision, std::string unit, double flop_per_s) {
    compute_ceiling c;
    c.id = std::move(id);
    c.precision = std::move(precision);
    c.unit = std::move(unit);
    c.flop_per_s = flop_per_s;
    c.source = figure_source::datasheet;
    c.source_url = "https://example.com";
    return c;
  };
  p.compute = {ceiling("fp32.vector", "fp32", "vector", 6e13), ceiling("bf16.tensor", "bf16", "tensor", 1e15)};
  memory_level hbm;
  hbm.level = "hbm";
  hbm.read_bytes_per_s = 3e12;
  hbm.source = figure_source::measured;
  memory_level l2;
  l2.level = "l2";
  l2.read_bytes_per_s = 1e13;
  l2.source = figure_source::measured;
  p.memory = {l2, hbm};
  link_ceiling nvlink;
  nvlink.id = "nvlink";
  nvlink.bytes_per_s = 9e11;
  link_ceiling h2d;
  h2d.id = "h2d_pinned";
  h2d.bytes_per_s = 5e10;
  p.links = {nvlink, h2d};
  return p;
}

kernel_classifier classes() { return kernel_classifier::load(RAFTER_SOURCE_DIR "/configs/kernel_classes.json"); }

trace_kernel kernel(std::int64_t id, std::string name, std::int64_t start_ns, std::int64_t duration_ns, std::uint32_t grid = 1) {
  trace_kernel k;
  k.id = id;
  k.name = std::move(name);
  k.start_ns = start_ns;
  k.end_ns = start_ns + duration_ns;
  k.grid = dim3_value{grid, 1, 1};
  k.block = dim3_value{256, 1, 1};
  return k;
}

trace_op op_on(std::int64_t id, std::int64_t thread, std::int64_t start_ns, std::int64_t end_ns) {
  trace_op o;
  o.id = id;
  o.name = "aten::op";
  o.thread = thread;
  o.start_ns = start_ns;
  o.end_ns = end_ns;
  return o;
}

trace_range range_on(std::int64_t id, std::string name, std::int64_t thread, std::optional<int> device, std::int64_t start_ns,
                     std::int64_t end_ns) {
  trace_range r;
  r.id = id;
  r.name = std::move(name);
  r.thread = thread;
  r.device = device;
  r.start_ns = start_ns;
  r.end_ns = end_ns;
  return r;
}

/// Kernel a (1 us from 1 us, launched by op 10) and kernel b (2 us from 5 us, by op 11).
trace two_kernels_launched_by_ops_10_and_11() {
  trace t;
  auto k1 = kernel(1, "a", 1'000, 1'000);
  k1.op_id = 10;
  auto k2 = kernel(2, "b", 5'000, 2'000);
  k2.op_id = 11;
  t.kernels = {k1, k2};
  return t;
}

kernel_metrics measured(std::string kind, double flop, std::map<std::string, double> bytes) {
  kernel_metrics m;
  m.flop[kind] = flop;
  m.bytes = std::move(bytes);
  return m;
}

analysis_document run(const trace& t, const machine_profile& p = test_profile()) {
  analyze_options o;
  o.trace_file = "t.json";
  o.machine_file = "p.json";
  return analyze(t, p, classes(), o);
}

const kernel_group& group_named(const analysis_document& a, const std::string& name) {
  const auto it = std::find_if(a.groups.begin(), a.groups.end(), [&](const kernel_group& g) { return g.name == name; });
  if (it == a.groups.end()) throw std::runtime_error("no group " + name);
  return *it;
}
/// A group of a temporary analysis would dangle.
const kernel_group& group_named(analysis_document&& a, const std::string& name) = delete;

TEST(analyzer, groups_by_name_and_launch_shape_most_time_first) {
  trace t;
  t.kernels = {kernel(1, "k_a", 0, 100), kernel(2, "k_a", 200, 300), kernel(3, "k_a", 600, 1000, 2), kernel(4, "k_b", 2000, 50)};
  const auto a = run(t);
  ASSERT_EQ(a.groups.size(), 3u);
  EXPECT_EQ(a.groups[0].name, "k_a");
  EXPECT_EQ(a.groups[0].grid->x, 2u);
  EXPECT_EQ(a.groups[0].count, 1);
  EXPECT_EQ(a.groups[1].name, "k_a");
  EXPECT_EQ(a.groups[1].count, 2);
  EXPECT_DOUBLE_EQ(a.groups[1].total_s, 400e-9);
  EXPECT_DOUBLE_EQ(a.groups[1].mean_s, 200e-9);
  EXPECT_DOUBLE_EQ(a.groups[1].min_s, 100e-9);
  EXPECT_DOUBLE_EQ(a.groups[1].max_s, 300e-9);
  for (std::size_t i = 0; i < a.groups.size(); ++i) EXPECT_EQ(a.groups[i].id, static_cast<std::int64_t>(i));
  EXPECT_EQ(a.totals.kernels, 4);
  EXPECT_EQ(a.totals.groups, 3);
}

TEST(analyzer, measured_counters_give_the_hierarchical_placement_worked_out_by_hand) {
  trace t;
  // 6 GFLOP fp32 on CUDA cores in 1 ms with 1 GB from DRAM and 4 GB from L2.
  auto k = kernel(1, "my_fp32_kernel", 0, 1'000'000);
  k.metrics = measured("fp32.cuda_core", 6e9, {{"dram", 1e9}, {"l2", 4e9}});
  t.kernels = {k};
  const auto a = run(t);
  const auto& g = a.groups.at(0);
  EXPECT_EQ(g.work, work_source::measured);
  EXPECT_EQ(g.precision, "fp32");
  EXPECT_EQ(g.pipe, "cuda_core");
  EXPECT_EQ(g.compute_ceiling, "fp32.vector");
  EXPECT_DOUBLE_EQ(*g.achieved_flop_per_s, 6e12);
  EXPECT_DOUBLE_EQ(*g.compute_fraction, 0.1);
  ASSERT_EQ(g.levels.size(), 2u);
  EXPECT_EQ(g.levels[0].level, "l2");  // Inner level first.
  EXPECT_EQ(g.levels[1].level, "hbm");  // "dram" counters map onto the profile's hbm.
  EXPECT_DOUBLE_EQ(*g.levels[1].arithmetic_intensity, 6.0);
  EXPECT_DOUBLE_EQ(*g.levels[0].arithmetic_intensity, 1.5);
  // Attainable: min(6e13, 6 x 3e12 = 1.8e13, 1.5 x 1e13 = 1.5e13) = 1.5e13, bound by L2.
  EXPECT_DOUBLE_EQ(*g.attainable_flop_per_s, 1.5e13);
  EXPECT_EQ(g.binding, "l2");
  EXPECT_NEAR(*g.memory_fraction, 4e12 / 1e13, 1e-12);  // L2 at 40% beats HBM at 33%.
  EXPECT_EQ(g.memory_level, "l2");
  EXPECT_EQ(g.limiter.kind, limiter_kind::latency);  // 10% compute, 40% memory: both below 60%.
  // Time at the roof: max(6e9/6e13, 1e9/3e12, 4e9/1e13) = 0.4 ms; opportunity 0.6 ms.
  EXPECT_NEAR(*g.roof_time_s, 4e-4, 1e-15);
  EXPECT_NEAR(*g.opportunity_s, 6e-4, 1e-15);
  EXPECT_DOUBLE_EQ(a.totals.placed_fraction, 1.0);
  ASSERT_EQ(a.opportunities.size(), 1u);
}

TEST(analyzer, no_launch_is_assumed_faster_at_its_roof_than_the_launch_floor) {
  trace t;
  // 100 back-to-back 8 us launches moving 4.8 kB each: about 2 ns apiece at 3 TB/s, but at least 2 us.
  for (int i = 0; i < 100; ++i) {
    auto k = kernel(i, "mul_kernel", i * 8'000, 8'000);
    k.metrics = measured("fp32.cuda_core", 1.2e3, {{"dram", 4.8e3}});
    t.kernels.push_back(k);
  }
  const auto a = run(t);
  const auto& g = group_named(a, "mul_kernel");
  EXPECT_NE(g.limiter.kind, limiter_kind::launch_overhead);  // no idle gaps
  EXPECT_DOUBLE_EQ(*g.roof_time_s, 100 * 2e-6);
  EXPECT_NEAR(*g.opportunity_s, 100 * 6e-6, 1e-15);
  EXPECT_EQ(a.totals.launch_floor_s, 2e-6);  // recorded for the projection
  // A trace whose shortest kernel is shorter lowers the floor to it.
  auto quick = kernel(1'000, "quick", 2'000'000, 1'000);
  t.kernels.push_back(quick);
  const auto lowered = run(t);
  EXPECT_DOUBLE_EQ(*group_named(lowered, "mul_kernel").roof_time_s, 100 * 1e-6);
  ASSERT_TRUE(lowered.totals.launch_floor_s);
  EXPECT_DOUBLE_EQ(*lowered.totals.launch_floor_s, 1e-6);
}

TEST(analyzer, an_estimate_above_the_dram_roof_says_operands_came_from_l2) {
  trace t;
  auto k = kernel(1, "void at::native::vectorized_elementwise_kernel<4, mul>", 0, 10'000);
  k.estimate = kernel_estimate{};
  k.estimate->formula = "elementwise";
  k.estimate->precision = "fp32";
  k.estimate->flop = 2.6e6;
  k.estimate->bytes = 4e7;  // 4 TB/s in 10 us: 133% of the profile's 3 TB/s
  t.kernels = {k};
  const auto a = run(t);
  const auto& g = a.groups.at(0);
  ASSERT_EQ(g.flags.size(), 1u);
  EXPECT_NE(g.flags[0].find("did not come from DRAM"), std::string::npos) << g.flags[0];
  EXPECT_NE(g.limiter.rule.find("estimated traffic: each operand moved once"), std::string::npos) << g.limiter.rule;
}

TEST(analyzer, counters_duration_is_the_time_base_of_measured_rates) {
  trace t;
  auto k = kernel(1, "k", 0, 2'000'000);
  k.metrics = measured("fp32.cuda_core", 6e9, {{"dram", 1e6}});
  k.metrics->duration_s = 1e-3;  // The replayed kernel the counters describe took 1 ms.
  t.kernels = {k};
  EXPECT_DOUBLE_EQ(*run(t).groups[0].achieved_flop_per_s, 6e12);
}

TEST(analyzer, extrapolated_time_is_trace_time_of_the_launches_without_work) {
  // Two equal 100 us launches; the one with counters took 50 us in the counter tool's replay. The
  // other is half the kernel time, whatever the replay took.
  trace t;
  auto counted = kernel(1, "k", 0, 100'000);
  counted.metrics = measured("fp32.cuda_core", 1e9, {{"dram", 1e6}});
  counted.metrics->duration_s = 50e-6;
  t.kernels = {counted, kernel(2, "k", 200'000, 100'000)};
  const auto a = run(t);
  EXPECT_DOUBLE_EQ(a.totals.extrapolated_time_s, 100e-6);
  EXPECT_DOUBLE_EQ(a.groups[0].work_time_s, 50e-6);  // rates still use the counters' own time
}

TEST(analyzer, a_collective_with_counters_is_not_placed_on_the_roofline) {
  trace t;
  for (int i = 0; i < 4; ++i) {
    auto k = kernel(i, "ncclDevKernel_AllReduce_Sum_f32_RING_LL", i * 200'000, 100'000);
    k.metrics = measured("fp32.cuda_core", 1e6, {{"dram", 1e6}});
    t.kernels.push_back(k);
  }
  auto gemm = kernel(10, "gemm_kernel", 1'000'000, 100'000);
  gemm.metrics = measured("fp32.cuda_core", 1e9, {{"dram", 1e6}});
  t.kernels.push_back(gemm);
  const auto a = run(t);
  const auto& nccl = group_named(a, "ncclDevKernel_AllReduce_Sum_f32_RING_LL");
  EXPECT_EQ(nccl.cls, kernel_class::communication);
  EXPECT_FALSE(nccl.placed());
  EXPECT_FALSE(nccl.opportunity_s.has_value());
  EXPECT_NEAR(a.totals.placed_time_s, 100e-6, 1e-15);  // the gemm only
  EXPECT_NEAR(a.totals.communication_time_s, 400e-6, 1e-15);
  for (const auto id : a.opportunities) EXPECT_NE(a.groups[static_cast<std::size_t>(id)].cls, kernel_class::communication);
}

TEST(analyzer, tensor_work_is_held_against_the_tensor_ceiling_and_bound_by_compute) {
  trace t;
  auto k = kernel(1, "sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn", 0, 1'000'000);
  k.metrics = measured("bf16.tensor", 9e11, {{"dram", 1e8}});  // 900 TFLOP/s, AI 9000.
  t.kernels = {k};
  const auto a = run(t);
  const auto& g = a.groups[0];
  EXPECT_EQ(g.cls, kernel_class::gemm);
  EXPECT_EQ(g.compute_ceiling, "bf16.tensor");
  EXPECT_EQ(g.binding, "bf16.tensor");
  EXPECT_EQ(g.limiter.kind, limiter_kind::compute);
  EXPECT_EQ(g.limiter.detail, "bf16.tensor");
  EXPECT_TRUE(g.flags.empty());
}

TEST(analyzer, shape_estimates_are_used_when_no_counters_and_say_so) {
  trace t;
  auto k = kernel(1, "ampere_bf16_s16816gemm_bf16_128x128", 0, 1'000'000);
  const double m = 8944, n = 2816, kk = 1024;
  k.estimate = kernel_estimate{};
  k.estimate->formula = "gemm";
  k.estimate->precision = "bf16";
  k.estimate->flop = 2 * m * n * kk;
  k.estimate->bytes = 2 * (m * kk + kk * n + m * n);
  auto k2 = kernel(2, "ampere_bf16_s16816gemm_bf16_128x128", 2'000'000, 1'000'000);
  k2.estimate = k.estimate;
  k2.metrics = measured("bf16.tensor", 5e11, {{"dram", 1e6}});  // Counters win when a launch has them.
  t.kernels = {k};
  const auto a = run(t);
  const auto& g = a.groups[0];
  EXPECT_EQ(g.work, work_source::estimate);
  EXPECT_EQ(g.estimate_formula, "gemm");
  EXPECT_TRUE(g.pipe_assumed);
  EXPECT_EQ(g.pipe, "tensor");
  EXPECT_DOUBLE_EQ(g.flop, 2 * m * n * kk);
  EXPECT_DOUBLE_EQ(*g.achieved_flop_per_s, 2 * m * n * kk / 1e-3);
  EXPECT_NE(g.limiter.rule.find("estimated traffic"), std::string::npos);
  EXPECT_DOUBLE_EQ(a.totals.estimated_time_s, 1e-3);

  t.kernels = {k, k2};
  const auto b = run(t);
  EXPECT_EQ(b.groups[0].work, work_source::measured);
  EXPECT_EQ(b.groups[0].work_count, 1);
  // Roof time scales from the work launch to the whole group.
  EXPECT_NEAR(*b.groups[0].roof_time_s, 2.0 * std::max(5e11 / 1e15, 1e6 / 3e12), 1e-15);
  EXPECT_DOUBLE_EQ(b.totals.extrapolated_time_s, 1e-3);  // the launch without counters
  EXPECT_DOUBLE_EQ(a.totals.extrapolated_time_s, 0.0);
}

TEST(analyzer, memory_bound_kernel_is_named_by_level) {
  trace t;
  auto k = kernel(1, "void at::native::vectorized_elementwise_kernel<4, add>", 0, 1'000'000);
  k.metrics = measured("fp32.cuda_core", 1e8, {{"dram", 2.7e9}});  // 2.7 TB/s of 3 TB/s = 90%.
  t.kernels = {k};
  const auto a = run(t);
  const auto& g = a.groups[0];
  EXPECT_EQ(g.cls, kernel_class::elementwise);
  EXPECT_EQ(g.limiter.kind, limiter_kind::memory);
  EXPECT_EQ(g.limiter.detail, "hbm");
  EXPECT_NE(g.limiter.rule.find("90%"), std::string::npos) << g.limiter.rule;
}

TEST(analyzer, short_kernels_with_gaps_are_launch_bound_and_nccl_is_communication) {
  trace t;
  for (int i = 0; i < 20; ++i) t.kernels.push_back(kernel(i, "tiny_kernel", i * 20'000, 2'000));  // 2 us, 18 us idle before.
  t.kernels.push_back(kernel(100, "ncclDevKernel_AllReduce_Sum_f32_RING_LL", 1'000'000, 500'000));
  const auto a = run(t);
  EXPECT_EQ(group_named(a, "tiny_kernel").limiter.kind, limiter_kind::launch_overhead);
  EXPECT_NEAR(group_named(a, "tiny_kernel").mean_gap_before_s, 18e-6 * 19 / 20, 1e-12);
  EXPECT_FALSE(group_named(a, "tiny_kernel").opportunity_s.value_or(0.0) > 0.0);  // the device idles between them
  const auto& nccl = group_named(a, "ncclDevKernel_AllReduce_Sum_f32_RING_LL");
  EXPECT_EQ(nccl.cls, kernel_class::communication);
  EXPECT_EQ(nccl.limiter.kind, limiter_kind::communication);
  EXPECT_EQ(nccl.limiter.detail, "nvlink");
}

TEST(analyzer, recorded_collectives_give_bus_bandwidth_against_the_link_that_measures_them) {
  machine_profile p = test_profile();
  link_ceiling nccl;
  nccl.id = "nccl_allreduce";
  nccl.bytes_per_s = 2e11;
  p.links.push_back(nccl);
  trace t;
  // Two all-reduces of 64 MB over 8 ranks, 1 ms each: busbw = 64e6 * 2 * 7 / 8 / 1e-3 = 112 GB/s.
  for (int i = 0; i < 2; ++i) {
    trace_kernel k = kernel(i, "ncclDevKernel_AllReduce_Sum_bf16_RING_LL", i * 2'000'000, 1'000'000);
    k.collective = kernel_collective{"allreduce", 64e6, 64e6, 8};
    t.kernels.push_back(k);
  }
  trace_kernel gather = kernel(10, "ncclDevKernel_AllGather_RING_LL", 5'000'000, 1'000'000);
  gather.collective = kernel_collective{"_allgather_base", 8e6, 64e6, 8};  // S = the gathered output
  t.kernels.push_back(gather);
  const auto a = run(t, p);
  const auto& ar = group_named(a, "ncclDevKernel_AllReduce_Sum_bf16_RING_LL");
  EXPECT_EQ(ar.collective, "allreduce");
  EXPECT_EQ(ar.collective_count, 2);
  ASSERT_TRUE(ar.bus_bytes_per_s.has_value());
  EXPECT_NEAR(*ar.bus_bytes_per_s, 112e9, 1e3);
  EXPECT_EQ(ar.link_ceiling, "nccl_allreduce");
  ASSERT_TRUE(ar.link_fraction.has_value());
  EXPECT_NEAR(*ar.link_fraction, 0.56, 1e-12);
  EXPECT_EQ(ar.limiter.kind, limiter_kind::communication);
  EXPECT_EQ(ar.limiter.detail, "nccl_allreduce");
  EXPECT_EQ(ar.limiter.rule, "communication kernel (class rule); bus bandwidth 56% of nccl_allreduce");
  EXPECT_FALSE(ar.placed());  // a link fraction is not a roofline placement
  // No all-gather ceiling in the profile: the bus bandwidth alone, the limiter names the fastest link.
  const auto& ag = group_named(a, "ncclDevKernel_AllGather_RING_LL");
  EXPECT_NEAR(*ag.bus_bytes_per_s, 64e6 * 7.0 / 8.0 / 1e-3, 1e3);
  EXPECT_TRUE(ag.link_ceiling.empty());
  EXPECT_FALSE(ag.link_fraction.has_value());
  EXPECT_EQ(ag.limiter.detail, "nvlink");

  // One NCCL kernel runs any collective: a group that ran all-reduces and broadcasts has a bus
  // bandwidth but no one link to hold it against.
  trace mixed;
  trace_kernel r = kernel(0, "ncclDevKernel_Generic", 0, 1'000'000);
  r.collective = kernel_collective{"allreduce", 64e6, 64e6, 8};
  trace_kernel b = kernel(1, "ncclDevKernel_Generic", 2'000'000, 1'000'000);
  b.collective = kernel_collective{"broadcast", 64e6, 64e6, 8};
  mixed.kernels = {r, b};
  const auto mixed_analysis = run(mixed, p);
  const auto& g = group_named(mixed_analysis, "ncclDevKernel_Generic");
  EXPECT_EQ(g.collective_count, 2);
  EXPECT_NEAR(*g.bus_bytes_per_s, (64e6 * 2 * 7 / 8 + 64e6) / 2e-3, 1e3);
  EXPECT_TRUE(g.link_ceiling.empty());
  EXPECT_FALSE(g.link_fraction.has_value());
}

TEST(analyzer, impossible_numbers_are_flagged_never_hidden) {
  trace t;
  auto fast = kernel(1, "too_fast", 0, 1'000'000);
  fast.metrics = measured("fp32.cuda_core", 1.2e11, {{"dram", 1e6}});  // 120 TFLOP/s against a 60 TFLOP/s roof.
  auto negative = kernel(2, "negative", 2'000'000, 1'000'000);
  negative.metrics = measured("fp32.cuda_core", -5.0, {{"dram", 1e6}});
  auto within_noise = kernel(3, "within_noise", 4'000'000, 1'000'000);
  within_noise.metrics = measured("fp32.cuda_core", 6.3e10, {{"dram", 1e6}});  // 105%: measurement noise.
  t.kernels = {fast, negative, within_noise};
  const auto a = run(t);
  const auto& f = group_named(a, "too_fast");
  ASSERT_EQ(f.flags.size(), 1u);
  EXPECT_NE(f.flags[0].find("above the roof"), std::string::npos);
  const auto& n = group_named(a, "negative");
  EXPECT_FALSE(n.placed());
  EXPECT_FALSE(n.achieved_flop_per_s);
  EXPECT_NE(n.flags.at(0).find("negative FLOP"), std::string::npos);
  EXPECT_TRUE(group_named(a, "within_noise").flags.empty());
  EXPECT_EQ(a.totals.flagged_groups, 2);
  EXPECT_TRUE(std::any_of(a.warnings.begin(), a.warnings.end(), [](const std::string& w) { return w.find("flagged") != std::string::npos; }));
}

TEST(analyzer, flop_the_counters_hold_without_a_weight_is_not_placed_as_complete_work) {
  trace t;
  t.source.tool = "ncu";
  t.source.not_recorded = {"fp16.tensor FLOP: the weight of sm__inst_executed_pipe_tensor.sum depends on the GPU "
                           "architecture, which the file does not name (2 kernels)"};
  t.source.warnings = {"3 columns that are not Nsight Compute metrics ignored: Time, CC FLOPs, TC FLOPs"};
  auto hmma = kernel(1, "hmma", 0, 1'000'000);
  hmma.metrics = measured("fp32.cuda_core", 1e6, {{"dram", 1e6}});
  hmma.metrics->uncounted_flop = {"fp16.tensor"};
  auto plain = kernel(2, "plain", 2'000'000, 1'000'000);
  plain.metrics = measured("fp32.cuda_core", 1e9, {{"dram", 1e6}});
  t.kernels = {hmma, plain};
  const auto a = run(t);
  const auto& g = group_named(a, "hmma");
  EXPECT_EQ(g.work, work_source::none);  // 1 MFLOP of FP32 beside unknown tensor work is not the kernel's rate
  EXPECT_FALSE(g.placed());
  EXPECT_FALSE(g.achieved_flop_per_s);
  EXPECT_TRUE(g.flags.empty());  // missing data, not a suspicious number: said in the rule
  EXPECT_NE(g.limiter.rule.find("fp16.tensor"), std::string::npos) << g.limiter.rule;
  EXPECT_EQ(group_named(a, "plain").work, work_source::measured);
  // The headline does not count it as work from counters.
  EXPECT_DOUBLE_EQ(a.totals.measured_time_s, 1e-3);
  EXPECT_DOUBLE_EQ(a.totals.unknown_time_s, 1e-3);
  // What the trace's recording lacks reaches the analysis' warnings.
  auto warned = [&](const std::string& part) {
    return std::any_of(a.warnings.begin(), a.warnings.end(), [&](const std::string& w) { return w.find(part) != std::string::npos; });
  };
  EXPECT_TRUE(warned("not in the trace: fp16.tensor FLOP: the weight of sm__inst_executed_pipe_tensor.sum"));
  EXPECT_TRUE(warned("trace: 3 columns that are not Nsight Compute metrics ignored"));
  EXPECT_TRUE(warned("--assume-arch"));
}

TEST(analyzer, work_without_a_matching_ceiling_is_said_not_guessed) {
  trace t;
  auto k = kernel(1, "k", 0, 1'000'000);
  k.metrics = measured("fp16.cuda_core", 1e9, {{"dram", 1e9}});
  t.kernels = {k};
  const auto a = run(t);
  const auto& g = a.groups[0];
  EXPECT_TRUE(g.compute_ceiling.empty());
  EXPECT_FALSE(g.compute_fraction);
  EXPECT_DOUBLE_EQ(*g.attainable_flop_per_s, 1.0 * 3e12);  // Memory roof only.
  EXPECT_TRUE(std::any_of(a.warnings.begin(), a.warnings.end(),
                          [](const std::string& w) { return w.find("fp16.cuda_core") != std::string::npos; }));
}

TEST(analyzer, bad_input_is_refused_naming_file_and_field) {
  trace empty;
  try {
    (void)run(empty);
    FAIL() << "no error for a trace without kernels";
  } catch (const input_error& e) {
    EXPECT_EQ(e.file(), "t.json");
    EXPECT_EQ(e.field(), "kernels");
  }
  trace t;
  t.kernels = {kernel(1, "k", 0, 10)};
  machine_profile no_memory = test_profile();
  no_memory.memory.clear();
  try {
    (void)run(t, no_memory);
    FAIL() << "no error for a profile without memory levels";
  } catch (const input_error& e) {
    EXPECT_EQ(e.file(), "p.json");
    EXPECT_EQ(e.field(), "memory");
    EXPECT_EQ(e.code(), exit_code::usage);
  }
}

TEST(analyzer, busy_idle_gaps_and_concurrency_per_device) {
  trace t;
  // Device 0: [0,100) and [50,150) overlap; idle until 1150; [1150,1200). Device 1: one kernel.
  t.kernels = {kernel(1, "a", 0, 100'000), kernel(2, "b", 50'000, 100'000), kernel(3, "c", 1'150'000, 50'000)};
  auto other = kernel(4, "d", 0, 10'000);
  other.device = 1;
  t.kernels.push_back(other);
  trace_copy c;
  c.id = 1;
  c.kind = "h2d";
  c.bytes = 1e6;
  c.start_ns = 300'000;
  c.end_ns = 340'000;  // 40 us for 1 MB: 25 GB/s, half the 50 GB/s link.
  t.copies = {c};
  const auto a = run(t);
  ASSERT_EQ(a.devices.size(), 2u);
  const auto& d = a.devices[0];
  EXPECT_EQ(d.kernels, 3);
  EXPECT_EQ(d.copies, 1);
  EXPECT_DOUBLE_EQ(d.span_s, 1.2e-3);
  EXPECT_DOUBLE_EQ(d.kernel_busy_s, 200e-6);
  EXPECT_DOUBLE_EQ(d.busy_s, 240e-6);
  EXPECT_DOUBLE_EQ(d.idle_s, 1.2e-3 - 240e-6);
  EXPECT_DOUBLE_EQ(d.kernel_time_s, 250e-6);
  EXPECT_DOUBLE_EQ(d.concurrent_s, 50e-6);
  EXPECT_EQ(d.max_concurrency, 2);
  EXPECT_EQ(d.gaps, 1);
  EXPECT_DOUBLE_EQ(d.gap_total_s, 1e-3);
  EXPECT_EQ(d.gap_histogram.back().count, 1);  // >= 1 ms bucket.
  ASSERT_EQ(d.timeline.size(), 240u);
  EXPECT_DOUBLE_EQ(d.timeline.front().busy_fraction, 1.0);
  EXPECT_DOUBLE_EQ(d.timeline[120].busy_fraction, 0.0);
  EXPECT_EQ(a.devices[1].kernels, 1);
  ASSERT_EQ(a.copies.size(), 1u);
  EXPECT_EQ(a.copies[0].link, "h2d_pinned");
  EXPECT_DOUBLE_EQ(*a.copies[0].achieved_bytes_per_s, 25e9);
  EXPECT_DOUBLE_EQ(*a.copies[0].fraction_of_link, 0.5);
}

TEST(analyzer, a_copy_is_held_against_one_direction_of_a_bidirectional_datasheet_link) {
  trace t;
  trace_copy c;
  c.id = 1;
  c.kind = "h2d";
  c.bytes = 8e6;
  c.start_ns = 0;
  c.end_ns = 1'000'000;  // 8 GB/s: a quarter of one direction of a 64 GB/s (both ways) PCIe Gen4 x16.
  t.copies = {c};
  t.kernels = {kernel(1, "a", 2'000'000, 10'000)};
  machine_profile p = test_profile();
  link_ceiling pcie;
  pcie.id = "pcie";
  pcie.bytes_per_s = 64e9;
  pcie.source = figure_source::datasheet;
  pcie.note = "bidirectional aggregate; per direction is half";
  p.links = {pcie};
  const auto a = run(t, p);
  ASSERT_EQ(a.copies.size(), 1u);
  EXPECT_EQ(a.copies[0].link, "pcie");
  EXPECT_DOUBLE_EQ(*a.copies[0].link_bytes_per_s, 32e9);
  EXPECT_DOUBLE_EQ(*a.copies[0].fraction_of_link, 0.25);
}

TEST(analyzer, time_by_class_and_placed_fraction) {
  trace t;
  auto gemm = kernel(1, "xmma_gemm_bf16", 0, 3'000'000);
  gemm.metrics = measured("bf16.tensor", 1e12, {{"dram", 1e9}});
  t.kernels = {gemm, kernel(2, "ncclKernel_AllReduce", 3'000'000, 1'000'000)};
  const auto a = run(t);
  ASSERT_EQ(a.classes.size(), 2u);
  EXPECT_EQ(a.classes[0].cls, kernel_class::gemm);
  EXPECT_DOUBLE_EQ(a.classes[0].fraction, 0.75);
  EXPECT_DOUBLE_EQ(a.classes[0].placed_s, 3e-3);
  EXPECT_DOUBLE_EQ(a.totals.placed_fraction, 0.75);
  EXPECT_DOUBLE_EQ(a.totals.unknown_time_s, 1e-3);
}

TEST(analyzer, ranges_get_gpu_overlap_or_the_kernels_their_ops_launched) {
  trace t = two_kernels_launched_by_ops_10_and_11();
  t.ops = {op_on(10, 7, 100, 200), op_on(11, 7, 300, 400)};
  t.ranges = {range_on(1, "decode", 7, std::nullopt, 250, 500),  // CPU side: contains op 11 only.
              range_on(2, "layer", -1, 0, 0, 1'500),             // GPU side: overlaps half of kernel a.
              range_on(3, "layer", -1, 0, 5'500, 10'000)};       // Second instance: 1.5 us of kernel b.
  const auto a = run(t);
  ASSERT_EQ(a.ranges.size(), 2u);
  const auto& layer = a.ranges[0].name == "layer" ? a.ranges[0] : a.ranges[1];
  const auto& decode = a.ranges[0].name == "decode" ? a.ranges[0] : a.ranges[1];
  EXPECT_TRUE(layer.gpu_side);
  EXPECT_EQ(layer.count, 2);
  EXPECT_EQ(layer.kernels, 2);
  EXPECT_DOUBLE_EQ(layer.kernel_time_s, 500e-9 + 1500e-9);
  EXPECT_FALSE(decode.gpu_side);
  EXPECT_EQ(decode.kernels, 1);
  EXPECT_DOUBLE_EQ(decode.kernel_time_s, 2e-6);
}

TEST(analyzer, a_range_nested_in_one_of_the_same_name_counts_once) {
  trace t = two_kernels_launched_by_ops_10_and_11();
  t.ops = {op_on(10, 7, 150, 200), op_on(11, 8, 150, 200)};
  // A module's forward calling a submodule's of the same name. Thread 7: union [100, 1200); thread 8: [100, 300).
  t.ranges = {range_on(1, "forward", 7, std::nullopt, 100, 1'000), range_on(2, "forward", 7, std::nullopt, 120, 600),
              range_on(3, "forward", 7, std::nullopt, 900, 1'200), range_on(4, "forward", 8, std::nullopt, 100, 300)};
  const auto a = run(t);
  ASSERT_EQ(a.ranges.size(), 1u);
  EXPECT_EQ(a.ranges[0].count, 4);
  EXPECT_DOUBLE_EQ(a.ranges[0].wall_s, 1'100e-9 + 200e-9);
  EXPECT_EQ(a.ranges[0].kernels, 2);  // op 10 once (not once per enclosing instance), op 11 on thread 8
  EXPECT_DOUBLE_EQ(a.ranges[0].kernel_time_s, 1e-6 + 2e-6);
}

TEST(analyzer, a_cpu_range_gets_the_kernels_launched_in_it_without_an_op) {
  // NCCL's all_to_all annotation: the kernels are launched directly (cudaLaunchKernel) inside it,
  // with no framework op around them.
  trace t;
  auto inside = kernel(1, "ncclKernel_SendRecv", 10'000, 4'000);
  inside.launch = kernel_launch{7, 300};
  auto nested = kernel(2, "ncclKernel_SendRecv", 20'000, 3'000);
  nested.launch = kernel_launch{7, 450};  // in the nested instance [400, 500): counted once
  auto after = kernel(3, "ncclKernel_SendRecv", 30'000, 5'000);
  after.launch = kernel_launch{7, 600};  // the union ends at 600 (half-open)
  auto other_thread = kernel(4, "ncclKernel_SendRecv", 40'000, 6'000);
  other_thread.launch = kernel_launch{8, 300};
  t.kernels = {inside, nested, after, other_thread};
  t.ranges = {range_on(1, "nccl:all_to_all", 7, std::nullopt, 200, 600),
              range_on(2, "nccl:all_to_all", 7, std::nullopt, 400, 500)};
  const auto a = run(t);
  ASSERT_EQ(a.ranges.size(), 1u);
  EXPECT_FALSE(a.ranges[0].gpu_side);
  EXPECT_EQ(a.ranges[0].count, 2);
  EXPECT_DOUBLE_EQ(a.ranges[0].wall_s, 400e-9);
  EXPECT_EQ(a.ranges[0].kernels, 2);
  EXPECT_DOUBLE_EQ(a.ranges[0].kernel_time_s, 4e-6 + 3e-6);
}

TEST(analyzer, a_kernel_belongs_to_the_range_its_launch_is_in_else_its_ops) {
  trace t = two_kernels_launched_by_ops_10_and_11();
  // Op 10 starts before "step" and launches kernel a inside it (an annotation within an op);
  // kernel b has no launch recorded and falls back to its op 11, which starts inside "step".
  t.kernels[0].launch = kernel_launch{7, 250};
  t.ops = {op_on(10, 7, 100, 400), op_on(11, 7, 300, 350)};
  t.ranges = {range_on(1, "step", 7, std::nullopt, 200, 500),
              range_on(2, "before", 7, std::nullopt, 50, 150)};  // holds op 10's start, not its launch
  const auto a = run(t);
  ASSERT_EQ(a.ranges.size(), 2u);
  const auto& step = a.ranges[0].name == "step" ? a.ranges[0] : a.ranges[1];
  const auto& before = a.ranges[0].name == "before" ? a.ranges[0] : a.ranges[1];
  EXPECT_EQ(step.kernels, 2);
  EXPECT_DOUBLE_EQ(step.kernel_time_s, 1e-6 + 2e-6);
  EXPECT_EQ(before.kernels, 0);
  EXPECT_DOUBLE_EQ(before.kernel_time_s, 0.0);
}

TEST(analyzer, placeholder_times_stay_out_of_the_timeline) {
  trace t;
  auto k = kernel(1, "counted", 0, 1'000);
  k.measured_times = false;
  k.metrics = measured("fp32.cuda_core", 2e9, {});
  auto timed = kernel(2, "timed", 0, 1'000'000);
  t.kernels = {k, timed};
  const auto a = run(t);
  EXPECT_EQ(a.devices.at(0).kernels, 1);
  const auto& g = group_named(a, "counted");
  EXPECT_DOUBLE_EQ(g.flop, 2e9);  // Work is known ...
  EXPECT_FALSE(g.achieved_flop_per_s);  // ... but without a real time there is no rate.
  EXPECT_FALSE(g.placed());
}

TEST(analyzer, top_n_opportunities_largest_first) {
  trace t;
  for (int i = 0; i < 5; ++i) {
    auto k = kernel(i, "k" + std::to_string(i), i * 10'000'000, (i + 1) * 1'000'000);
    k.metrics = measured("fp32.cuda_core", 1e9, {{"dram", 1e6}});
    t.kernels.push_back(k);
  }
  analyze_options o;
  o.top = 3;
  const auto a = analyze(t, test_profile(), classes(), o);
  ASSERT_EQ(a.opportunities.size(), 3u);
  EXPECT_EQ(a.groups[static_cast<std::size_t>(a.opportunities[0])].name, "k4");
  EXPECT_GE(*a.groups[static_cast<std::size_t>(a.opportunities[0])].opportunity_s,
            *a.groups[static_cast<std::size_t>(a.opportunities[1])].opportunity_s);
}

}  // namespace
}  // namespace rafter

// ---- Known answers from real traces (../shared/fixtures; skipped when absent) ----

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/importers/kineto_importer.hpp"
#include "analysis/importers/ncu_importer.hpp"
#include "analysis/importers/nsys_importer.hpp"

namespace rafter {
namespace {

const std::string k_fixtures = RAFTER_SOURCE_DIR "/../shared/fixtures/";

/// Minimal CSV reader for the NERSC summary files (quoted fields may hold commas).
std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (const char c : line) {
      if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) fields.emplace_back();
      else if (c != '\r') fields.back() += c;
    }
    rows.push_back(std::move(fields));
  }
  std::vector<std::map<std::string, std::string>> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    std::map<std::string, std::string> row;
    for (std::size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c) row[rows[0][c]] = rows[r][c];
    out.push_back(std::move(row));
  }
  return out;
}

analysis_document analyze_with(const trace& t, const std::string& datasheet) {
  analyze_options o;
  o.trace_file = "fixture";
  o.machine_file = datasheet;
  return analyze(t, load_machine_profile(RAFTER_SOURCE_DIR "/configs/hardware/" + datasheet + ".json"), classes(), o);
}

// NERSC's V100 summary CSVs carry raw counters and the authors' derived columns. Units, worked out
// from the numbers: `Time` is seconds summed over `Count` launches (= sm__cycles_elapsed.avg /
// per-launch clock; the CSV's .per_second column is summed over launches too); `all FLOPs` is FLOP
// over those launches (CC: fadd + fmul + 2 ffma + hadd + hmul + 2 hfma; TC: 512 x tensor-pipe
// instructions); `AI *` is FLOP per byte; `GFLOP/s` is all FLOPs / Time / 2^30 (binary giga: the
// ratio to FLOPs / Time / 1e9 is 1.0737 on every row). NERSC counts a half-precision instruction
// once where rafter (Nsight Compute's half roofline) counts the packed pair, so rafter's
// fp16.cuda_core FLOP is halved before comparing.
void check_nersc_csv(const std::string& file) {
  const std::string path = k_fixtures + "ncu/" + file;
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "fixture " << path << " is absent (no ../shared); known-answer test skipped";
  ncu_import_options options;
  options.assumed_cc = compute_capability{7, 0};
  const trace t = import_ncu(path, options);
  const analysis_document a = analyze_with(t, "v100_sxm2");
  const auto rows = read_csv(path);
  ASSERT_FALSE(rows.empty());
  std::size_t checked = 0;
  for (const auto& row : rows) {
    const std::string& name = row.at("Kernel Name");
    const auto it = std::find_if(a.groups.begin(), a.groups.end(), [&](const kernel_group& g) { return g.name == name; });
    ASSERT_NE(it, a.groups.end()) << name;
    const kernel_group& g = *it;
    ASSERT_EQ(g.work, work_source::measured) << name;
    // The row's Count launches, each an equal share of its summed time.
    EXPECT_EQ(g.count, std::stoll(row.at("Count"))) << name;
    EXPECT_NEAR(g.mean_s, std::stod(row.at("Time")) / std::stod(row.at("Count")), 1e-3 * std::stod(row.at("Time"))) << name;
    const auto half = g.flop_by_kind.find("fp16.cuda_core");
    const double nersc_flop = g.flop - (half == g.flop_by_kind.end() ? 0.0 : half->second / 2.0);
    const double all_flops = std::stod(row.at("all FLOPs"));
    EXPECT_NEAR(nersc_flop, all_flops, 1e-9 * all_flops + 1e-9) << name;
    if (all_flops <= 0.0) continue;
    EXPECT_NEAR(g.work_time_s, std::stod(row.at("Time")), 1e-3 * std::stod(row.at("Time"))) << name;
    const double gflops = std::stod(row.at("GFLOP/s"));
    EXPECT_NEAR(nersc_flop / g.work_time_s / 1073741824.0, gflops, 1e-3 * gflops) << name;
    if (nersc_flop == g.flop) {
      EXPECT_NEAR(*g.achieved_flop_per_s / 1073741824.0, gflops, 1e-3 * gflops) << name;
    }
    for (const auto& [level, column] : {std::pair<std::string, std::string>{"hbm", "AI HBM"}, {"l2", "AI L2"}, {"l1", "AI L1"}}) {
      const auto l = std::find_if(g.levels.begin(), g.levels.end(), [&](const level_placement& p) { return p.level == level; });
      ASSERT_NE(l, g.levels.end()) << name << " " << level;
      const double expected = std::stod(row.at(column));
      EXPECT_NEAR(nersc_flop / l->bytes, expected, 1e-3 * expected) << name << " " << column;
      if (nersc_flop == g.flop) {
        EXPECT_NEAR(*l->arithmetic_intensity, expected, 1e-3 * expected) << name << " " << column;
      }
    }
    ++checked;
  }
  EXPECT_GE(checked, rows.size() / 2);
}

TEST(analyzer_known_answers, nersc_v100_deepcam_fp32_ai_and_gflops_within_0_1_percent) {
  check_nersc_csv("v100_deepcam_fp32_fw_roofline_summary.csv");
}

TEST(analyzer_known_answers, nersc_v100_climseg_fp16_ai_and_gflops_within_0_1_percent) {
  check_nersc_csv("v100_climseg_fp16_fw_amp_roofline_summary.csv");
}

TEST(analyzer_known_answers, h100_qwen_aten_mm_gemm_flop_and_rate) {
  const std::string path = k_fixtures + "kineto/h100_qwen1.5-0.5b_inference.json.gz";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "fixture " << path << " is absent (no ../shared); known-answer test skipped";
  const trace t = import_kineto(path);
  const double m = 8944, n = 2816, k = 1024;
  const double gemm_flop = 2.0 * m * n * k;
  // The aten::mm ops with inputs [8944, 1024] x [1024, 2816] and their kernels.
  std::set<std::int64_t> ops;
  for (const auto& op : t.ops) {
    const auto& dims = op.inputs->dims;
    if (op.name == "aten::mm" && dims.size() >= 2 && dims[0] == std::vector<std::int64_t>{8944, 1024} &&
        dims[1] == std::vector<std::int64_t>{1024, 2816}) {
      ops.insert(op.id);
    }
  }
  ASSERT_FALSE(ops.empty()) << "no aten::mm 8944x1024 @ 1024x2816 in the trace";
  std::map<std::string, std::pair<double, double>> by_name;  // kernel name -> (FLOP, seconds)
  std::size_t kernels = 0;
  for (const auto& kern : t.kernels) {
    if (!kern.op_id || !ops.count(*kern.op_id) || kern.name.find("gemm") == std::string::npos) continue;
    ASSERT_TRUE(kern.estimate) << kern.name;
    EXPECT_DOUBLE_EQ(kern.estimate->flop, gemm_flop * kern.estimate->share) << kern.name;
    EXPECT_EQ(kern.estimate->share, 1.0) << "one GEMM kernel per aten::mm";
    ++kernels;
  }
  ASSERT_GT(kernels, 0u);
  const analysis_document a = analyze_with(t, "h100_sxm5");
  // Every group holding these kernels: FLOP is the sum of its estimates, the rate FLOP over time.
  std::size_t groups = 0;
  for (const auto& g : a.groups) {
    double flop = 0.0, seconds = 0.0;
    std::size_t mm = 0, total = 0;
    for (const auto& kern : t.kernels) {
      if (kern.name != g.name || kern.grid != g.grid || kern.block != g.block) continue;
      ++total;
      if (kern.estimate) {  // The rate is over the launches that carry the work.
        flop += kern.estimate->flop;
        seconds += static_cast<double>(kern.end_ns - kern.start_ns) * 1e-9;
      }
      if (kern.op_id && ops.count(*kern.op_id)) ++mm;
    }
    if (mm == 0) continue;
    ++groups;
    EXPECT_EQ(g.cls, kernel_class::gemm);
    EXPECT_EQ(g.work, work_source::estimate);
    EXPECT_EQ(g.compute_ceiling, "bf16.tensor");
    if (mm == total) {
      EXPECT_NEAR(g.flop, gemm_flop * static_cast<double>(mm), 1e-6 * gemm_flop);
    }
    EXPECT_NEAR(g.flop, flop, 1e-9 * flop);
    EXPECT_NEAR(*g.achieved_flop_per_s, flop / seconds, 1e-9 * flop / seconds);
    EXPECT_LT(*g.achieved_flop_per_s, 9.894e14);  // Below the bf16 tensor roof: no flag.
    EXPECT_TRUE(g.flags.empty()) << g.flags.front();
  }
  EXPECT_GT(groups, 0u);
}

TEST(analyzer_known_answers, a100_alexnet_counters_give_fp32_work) {
  const std::string path = k_fixtures + "kineto/a100_alexnet_cupti_counters.json.gz";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "fixture " << path << " is absent (no ../shared); known-answer test skipped";
  const trace t = import_kineto(path);
  const analysis_document a = analyze_with(t, "a100_sxm4_80gb");
  std::size_t fp32 = 0;
  for (const auto& g : a.groups) {
    if (g.work != work_source::measured) continue;
    const auto it = g.flop_by_kind.find("fp32.cuda_core");
    if (it != g.flop_by_kind.end() && it->second > 0.0) {
      ++fp32;
      if (g.precision == "fp32") {
        EXPECT_EQ(g.compute_ceiling, "fp32.vector");
      }
    }
  }
  EXPECT_GT(fp32, 0u) << "no group got FP32 work from the CUPTI counters";
}

TEST(analyzer_known_answers, a100_trace_diff_ranges_get_kernels_launched_outside_ops) {
  const std::string path = k_fixtures + "kineto/a100_trace_diff_control.json.gz";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "fixture " << path << " is absent (no ../shared); known-answer test skipped";
  const trace t = import_kineto(path);
  const analysis_document a = analyze_with(t, "a100_sxm4_80gb");
  // Worked out from the raw JSON (python): each `kernel` event's `correlation` names a
  // cudaLaunchKernel `cuda_runtime` event; a kernel belongs to a user_annotation when that event
  // starts inside the union of the annotation's instances on the same tid. Times in us, integers.
  // nccl:all_to_all and the optimizer's annotations launch their kernels (SendRecv, AdamFunctor)
  // with no cpu_op around them; forward's kernels all have one.
  struct expected {
    const char* name;
    std::int64_t instances;
    double wall_us;
    std::int64_t kernels;
    double kernel_us;
  };
  for (const expected& e : {expected{"nccl:all_to_all", 42, 3'706, 42, 130'655},
                            expected{"## optimizer ##", 6, 16'471, 48, 7'642},
                            expected{"Optimizer.step#FusedAdam.step", 6, 15'610, 48, 7'642},
                            expected{"## forward ##", 6, 120'220, 2'532, 147'356}}) {
    const auto row = std::find_if(a.ranges.begin(), a.ranges.end(), [&](const range_time& r) { return r.name == e.name; });
    ASSERT_NE(row, a.ranges.end()) << e.name;
    EXPECT_EQ(row->domain, "user_annotation") << e.name;
    EXPECT_FALSE(row->gpu_side) << e.name;
    EXPECT_EQ(row->count, e.instances) << e.name;
    EXPECT_NEAR(row->wall_s, e.wall_us * 1e-6, 1e-12) << e.name;
    EXPECT_EQ(row->kernels, e.kernels) << e.name;
    EXPECT_NEAR(row->kernel_time_s, e.kernel_us * 1e-6, 1e-12) << e.name;
  }
}

TEST(analyzer_known_answers, a100_nerf_nsys_nvtx_ranges_get_the_kernels_launched_in_them) {
  const std::string path = k_fixtures + "nsys/a100_nerf_nsys.sqlite";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "fixture " << path << " is absent (no ../shared); known-answer test skipped";
  const trace t = import_nsys(path);
  const analysis_document a = analyze_with(t, "a100_pcie_40gb");
  // Worked out from the SQLite export (python): a kernel belongs to a cublasSgemmEx range (NVTX
  // push/pop, eventType 59) when the CUPTI_ACTIVITY_KIND_RUNTIME row of its correlationId (same
  // process) starts inside the range on the same thread: 143 kernels, 28720001 ns. An Nsight
  // Systems trace has no framework ops, so these are all through the launch.
  ASSERT_EQ(a.ranges.size(), 1u);
  EXPECT_EQ(a.ranges[0].name, "cublasSgemmEx");
  EXPECT_EQ(a.ranges[0].count, 107);
  EXPECT_EQ(a.ranges[0].kernels, 143);
  EXPECT_NEAR(a.ranges[0].kernel_time_s, 28'720'001e-9, 1e-15);
}

}  // namespace
}  // namespace rafter

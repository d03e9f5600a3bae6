#include "analysis/analysis_document.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "analysis/analyzer.hpp"
#include "core/error.hpp"
#include "core/trace.hpp"

namespace rafter {
namespace {

/// An analysis with every kind of record: groups measured, estimated and unknown, flags, ranges,
/// copies, two devices.
analysis_document sample_analysis() {
  machine_profile p;
  p.device.name = "Test GPU";
  compute_ceiling c;
  c.id = "bf16.tensor";
  c.precision = "bf16";
  c.unit = "tensor";
  c.flop_per_s = 1e15;
  c.source = figure_source::datasheet;
  c.note = "dense";
  p.compute = {c};
  memory_level hbm;
  hbm.level = "hbm";
  hbm.read_bytes_per_s = 3e12;
  p.memory = {hbm};
  link_ceiling l;
  l.id = "pcie";
  l.bytes_per_s = 6e10;
  link_ceiling nccl;
  nccl.id = "nccl_allreduce";
  nccl.bytes_per_s = 2e11;
  p.links = {l, nccl};
  trace t;
  trace_kernel k;
  k.id = 1;
  k.name = "gemm_<bf16>&\"'";
  k.demangled = "gemm<bf16>()";
  k.start_ns = 0;
  k.end_ns = 1'000'000;
  k.grid = dim3_value{132, 2, 1};
  k.block = dim3_value{384, 1, 1};
  k.metrics = kernel_metrics{};
  k.metrics->flop["bf16.tensor"] = 5e11;
  k.metrics->bytes["dram"] = 1e9;
  k.metrics->bytes["l2"] = 3e9;
  trace_kernel e = k;
  e.id = 2;
  e.name = "est";
  e.demangled = interned_string();
  e.metrics.reset();
  e.estimate = kernel_estimate{};
  e.estimate->formula = "gemm";
  e.estimate->precision = "bf16";
  e.estimate->flop = 1e9;
  e.estimate->bytes = 1e6;
  e.start_ns = 2'000'000;
  e.end_ns = 2'000'500;
  trace_kernel u = e;
  u.id = 3;
  u.name = "ncclKernel";
  u.estimate.reset();
  u.collective = kernel_collective{"allreduce", 1e6, 1e6, 4};
  u.device = 1;
  trace_kernel bad = k;
  bad.id = 4;
  bad.name = "too_fast";
  bad.metrics->flop["bf16.tensor"] = 5e13;
  t.kernels = {k, e, u, bad};
  trace_copy cp;
  cp.id = 1;
  cp.kind = "h2d";
  cp.bytes = 1e6;
  cp.start_ns = 10;
  cp.end_ns = 100'000;
  t.copies = {cp};
  trace_range r;
  r.id = 1;
  r.name = "step";
  r.device = 0;
  r.start_ns = 0;
  r.end_ns = 3'000'000;
  t.ranges = {r};
  analyze_options o;
  o.trace_file = "t.json";
  o.machine_file = "p.json";
  o.machine_choice = "--machine";
  o.generator.version = "0.1.0";
  return analyze(t, p, kernel_classifier::load(RAFTER_SOURCE_DIR "/configs/kernel_classes.json"), o);
}

TEST(analysis_document, json_round_trip_is_lossless) {
  const analysis_document a = sample_analysis();
  ASSERT_GE(a.groups.size(), 4u);
  ASSERT_FALSE(a.groups[0].flags.empty() && a.groups[1].flags.empty());
  const json first = to_json(a);
  EXPECT_EQ(first.begin().key(), "schema");
  EXPECT_EQ(first["schema"], "rafter.analysis/1");
  const analysis_document back = analysis_from_json(json::parse(first.dump()), "a.json");
  EXPECT_EQ(to_json(back), first);
  EXPECT_EQ(back.groups[0].name, a.groups[0].name);
  EXPECT_EQ(back.devices.size(), 2u);
  const auto nccl = std::find_if(back.groups.begin(), back.groups.end(), [](const kernel_group& g) { return g.name == "ncclKernel"; });
  ASSERT_NE(nccl, back.groups.end());
  EXPECT_EQ(nccl->link_ceiling, "nccl_allreduce");
  ASSERT_TRUE(nccl->link_fraction.has_value());
  EXPECT_EQ(back.devices[0].timeline.size(), a.devices[0].timeline.size());
}

TEST(analysis_document, reader_names_file_and_field) {
  json doc = to_json(sample_analysis());
  auto error_of = [](const json& d) {
    try {
      (void)analysis_from_json(d, "a.json");
    } catch (const input_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  json bad = doc;
  bad["groups"][1]["class"] = "matmul";
  EXPECT_NE(error_of(bad).find("groups[1].class"), std::string::npos) << error_of(bad);
  bad = doc;
  bad["groups"][0]["limiter"]["kind"] = "cosmic rays";
  EXPECT_NE(error_of(bad).find("groups[0].limiter.kind"), std::string::npos) << error_of(bad);
  bad = doc;
  bad["schema"] = "rafter.analysis/2";
  EXPECT_NE(error_of(bad).find("unsupported major version 2"), std::string::npos);
  bad = doc;
  bad["opportunities"] = json::array({99});
  EXPECT_NE(error_of(bad).find("opportunities[0]"), std::string::npos);
  bad = doc;
  bad["totals"]["kernel_time_s"] = -1.0;
  EXPECT_NE(error_of(bad).find("totals.kernel_time_s"), std::string::npos);
}

}  // namespace
}  // namespace rafter

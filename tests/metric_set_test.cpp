#include "profiler/metric_set.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "analysis/importers/ncu_metric_table.hpp"
#include "core/error.hpp"

namespace {

using rafter::profiler::metric_set;

const std::string k_file = RAFTER_SOURCE_DIR "/configs/collector_metrics.json";

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string error_of(const char* text) {
  try {
    (void)metric_set::from_json(rafter::json::parse(text), "m.json");
  } catch (const rafter::input_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(metric_set, the_shipped_set_lists_what_the_roofline_needs) {
  const metric_set set = metric_set::load(k_file);
  const auto names = set.names_for_chip("GH100");
  for (const char* n : {"smsp__sass_thread_inst_executed_op_ffma_pred_on.sum", "smsp__sass_thread_inst_executed_op_dfma_pred_on.sum",
                        "smsp__sass_thread_inst_executed_op_hfma_pred_on.sum", "dram__bytes.sum", "lts__t_bytes.sum",
                        "l1tex__t_bytes.sum", "sm__cycles_elapsed.avg.per_second", "gpu__time_duration.sum",
                        "sm__ops_path_tensor_src_bf16_dst_fp32.sum"}) {
    EXPECT_TRUE(contains(names, n)) << n;
  }
  EXPECT_FALSE(contains(names, "sm__ops_path_tensor_src_fp16_dst_fp16_sparsity_off.sum"));  // GA100 only
  EXPECT_TRUE(contains(set.names_for_chip("GA100"), "sm__ops_path_tensor_src_fp16_dst_fp16_sparsity_off.sum"));
  EXPECT_FALSE(contains(set.names_for_chip("TU102"), "sm__ops_path_tensor_src_bf16_dst_fp32.sum"));
}

TEST(metric_set, the_shipped_set_never_replays_collectives) {
  const metric_set set = metric_set::load(k_file);
  const auto& patterns = set.never_replayed();
  EXPECT_TRUE(contains(patterns, "^(void )?nccl(Dev)?Kernel"));
  EXPECT_TRUE(contains(patterns, "vllm::cross_device_reduce"));
}

TEST(metric_set, rejects_a_never_replayed_pattern_that_does_not_compile_or_says_not_why) {
  const std::string bad = error_of(R"({"schema": "rafter.collector_metrics/1",
    "metrics": [{"name": "dram__bytes.sum", "role": "bytes", "key": "dram"}],
    "never_replayed": [{"pattern": "(nccl", "why": "peers"}]})");
  EXPECT_NE(bad.find("m.json"), std::string::npos) << bad;
  EXPECT_NE(bad.find("pattern"), std::string::npos) << bad;
  const std::string silent = error_of(R"({"schema": "rafter.collector_metrics/1",
    "metrics": [{"name": "dram__bytes.sum", "role": "bytes", "key": "dram"}],
    "never_replayed": [{"pattern": "nccl", "why": ""}]})");
  EXPECT_NE(silent.find("why"), std::string::npos) << silent;
}

TEST(metric_set, weighs_instructions_into_flop_per_precision) {
  const metric_set set = metric_set::load(k_file);
  const auto m = set.to_kernel_metrics({
      {"smsp__sass_thread_inst_executed_op_fadd_pred_on.sum", 3.0},
      {"smsp__sass_thread_inst_executed_op_fmul_pred_on.sum", 5.0},
      {"smsp__sass_thread_inst_executed_op_ffma_pred_on.sum", 10.0},
      {"smsp__sass_thread_inst_executed_op_dfma_pred_on.sum", 7.0},
      {"smsp__sass_thread_inst_executed_op_hadd_pred_on.sum", 1.0},
      {"smsp__sass_thread_inst_executed_op_hfma_pred_on.sum", 1.0},
      {"dram__bytes.sum", 4096.0},
      {"lts__t_bytes.sum", 8192.0},
      {"l1tex__t_bytes.sum", 16384.0},
      {"sm__cycles_elapsed.avg.per_second", 1.755e9},
      {"gpu__time_duration.sum", 1500.0},
      {"smsp__sass_thread_inst_executed_op_hmul_pred_on.sum", 0.0},
      {"smsp__sass_thread_inst_executed_op_dadd_pred_on.sum", 0.0},
      {"smsp__sass_thread_inst_executed_op_dmul_pred_on.sum", 0.0},
      {"sm__ops_path_tensor_src_bf16_dst_fp32.sum", 1e6},
      {"not__in_the_set.sum", 1.0},
  }, "GH100");
  EXPECT_DOUBLE_EQ(m.flop.at("fp32.cuda_core"), 3.0 + 5.0 + 2.0 * 10.0);
  EXPECT_DOUBLE_EQ(m.flop.at("fp64.cuda_core"), 14.0);
  EXPECT_DOUBLE_EQ(m.flop.at("fp16.cuda_core"), 2.0 + 4.0);  // hadd x2, hfma x4 (packed HFMA2)
  EXPECT_DOUBLE_EQ(m.bytes.at("dram"), 4096.0);
  EXPECT_DOUBLE_EQ(m.bytes.at("l2"), 8192.0);
  EXPECT_DOUBLE_EQ(m.bytes.at("l1"), 16384.0);
  EXPECT_DOUBLE_EQ(*m.sm_clock_hz, 1.755e9);
  EXPECT_DOUBLE_EQ(*m.duration_s, 1.5e-6);
  EXPECT_DOUBLE_EQ(m.raw.at("smsp__sass_thread_inst_executed_op_ffma_pred_on.sum"), 10.0);
  EXPECT_DOUBLE_EQ(m.raw.at("gpu__time_duration.sum"), 1.5e-6);
  EXPECT_EQ(m.raw.count("not__in_the_set.sum"), 0u);
  EXPECT_DOUBLE_EQ(m.raw.at("sm__ops_path_tensor_src_bf16_dst_fp32.sum"), 1e6);
  EXPECT_EQ(m.flop.count("bf16.tensor"), 0u);  // tensor ops stay raw: their FLOP weight is unverified
}

TEST(metric_set, never_writes_a_partial_sum) {
  const metric_set set = metric_set::load(k_file);
  // ffma missing (the chip did not expose it, or it was not evaluated): no fp32 FLOP at all.
  const auto m = set.to_kernel_metrics({{"smsp__sass_thread_inst_executed_op_fadd_pred_on.sum", 3.0},
                                        {"smsp__sass_thread_inst_executed_op_fmul_pred_on.sum", 5.0},
                                        {"dram__bytes.sum", 4096.0}},
                                       "GH100");
  EXPECT_EQ(m.flop.count("fp32.cuda_core"), 0u);
  EXPECT_DOUBLE_EQ(m.raw.at("smsp__sass_thread_inst_executed_op_fadd_pred_on.sum"), 3.0);
  EXPECT_DOUBLE_EQ(m.bytes.at("dram"), 4096.0);
  EXPECT_EQ(m.bytes.count("l2"), 0u);
}

// The collector's weights must be those of the table the ncu and Kineto importers use, so that a
// kernel's FLOP do not depend on which tool counted them.
TEST(metric_set, agrees_with_the_importers_counter_table) {
  const metric_set set = metric_set::load(k_file);
  const auto table = rafter::ncu_metric_table::load(RAFTER_SOURCE_DIR "/configs/ncu_metrics.json");
  std::map<std::string, double> values;
  double v = 3.0;
  for (const auto& spec : set.metrics()) values[spec.name] = (v += 7.0);
  const rafter::kernel_metrics ours = set.to_kernel_metrics(values, "GH100");
  rafter::kernel_metrics theirs;
  theirs.raw = ours.raw;
  (void)table.apply(theirs, rafter::compute_capability{9, 0});
  for (const char* key : {"fp64.cuda_core", "fp32.cuda_core", "fp16.cuda_core"}) {
    ASSERT_EQ(ours.flop.count(key), 1u) << key;
    ASSERT_EQ(theirs.flop.count(key), 1u) << key;
    EXPECT_DOUBLE_EQ(ours.flop.at(key), theirs.flop.at(key)) << key;
  }
  for (const char* key : {"dram", "l2", "l1"}) {
    ASSERT_EQ(theirs.bytes.count(key), 1u) << key;
    EXPECT_DOUBLE_EQ(ours.bytes.at(key), theirs.bytes.at(key)) << key;
  }
}

TEST(metric_set, rejects_bad_files_naming_the_field) {
  EXPECT_EQ(error_of(R"({"schema": "rafter.collector_metrics/2", "metrics": []})"),
            "m.json: field 'schema': expected \"rafter.collector_metrics/1\", got \"rafter.collector_metrics/2\"");
  EXPECT_NE(error_of(R"({"schema": "rafter.collector_metrics/1", "metrics": [{"name": "a.sum", "role": "speed"}]})")
                .find("field 'metrics[0].role'"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"schema": "rafter.collector_metrics/1", "metrics": [{"name": "a.sum", "role": "flop"}]})")
                .find("field 'metrics[0].key'"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"schema": "rafter.collector_metrics/1", "metrics": [{"name": "a", "role": "raw"}]})")
                .find("with its rollup"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"schema": "rafter.collector_metrics/1", "metrics": [{"name": "a.sum", "role": "raw"},
                                                                             {"name": "a.sum", "role": "raw"}]})")
                .find("duplicate metric"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"schema": "rafter.collector_metrics/1", "metrics": [{"name": "a.sum", "role": "bytes", "key": "l2", "weight": 0}]})")
                .find("field 'metrics[0].weight': must be positive"),
            std::string::npos);
}

}  // namespace

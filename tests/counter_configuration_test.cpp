// The shipped metric set against CUPTI's host API, offline (no GPU or driver needed): every chip
// this CUPTI knows configures it, the chips the set was written for accept all of it, and a name
// a chip rejects is dropped alone instead of failing the set.
#include <gtest/gtest.h>

#ifndef RAFTER_HAVE_CUPTI
TEST(counter_configuration, needs_cupti) { GTEST_SKIP() << "built without CUDA/CUPTI: the collector is not built"; }
#else

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "profiler/counter_configuration.hpp"
#include "profiler/metric_set.hpp"

namespace {

using rafter::profiler::counter_configuration;
using rafter::profiler::metric_set;

metric_set shipped_set() { return metric_set::load(RAFTER_SOURCE_DIR "/configs/collector_metrics.json"); }

metric_set set_of(const std::vector<std::string>& names) {
  rafter::json metrics = rafter::json::array();
  for (const auto& n : names) metrics.push_back({{"name", n}, {"role", "raw"}});
  return metric_set::from_json({{"schema", "rafter.collector_metrics/1"}, {"metrics", metrics}}, "test.json");
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(counter_configuration, every_chip_this_cupti_knows_configures_the_shipped_set) {
  const std::vector<std::string> chips = counter_configuration::supported_chips();
  ASSERT_TRUE(contains(chips, "GH100")) << "CUPTI's host API lists no GH100";
  const metric_set set = shipped_set();
  for (const std::string& chip : chips) {
    SCOPED_TRACE(chip);
    std::unique_ptr<counter_configuration> made;
    try {
      made = std::make_unique<counter_configuration>(set, chip);
    } catch (const rafter::error& e) {
      // The host API lists chips (Tegra ones) whose Range Profiler it cannot configure.
      if (std::string(e.what()).find("cuptiProfilerHostInitialize") == std::string::npos) throw;
      std::cout << "[ chip     ] " << chip << ": the Range Profiler's host API does not support it\n";
      continue;
    }
    const counter_configuration& config = *made;
    EXPECT_FALSE(config.metric_names().empty());
    EXPECT_FALSE(config.config_image().empty());
    EXPECT_GE(config.passes(), 1u);
    EXPECT_EQ(config.metric_names().size() + config.dropped().size(), set.names_for_chip(chip).size());
    std::cout << "[ chip     ] " << chip << ": " << config.metric_names().size() << " metrics, " << config.passes()
              << " replay passes" << (config.dropped().empty() ? "" : ", dropped:");
    for (const auto& d : config.dropped()) std::cout << ' ' << d;
    std::cout << '\n';
  }
}

TEST(counter_configuration, the_data_centre_chips_accept_the_whole_set_written_for_them) {
  const metric_set set = shipped_set();
  for (const char* chip : {"GA100", "GH100", "GB100", "GB110", "GB202"}) {
    SCOPED_TRACE(chip);
    const counter_configuration config(set, chip);
    EXPECT_TRUE(config.dropped().empty()) << config.dropped().front();
    EXPECT_EQ(config.metric_names(), set.names_for_chip(chip));
    for (const char* roofline : {"dram__bytes.sum", "lts__t_bytes.sum", "l1tex__t_bytes.sum",
                                 "smsp__sass_thread_inst_executed_op_ffma_pred_on.sum", "gpu__time_duration.sum"}) {
      EXPECT_TRUE(contains(config.metric_names(), roofline)) << roofline;
    }
  }
}

TEST(counter_configuration, a_rejected_name_is_dropped_alone) {
  const counter_configuration config(
      set_of({"dram__bytes.sum", "rafter__no_such_metric.sum", "dram__bytes.sum.no_such_rollup", "lts__t_bytes.sum"}), "GH100");
  EXPECT_EQ(config.metric_names(), (std::vector<std::string>{"dram__bytes.sum", "lts__t_bytes.sum"}));
  EXPECT_EQ(config.dropped(), (std::vector<std::string>{"rafter__no_such_metric.sum", "dram__bytes.sum.no_such_rollup"}));
}

TEST(counter_configuration, a_chip_that_accepts_nothing_is_an_error_naming_it) {
  try {
    const counter_configuration config(set_of({"rafter__no_such_metric.sum"}), "GH100");
    FAIL() << "a configuration without metrics was built";
  } catch (const rafter::error& e) {
    EXPECT_NE(std::string(e.what()).find("GH100"), std::string::npos) << e.what();
  }
}

TEST(counter_configuration, an_unknown_chip_is_an_error) {
  EXPECT_THROW(counter_configuration(shipped_set(), "NO_SUCH_CHIP"), rafter::error);
}

}  // namespace

#endif

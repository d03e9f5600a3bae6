#include "profiler/collector_config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/error.hpp"

namespace {

using rafter::profiler::collector_config;
using rafter::profiler::config_from_environment;
using rafter::profiler::config_to_environment;

collector_config from(const std::map<std::string, std::string>& env) {
  return config_from_environment([&](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

std::string error_of(const std::map<std::string, std::string>& env) {
  try {
    (void)from(env);
  } catch (const rafter::usage_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(collector_config, defaults_when_nothing_is_set) {
  const collector_config c = from({});
  EXPECT_EQ(c.output, "rafter-trace.json");
  EXPECT_FALSE(c.roofline_metrics);
  EXPECT_TRUE(c.kernel_regex.empty());
  EXPECT_EQ(c.skip, 0);
  EXPECT_FALSE(c.max_kernels.has_value());
  EXPECT_EQ(c.buffer_bytes, std::size_t{8} << 20);
  EXPECT_FALSE(c.nvtx);
  EXPECT_FALSE(c.root_pid.has_value());
}

TEST(collector_config, reads_every_variable) {
  const collector_config c = from({{"RAFTER_TRACE_OUTPUT", "/tmp/t.json.gz"},
                                   {"RAFTER_TRACE_METRICS", "roofline"},
                                   {"RAFTER_TRACE_METRICS_FILE", "/cfg/collector_metrics.json"},
                                   {"RAFTER_TRACE_KERNELS", "gemm|attn"},
                                   {"RAFTER_TRACE_SKIP", "3"},
                                   {"RAFTER_TRACE_MAX_KERNELS", "10"},
                                   {"RAFTER_TRACE_BUFFER_BYTES", "1048576"},
                                   {"RAFTER_TRACE_DEVICE_BUFFER_BYTES", "33554432"},
                                   {"RAFTER_TRACE_NVTX", "1"},
                                   {"RAFTER_TRACE_ROOT_PID", "4242"}});
  EXPECT_EQ(c.output, "/tmp/t.json.gz");
  EXPECT_TRUE(c.roofline_metrics);
  EXPECT_EQ(c.metrics_file, "/cfg/collector_metrics.json");
  EXPECT_EQ(c.kernel_regex, "gemm|attn");
  EXPECT_EQ(c.skip, 3);
  EXPECT_EQ(c.max_kernels, 10);
  EXPECT_EQ(c.buffer_bytes, 1048576u);
  EXPECT_EQ(c.device_buffer_bytes, 33554432u);
  EXPECT_TRUE(c.nvtx);
  EXPECT_EQ(c.root_pid, 4242);
}

TEST(collector_config, round_trips_through_the_environment) {
  collector_config c;
  c.output = "/x/y.json";
  c.roofline_metrics = true;
  c.metrics_file = "/m.json";
  c.kernel_regex = "^sm90_";
  c.skip = 2;
  c.max_kernels = 5;
  c.buffer_bytes = 65536;
  c.device_buffer_bytes = std::size_t{16} << 20;
  c.nvtx = true;
  c.root_pid = 17;
  std::map<std::string, std::string> env;
  for (const auto& [k, v] : config_to_environment(c)) env[k] = v;
  const collector_config back = from(env);
  EXPECT_EQ(back.output, c.output);
  EXPECT_EQ(back.roofline_metrics, c.roofline_metrics);
  EXPECT_EQ(back.metrics_file, c.metrics_file);
  EXPECT_EQ(back.kernel_regex, c.kernel_regex);
  EXPECT_EQ(back.skip, c.skip);
  EXPECT_EQ(back.max_kernels, c.max_kernels);
  EXPECT_EQ(back.buffer_bytes, c.buffer_bytes);
  EXPECT_EQ(back.device_buffer_bytes, c.device_buffer_bytes);
  EXPECT_EQ(back.nvtx, c.nvtx);
  EXPECT_EQ(back.root_pid, c.root_pid);
}

TEST(collector_config, rejects_bad_values_naming_the_variable) {
  EXPECT_EQ(error_of({{"RAFTER_TRACE_METRICS", "all"}}),
            "environment variable RAFTER_TRACE_METRICS: expected none or roofline, got 'all'");
  EXPECT_EQ(error_of({{"RAFTER_TRACE_SKIP", "-1"}}),
            "environment variable RAFTER_TRACE_SKIP: expected a non-negative integer, got '-1'");
  EXPECT_EQ(error_of({{"RAFTER_TRACE_MAX_KERNELS", "10x"}}),
            "environment variable RAFTER_TRACE_MAX_KERNELS: expected a non-negative integer, got '10x'");
  EXPECT_NE(error_of({{"RAFTER_TRACE_BUFFER_BYTES", "1024"}}).find("RAFTER_TRACE_BUFFER_BYTES: expected a multiple of 8"),
            std::string::npos);
  EXPECT_NE(error_of({{"RAFTER_TRACE_BUFFER_BYTES", "1048577"}}).find("got '1048577'"), std::string::npos);
  EXPECT_NE(error_of({{"RAFTER_TRACE_DEVICE_BUFFER_BYTES", "4096"}}).find("RAFTER_TRACE_DEVICE_BUFFER_BYTES: expected"),
            std::string::npos);
  EXPECT_NE(error_of({{"RAFTER_TRACE_KERNELS", "gemm("}}).find("RAFTER_TRACE_KERNELS: not a valid regular expression"),
            std::string::npos);
}

TEST(collector_config, treats_empty_variables_as_unset) {
  const collector_config c = from({{"RAFTER_TRACE_OUTPUT", ""}, {"RAFTER_TRACE_SKIP", ""}});
  EXPECT_EQ(c.output, "rafter-trace.json");
  EXPECT_EQ(c.skip, 0);
}

}  // namespace

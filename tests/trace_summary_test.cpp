#include "core/trace_summary.hpp"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "core/atomic_file.hpp"
#include "core/trace.hpp"

namespace rafter {
namespace {

namespace fs = std::filesystem;

fs::path temp_path(const std::string& name) {
  return fs::temp_directory_path() / ("rafter_trace_summary_test_" + std::to_string(::getpid()) + "_" + name);
}

trace with_counters() {
  trace t;
  t.source.tool = "rafter";
  t.source.warnings = {"a \"quoted\" {brace} warning", "another"};
  t.source.counters["kernels"] = 1234567;
  t.source.counters["kernels_with_metrics"] = 56;
  t.source.counters["copies"] = 1;
  t.source.counters["dropped_records"] = 0;
  for (int i = 0; i < 3000; ++i) {  // kernels after the source: the summary never reads them
    trace_kernel k;
    k.id = i + 1;
    k.name = "kernel_with_a_name_long_enough_to_fill_the_file_" + std::to_string(i % 7);
    k.start_ns = i;
    k.end_ns = i + 1;
    t.kernels.push_back(k);
  }
  return t;
}

TEST(trace_summary, reads_the_source_counts_from_the_start_of_plain_and_gzip_traces) {
  for (const char* name : {"t.json", "t.json.gz"}) {
    const auto path = temp_path(name);
    save_trace(path, with_counters());
    ASSERT_GT(fs::file_size(path), 4096u);
    const auto s = read_trace_summary(path, 4096);  // far less than the file: the source is first
    fs::remove(path);
    ASSERT_TRUE(s) << name;
    EXPECT_EQ(s->counters.at("kernels"), 1234567);
    EXPECT_EQ(s->warnings, 2u);
    EXPECT_EQ(s->describe(), "1,234,567 kernels, 56 with counters, 1 copy; 0 records dropped; 2 warnings");
  }
}

TEST(trace_summary, a_trace_without_counters_has_an_empty_description) {
  trace t;
  t.source.tool = "rafter";
  const auto path = temp_path("empty.json");
  save_trace(path, t);
  const auto s = read_trace_summary(path);
  fs::remove(path);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->describe(), "");
}

TEST(trace_summary, anything_else_has_no_summary) {
  const auto path = temp_path("other.json");
  write_file_atomically(path, R"({"schema": "rafter.machine/1", "device": {}})");
  EXPECT_FALSE(read_trace_summary(path));
  write_file_atomically(path, R"({"schema": "rafter.trace/1", "source": {"tool": "cut off here)");
  EXPECT_FALSE(read_trace_summary(path));
  fs::remove(path);
  EXPECT_FALSE(read_trace_summary(temp_path("missing.json")));
}

}  // namespace
}  // namespace rafter

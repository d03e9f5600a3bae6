#include "analysis/importers/import_trace.hpp"

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/file_reader.hpp"
#include "pipe_feed.hpp"

namespace rafter {
namespace {

std::filesystem::path write_file(const std::string& name, const std::string& bytes) {
  const auto path = std::filesystem::temp_directory_path() / ("rafter_import_trace_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  return path;
}

/// The message of the input_error importing `p` throws; "imported" when it throws none.
std::string import_error(const std::filesystem::path& p) {
  try {
    (void)import_trace(p, std::nullopt);
  } catch (const input_error& e) {
    return e.what();
  }
  return "imported";
}

const std::string k_kineto =
    R"({"schemaVersion": 1, "traceEvents": [{"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 10, "dur": 2, "args": {"device": 0, "stream": 7}}]})";

TEST(import_trace, detects_the_format_from_content_not_the_name) {
  struct sample {
    const char* name;
    std::string bytes;
    trace_format format;
  };
  const sample samples[] = {
      {"a.txt", k_kineto, trace_format::kineto},
      {"b.csv", gzip_compress("\n  " + k_kineto), trace_format::kineto},
      {"c.json", R"({"schema": "rafter.trace/1", "source": {"tool": "rafter"}, "kernels": []})", trace_format::rafter},
      {"d.bin", gzip_compress(R"({"schema" : "rafter.trace/1"})"), trace_format::rafter},
      {"e.json", std::string("SQLite format 3\0\x10\x00", 18), trace_format::nsys},
      {"f.json", "==PROF== Connected to process 1\n\"ID\",\"Kernel Name\"\n", trace_format::ncu},
      {"g.json", "\"ID\",\"Process ID\",\"Kernel Name\",\"Metric Name\"\n\"0\",\"1\",\"k\",\"x\"\n", trace_format::ncu},
  };
  for (const auto& s : samples) {
    const auto p = write_file(s.name, s.bytes);
    EXPECT_EQ(detect_trace_format(p), s.format) << s.name;
    std::filesystem::remove(p);
  }
}

TEST(import_trace, unknown_content_names_the_file) {
  const auto p = write_file("x.json", "hello, world\n");
  try {
    (void)detect_trace_format(p);
    ADD_FAILURE() << "detected a format in plain text";
  } catch (const input_error& e) {
    EXPECT_NE(std::string(e.what()).find(p.string() + ": unknown format at byte 0"), std::string::npos) << e.what();
  }
  std::filesystem::remove(p);
}

TEST(import_trace, a_metric_csv_without_kernel_names_says_which_column_is_missing) {
  const auto p = write_file("nokernel.csv", "ID,Count,dram__bytes.sum\n1,2,3\n");
  try {
    (void)detect_trace_format(p);
    ADD_FAILURE() << "detected a format";
  } catch (const input_error& e) {
    EXPECT_NE(std::string(e.what()).find("no \"Kernel Name\" column"), std::string::npos) << e.what();
    EXPECT_EQ(e.file(), p.string());
  }
  std::filesystem::remove(p);
}

TEST(import_trace, a_kineto_field_of_the_wrong_type_is_named) {
  const auto p = write_file("ph.json", R"({"schemaVersion": 1, "traceEvents": [{"ph": 5, "cat": "kernel", "name": "k"}]})");
  EXPECT_EQ(import_error(p), p.string() + ": field 'traceEvents[0].ph': expected a string");
  std::filesystem::remove(p);
}

TEST(import_trace, a_kineto_kernel_whose_name_is_no_string_is_named) {
  // Events rafter does not import (python_function, a kernel with no valid time) are not checked,
  // whatever the order of their keys; a bad literal ("nul") is a wrong type, not a crash.
  const auto p = write_file("name.json", R"({"schemaVersion": 1, "traceEvents": [
    {"ph": "X", "cat": "python_function", "name": 7, "ts": 1, "dur": 1},
    {"name": nul, "ph": "X", "cat": "python_function", "ts": 1, "dur": 1},
    {"ph": "X", "cat": "kernel", "name": 5, "pid": 0, "tid": 7, "ts": 0, "dur": 10},
    {"ph": "X", "cat": "kernel", "name": null, "pid": 0, "tid": 7, "ts": 50, "dur": 10},
    {"ph": "X", "cat": "kernel", "name": 12345, "pid": 0, "tid": 7, "ts": 100, "dur": 10}]})");
  EXPECT_EQ(import_error(p), p.string() + ": field 'traceEvents[4].name': expected a string");
  const auto nul = write_file("nul.json", R"({"schemaVersion": 1, "traceEvents": [
    {"ph": "X", "cat": "kernel", "name": nul, "pid": 0, "tid": 7, "ts": 100, "dur": 10}]})");
  EXPECT_EQ(import_error(nul), nul.string() + ": field 'traceEvents[0].name': expected a string");
  std::filesystem::remove(p);
  std::filesystem::remove(nul);
}

TEST(import_trace, imports_kineto_and_round_trips_rafter_traces) {
  const auto k = write_file("k.json", k_kineto);
  const trace t = import_trace(k, std::nullopt);
  ASSERT_EQ(t.kernels.size(), 1u);
  EXPECT_EQ(t.source.tool, "kineto");
  const auto r = std::filesystem::temp_directory_path() / ("rafter_import_trace_" + std::to_string(::getpid()) + "_r.json.gz");
  save_trace(r, t);
  EXPECT_EQ(to_json(import_trace(r, std::nullopt)).dump(), to_json(t).dump());
  // An explicit format overrides detection: a Kineto file read as a rafter trace fails on its schema.
  EXPECT_THROW((void)import_trace(k, trace_format::rafter), input_error);
  std::filesystem::remove(k);
  std::filesystem::remove(r);
}

TEST(import_trace, reads_a_pipe_under_its_own_name) {
  // Detection and import each open the file: the pipe is made rereadable.
  const testing::pipe_feed pipe(gzip_compress(k_kineto));
  const trace t = import_trace(pipe.path(), std::nullopt);
  EXPECT_EQ(t.kernels.size(), 1u);
  EXPECT_EQ(t.source.file, pipe.path().string());

  const testing::pipe_feed bad(R"({"schemaVersion": 1, "traceEvents": [{"ph": "X", "cat": "kernel", "ts": )");
  try {
    (void)import_trace(bad.path(), std::nullopt);
    ADD_FAILURE() << "imported a truncated trace";
  } catch (const input_error& e) {
    EXPECT_EQ(e.file(), bad.path().string()) << e.what();
  }
}

}  // namespace
}  // namespace rafter

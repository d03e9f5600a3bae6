#include "core/machine_profile.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/file_reader.hpp"
#include "core/json_file.hpp"

namespace rafter {
namespace {

machine_profile sample_profile() {
  machine_profile p;
  p.generator.version = "0.1.0";
  p.generator.command = "rafter sweep --backend host";
  p.generator.created_utc = "2026-11-24T22:00:00Z";
  p.device.name = "Test CPU <&>";
  p.device.kind = device_kind::cpu;
  p.device.vendor = "AMD";
  p.device.compute_units = 2;
  p.device.compute_unit_name = "cores";
  p.device.max_clock_hz = 2.6e9;
  p.device.measured_clock_hz = 2.59e9;
  p.device.memory_bytes = 24e9;
  p.device.caches = {{"l1", 49152, 2}, {"l3", 33554432, 1}};
  p.device.obtained = "measured";
  p.device.environment = {{"smt", "off"}, {"simd", "avx512"}};
  compute_ceiling c;
  c.id = "fp64.vector.fma";
  c.precision = "fp64";
  c.unit = "vector";
  c.flop_per_s = 2.1e11;
  c.method = "vfmadd231pd zmm";
  c.samples = sample_stats{2.1e11, 2.0e11, 2.12e11, 5, true};
  c.clock_hz = 2.59e9;
  p.compute.push_back(c);
  memory_level l1;
  l1.level = "l1";
  l1.read_bytes_per_s = 6e11;
  l1.write_bytes_per_s = 3e11;
  l1.latency_s = 1.2e-9;
  l1.latency_cycles = 4.0;
  l1.capacity_bytes = 98304;
  l1.clock_hz = 2.59e9;
  l1.samples["read"] = sample_stats{6e11, 5.9e11, 6.1e11, 5, false};
  p.memory.push_back(l1);
  link_ceiling link;
  link.id = "pcie";
  link.bytes_per_s = 6.4e10;
  link.source = figure_source::datasheet;
  link.source_url = "https://example.com/datasheet";
  p.links.push_back(link);
  curve cv;
  cv.id = "bandwidth.read";
  cv.kind = "bandwidth";
  cv.access = "read";
  cv.y_unit = "B/s";
  cv.points.push_back({8192, sample_stats{6e11, 5.9e11, 6.1e11, 5, true}});
  cv.plateaus.push_back({"l1", 8192, 65536, 6e11, 4});
  p.curves.push_back(cv);
  p.warnings.push_back("a warning");
  return p;
}

std::string error_of(const json& doc) {
  try {
    (void)machine_profile_from_json(doc, "p.json");
  } catch (const input_error& e) {
    EXPECT_EQ(e.code(), exit_code::usage);
    return e.what();
  }
  return "";
}

TEST(machine_profile, round_trips_through_json) {
  const machine_profile p = sample_profile();
  const json once = to_json(p);
  EXPECT_EQ(once["schema"], "rafter.machine/1");
  const machine_profile back = machine_profile_from_json(once, "mem");
  EXPECT_EQ(to_json(back), once);
  EXPECT_EQ(back.device.name, "Test CPU <&>");
  EXPECT_FALSE(back.memory[0].samples.at("read").settled);
  EXPECT_EQ(back.curves[0].plateaus[0].level, "l1");
  EXPECT_EQ(*back.memory[0].roofline_bytes_per_s(), 6e11);
  EXPECT_EQ(back.memory[0].clock_hz, 2.59e9);
}

TEST(machine_profile, one_direction_of_a_link_halves_only_a_bidirectional_aggregate) {
  link_ceiling l;
  l.bytes_per_s = 128e9;
  EXPECT_EQ(l.one_direction_bytes_per_s(), 128e9);  // measured links are one-way
  l.note = "bidirectional aggregate; per direction is half";
  EXPECT_EQ(l.one_direction_bytes_per_s(), 64e9);
  // Maia 100's per-direction figures mention the other profiles' bidirectional aggregates.
  l.note = "per direction (PCIe Gen5 x8 carries about 32 GB/s each way), unlike the bidirectional PCIe aggregates";
  EXPECT_EQ(l.one_direction_bytes_per_s(), 128e9);
}

TEST(machine_profile, round_trips_through_a_file) {
  const auto path = std::filesystem::temp_directory_path() / "rafter_machine_profile_test.json";
  save_machine_profile(path, sample_profile());
  EXPECT_EQ(to_json(load_machine_profile(path)), to_json(sample_profile()));
  std::filesystem::remove(path);
}

// A trace given where a profile goes is named as one, compressed or not; a gzip profile reads.
TEST(machine_profile, a_trace_is_named_and_gzip_is_read) {
  json trace_doc = {{"traceEvents", json::array()}, {"deviceProperties", json::array()}};
  EXPECT_EQ(error_of(trace_doc),
            "p.json: field 'schema': missing: this is a Chrome/Kineto trace (traceEvents), not a machine profile "
            "(rafter.machine/1)");
  const auto gz = std::filesystem::temp_directory_path() / "rafter_machine_profile_test.json.gz";
  std::ofstream(gz, std::ios::binary) << gzip_compress(to_json(sample_profile()).dump());
  EXPECT_EQ(to_json(load_machine_profile(gz)), to_json(sample_profile()));
  std::ofstream(gz, std::ios::binary) << gzip_compress(trace_doc.dump());
  try {
    (void)load_machine_profile(gz);
    FAIL();
  } catch (const input_error& e) {
    EXPECT_NE(std::string(e.what()).find("this is a Chrome/Kineto trace"), std::string::npos) << e.what();
  }
  std::filesystem::remove(gz);
}

TEST(machine_profile, missing_field_is_named) {
  json doc = to_json(sample_profile());
  doc["device"].erase("name");
  EXPECT_EQ(error_of(doc), "p.json: field 'device.name': missing required field");
  doc = to_json(sample_profile());
  doc["compute"][0].erase("flop_per_s");
  EXPECT_EQ(error_of(doc), "p.json: field 'compute[0].flop_per_s': missing required field");
  doc = to_json(sample_profile());
  doc.erase("memory");
  EXPECT_EQ(error_of(doc), "p.json: field 'memory': missing required field");
}

TEST(machine_profile, wrong_type_is_named) {
  json doc = to_json(sample_profile());
  doc["compute"][0]["flop_per_s"] = "fast";
  EXPECT_EQ(error_of(doc), "p.json: field 'compute[0].flop_per_s': expected a number, got string");
  doc = to_json(sample_profile());
  doc["memory"] = json::object();
  EXPECT_EQ(error_of(doc), "p.json: field 'memory': expected an array, got object");
  doc = to_json(sample_profile());
  doc["curves"][0]["points"][0]["n"] = 2.5;
  EXPECT_EQ(error_of(doc), "p.json: field 'curves[0].points[0].n': expected an integer, got number");
  doc = to_json(sample_profile());
  doc["memory"][0]["read_bytes_per_s"] = 0.0;  // a zero roof would make every ratio and ridge meaningless
  EXPECT_EQ(error_of(doc), "p.json: field 'memory[0].read_bytes_per_s': must be greater than zero");
}

TEST(machine_profile, schema_major_and_kind_are_checked) {
  json doc = to_json(sample_profile());
  doc["schema"] = "rafter.machine/2";
  EXPECT_EQ(error_of(doc), "p.json: field 'schema': unsupported major version 2 (this rafter reads rafter.machine/1)");
  doc["schema"] = "rafter.trace/1";
  EXPECT_NE(error_of(doc).find("not a machine profile"), std::string::npos);
  doc["schema"] = "machine";
  EXPECT_NE(error_of(doc).find("expected \"rafter.<kind>/<major>\""), std::string::npos);
  doc.erase("schema");
  EXPECT_EQ(error_of(doc), "p.json: field 'schema': missing required field");
}

TEST(machine_profile, negative_and_zero_values_are_rejected) {
  json doc = to_json(sample_profile());
  doc["memory"][0]["read_bytes_per_s"] = -1.0;
  EXPECT_EQ(error_of(doc), "p.json: field 'memory[0].read_bytes_per_s': must not be negative, got -1.0");
  doc = to_json(sample_profile());
  doc["compute"][0]["flop_per_s"] = 0;
  EXPECT_EQ(error_of(doc), "p.json: field 'compute[0].flop_per_s': must be greater than zero");
  doc = to_json(sample_profile());
  doc["compute"][0]["samples"]["min"] = 3e11;
  EXPECT_NE(error_of(doc).find("compute[0].samples.median"), std::string::npos);
}

TEST(machine_profile, enumerators_ids_and_sources_are_checked) {
  json doc = to_json(sample_profile());
  doc["compute"][0]["precision"] = "fp13";
  EXPECT_NE(error_of(doc).find("'compute[0].precision': unknown precision \"fp13\""), std::string::npos);
  doc = to_json(sample_profile());
  doc["device"]["kind"] = "fpga";
  EXPECT_NE(error_of(doc).find("'device.kind'"), std::string::npos);
  doc = to_json(sample_profile());
  doc["compute"].push_back(doc["compute"][0]);
  EXPECT_EQ(error_of(doc), "p.json: field 'compute[1].id': duplicate \"fp64.vector.fma\"");
  doc = to_json(sample_profile());
  doc["links"][0].erase("source_url");
  EXPECT_NE(error_of(doc).find("'links[0].source_url': missing: every datasheet figure names its public source"),
            std::string::npos);
  doc = to_json(sample_profile());
  doc["memory"][0] = json{{"level", "l2"}, {"source", "measured"}};
  EXPECT_NE(error_of(doc).find("needs at least one bandwidth or a latency"), std::string::npos);
}

TEST(machine_profile, unreadable_and_malformed_files_name_the_file) {
  try {
    (void)load_machine_profile("/nonexistent/profile.json");
    FAIL();
  } catch (const input_error& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/profile.json: cannot open file: No such file or directory");
  }
  const auto path = std::filesystem::temp_directory_path() / "rafter_malformed.json";
  std::ofstream(path) << "{\"schema\": ";
  try {
    (void)load_machine_profile(path);
    FAIL();
  } catch (const input_error& e) {
    EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos);
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace rafter

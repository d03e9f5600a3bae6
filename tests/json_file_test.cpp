#include "core/json_file.hpp"

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/file_reader.hpp"
#include "pipe_feed.hpp"

namespace rafter {
namespace {

std::filesystem::path write_file(const std::string& name, const std::string& bytes) {
  const auto path = std::filesystem::temp_directory_path() / ("rafter_json_file_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  return path;
}

std::string error_reading(const std::filesystem::path& p) {
  try {
    (void)read_json_file(p);
  } catch (const input_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(json_file, round_trips_and_reads_gzip_and_pipes) {
  const json doc = {{"schema", "rafter.machine/1"}, {"values", {1.5, 2, "x<&>"}}};
  const auto plain = std::filesystem::temp_directory_path() / ("rafter_json_file_" + std::to_string(::getpid()) + ".json");
  write_json_file(plain, doc);
  EXPECT_EQ(read_json_file(plain), doc);
  const auto packed = write_file("p.json.gz", gzip_compress(doc.dump()));
  EXPECT_EQ(read_json_file(packed), doc);
  const testing::pipe_feed pipe(gzip_compress(doc.dump()));
  EXPECT_EQ(read_json_file(pipe.path()), doc);
  std::filesystem::remove(plain);
  std::filesystem::remove(packed);
}

TEST(json_file, bad_content_names_the_file_and_the_byte) {
  const auto p = write_file("bad.json", R"({"a": 1,})");
  EXPECT_EQ(error_reading(p), p.string() + ": not valid JSON (byte 9)");
  const auto trailing = write_file("trailing.json", R"({"a": 1} x)");
  EXPECT_EQ(error_reading(trailing), trailing.string() + ": not valid JSON (byte 10)");
  // Parsing stops at the first bad byte: an endless device is not read into memory.
  EXPECT_EQ(error_reading("/dev/zero"), "/dev/zero: not valid JSON (byte 1)");
  EXPECT_EQ(error_reading(std::filesystem::temp_directory_path()),
            std::filesystem::temp_directory_path().string() + ": is a directory, not a file");
  const auto huge = write_file("huge.json", R"({"peak": 1e999})");
  EXPECT_EQ(error_reading(huge), huge.string() + ": holds a number too large for a double (such as 1e999)");
  std::filesystem::remove(p);
  std::filesystem::remove(trailing);
  std::filesystem::remove(huge);
}

TEST(json_file, a_key_named_twice_in_one_object_is_refused_with_its_path) {
  const auto top = write_file("dup_top.json", R"({"schema": "a", "schema": "b"})");
  EXPECT_EQ(error_reading(top), top.string() + ": field 'schema': duplicate key: the object names it twice (JSON leaves which value counts undefined)");
  const auto nested = write_file("dup_nested.json",
                                 R"({"memory": [{"level": "l1"}, [], {"level": "l2", "bytes_per_s": 1, "bytes_per_s": 2}]})");
  EXPECT_NE(error_reading(nested).find("field 'memory[2].bytes_per_s': duplicate key"), std::string::npos) << error_reading(nested);
  // Past the 16 keys checked by a scan.
  std::string many = "{";
  for (int i = 0; i < 40; ++i) many += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ", ";
  const auto wide = write_file("dup_wide.json", many + "\"k3\": 0}");
  EXPECT_NE(error_reading(wide).find("field 'k3': duplicate key"), std::string::npos) << error_reading(wide);
  // The same key in sibling or nested objects is no duplicate.
  const auto fine = write_file("dup_fine.json", R"({"a": {"x": 1}, "b": {"x": 2, "a": {"x": 3}}, "c": [{"x": 1}, {"x": 2}]})");
  EXPECT_EQ(read_json_file(fine)["b"]["a"]["x"], 3);
  for (const auto& f : {top, nested, wide, fine}) std::filesystem::remove(f);
}

}  // namespace
}  // namespace rafter

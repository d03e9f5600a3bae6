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

}  // namespace
}  // namespace rafter

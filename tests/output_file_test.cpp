#include "core/output_file.hpp"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "core/error.hpp"
#include "core/file_reader.hpp"

namespace rafter {
namespace {

namespace fs = std::filesystem;

fs::path temp_path(const std::string& name) {
  return fs::temp_directory_path() / ("rafter_output_file_test_" + std::to_string(::getpid()) + "_" + name);
}

std::string content_of(const fs::path& p) { return read_file_content(p); }  // decompresses gzip

TEST(output_file, many_megabytes_in_pieces_read_back_plain_and_gzip) {
  std::string expected;
  for (const char* name : {"big.txt", "big.txt.gz"}) {
    const auto path = temp_path(name);
    output_file out(path);
    expected.clear();
    for (int i = 0; i < 60000; ++i) {  // about 3 MB: several drains
      const std::string line = "line " + std::to_string(i) + " of a text that goes out in pieces\n";
      out.text() += line;
      expected += line;
      out.drain_if_full();
      if (i == 30000) {
        EXPECT_FALSE(fs::exists(path)) << name;  // nothing in place before commit
      }
    }
    out.commit();
    const bool gz = std::string(name).ends_with(".gz");
    EXPECT_EQ(fs::file_size(path) < expected.size(), gz) << name;
    EXPECT_EQ(content_of(path), expected) << name;
    fs::remove(path);
  }
}

TEST(output_file, an_uncommitted_file_leaves_nothing_and_write_is_whole) {
  const auto path = temp_path("never.json.gz");
  {
    output_file out(path);
    out.text() = "half";
  }
  EXPECT_FALSE(fs::exists(path));
  output_file::write(path, "{\"whole\": true}\n");
  EXPECT_EQ(content_of(path), "{\"whole\": true}\n");
  fs::remove(path);
  EXPECT_THROW(output_file(temp_path("no/such/dir/x.json")), input_error);
}

}  // namespace
}  // namespace rafter

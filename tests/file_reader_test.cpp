#include "core/file_reader.hpp"

#include <fstream>

#include <unistd.h>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "pipe_feed.hpp"

namespace rafter {
namespace {

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("rafter_file_reader_test_" + std::to_string(::getpid()) + "_" + name);
}

void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::string big_text() {
  std::string data;
  for (int i = 0; i < 200000; ++i) data += "line " + std::to_string(i) + "\n";
  return data;
}

TEST(file_reader, reads_plain_files_unchanged) {
  const auto path = temp_path("plain.txt");
  write_bytes(path, big_text());
  file_reader reader(path);
  EXPECT_FALSE(reader.gzip());
  EXPECT_EQ(read_file_content(path), big_text());
  EXPECT_EQ(read_file_prefix(path, 10), "line 0\nlin");
  std::filesystem::remove(path);
}

TEST(file_reader, decompresses_gzip_including_concatenated_members) {
  const std::string data = big_text();
  const auto path = temp_path("two.gz");
  write_bytes(path, gzip_compress(data) + gzip_compress("tail\n"));
  EXPECT_TRUE(file_reader(path).gzip());
  EXPECT_EQ(read_file_content(path), data + "tail\n");
  EXPECT_EQ(read_file_prefix(path, 7), "line 0\n");
  std::filesystem::remove(path);
}

TEST(file_reader, reads_pipes_once_plain_and_gzip) {
  const std::string data = big_text();
  {
    const testing::pipe_feed pipe(data);
    file_reader reader(pipe.path());
    EXPECT_FALSE(reader.gzip());
    EXPECT_EQ(reader.file_size(), data.size());  // read whole into a temporary copy first
    EXPECT_EQ(read_file_content(pipe.path()), data);  // and the same name reads it again
  }
  {
    const testing::pipe_feed pipe(data);
    EXPECT_EQ(read_file_content(pipe.path()), data);  // the two sniffed bytes are not lost
  }
  {
    const testing::pipe_feed pipe(gzip_compress(data));
    EXPECT_EQ(read_file_content(pipe.path()), data);
  }
  {
    const testing::pipe_feed pipe("x");  // shorter than the gzip magic
    EXPECT_EQ(read_file_content(pipe.path()), "x");
  }
  {
    const testing::pipe_feed pipe("");
    EXPECT_EQ(read_file_content(pipe.path()), "");
  }
}

std::string error_reading(const std::filesystem::path& p) {
  try {
    (void)read_file_content(p);
  } catch (const input_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(file_reader, whole_content_of_an_endless_device_is_refused) {
  // Read whole, /dev/zero would fill memory; a stream reader (JSON) still fails at its first byte.
  EXPECT_EQ(error_reading("/dev/zero"), "/dev/zero: is a character device, not a file: it may never end (give a file or a pipe)");
  EXPECT_EQ(read_file_prefix("/dev/zero", 4), std::string(4, '\0'));
}

TEST(file_reader, truncated_and_corrupt_gzip_name_file_and_position) {
  const std::string gz = gzip_compress(big_text());
  const auto path = temp_path("bad.gz");
  write_bytes(path, gz.substr(0, gz.size() / 2));
  std::string e = error_reading(path);
  EXPECT_NE(e.find(path.string() + ": truncated gzip stream (ends at compressed byte "), std::string::npos) << e;

  std::string corrupt = gz;
  for (std::size_t i = 100; i < 200; ++i) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
  write_bytes(path, corrupt);
  e = error_reading(path);
  EXPECT_NE(e.find("corrupt gzip data at compressed byte"), std::string::npos) << e;

  write_bytes(path, gz + "garbage");
  e = error_reading(path);
  EXPECT_NE(e.find("unexpected data after the gzip stream"), std::string::npos) << e;
  std::filesystem::remove(path);

  e = error_reading(temp_path("missing"));
  EXPECT_NE(e.find("cannot open file"), std::string::npos) << e;
}

}  // namespace
}  // namespace rafter

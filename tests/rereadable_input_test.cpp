#include "core/rereadable_input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <thread>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/file_reader.hpp"
#include "pipe_feed.hpp"

namespace rafter {
namespace {

TEST(rereadable_input, a_piped_descriptor_reads_whole_again_and_again_under_its_name) {
  std::string data;
  for (int i = 0; i < 3000000; ++i) data += static_cast<char>(i * 7);  // binary, several chunks
  const testing::pipe_feed pipe(gzip_compress(data));
  make_rereadable(pipe.path());
  EXPECT_TRUE(std::filesystem::is_regular_file(pipe.path()));
  EXPECT_EQ(read_file_content(pipe.path()), data);
  EXPECT_EQ(read_file_content(pipe.path()), data);
  make_rereadable(pipe.path());  // now a file: left alone
  EXPECT_EQ(read_file_prefix(pipe.path(), 3), data.substr(0, 3));
}

TEST(rereadable_input, files_and_devices_are_left_alone) {
  const auto readme = std::filesystem::path(RAFTER_SOURCE_DIR) / "README.md";
  make_rereadable(readme);
  EXPECT_TRUE(std::filesystem::is_regular_file(readme));
  make_rereadable("/dev/zero");  // may never end: never copied
  EXPECT_TRUE(std::filesystem::is_character_file("/dev/zero"));
  make_rereadable("/no/such/file");  // the reader says it is missing
}

TEST(rereadable_input, an_empty_pipe_becomes_an_empty_file) {
  const testing::pipe_feed pipe("");
  make_rereadable(pipe.path());
  EXPECT_EQ(std::filesystem::file_size(pipe.path()), 0u);
}

TEST(rereadable_input, a_named_pipe_is_read_once_and_then_reread_from_its_copy) {
  const auto fifo = std::filesystem::temp_directory_path() / ("rafter_rereadable_" + std::to_string(::getpid()));
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string content = std::string(3 << 20, 'x') + "end";  // more than the pipe buffer holds
  std::thread writer([&] {
    std::ofstream out(fifo, std::ios::binary);
    out << content;
  });
  make_rereadable(fifo);
  writer.join();
  EXPECT_NE(rereadable_path(fifo), fifo);
  make_rereadable(fifo);  // read once: a second call does not wait for another writer
  for (int pass = 0; pass < 2; ++pass) {
    std::ifstream in(rereadable_path(fifo), std::ios::binary);
    const std::string read((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(read.size(), content.size());
    EXPECT_EQ(read.substr(read.size() - 3), "end");
  }
  const auto copy = named_copy_of_descriptor(fifo);  // SQLite's named copy
  ASSERT_TRUE(copy.has_value());
  EXPECT_EQ(std::filesystem::file_size(*copy), content.size());
  std::filesystem::remove(*copy);
  std::filesystem::remove(fifo);
}

TEST(rereadable_input, a_descriptor_on_a_named_file_needs_no_copy) {
  const auto readme = std::filesystem::path(RAFTER_SOURCE_DIR) / "README.md";
  const int fd = ::open(readme.c_str(), O_RDONLY | O_CLOEXEC);  // as `< README.md` gives it
  ASSERT_GE(fd, 0);
  const std::filesystem::path name = "/dev/fd/" + std::to_string(fd);
  EXPECT_EQ(named_copy_of_descriptor(name), std::nullopt);
  EXPECT_EQ(read_file_content(name), read_file_content(readme));
  ::close(fd);
  // A pipe is copied to a named file, removed by the caller.
  const testing::pipe_feed pipe("piped bytes");
  const auto copy = named_copy_of_descriptor(pipe.path());
  ASSERT_TRUE(copy.has_value());
  EXPECT_EQ(read_file_content(*copy), "piped bytes");
  std::filesystem::remove(*copy);
}

}  // namespace
}  // namespace rafter

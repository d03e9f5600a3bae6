#include "core/gzip_stream.hpp"

#include <filesystem>
#include <random>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/file_reader.hpp"

namespace rafter {
namespace {

namespace fs = std::filesystem;

// What file_reader (the reader of every rafter input) reads back from `packed`.
std::string unpacked(const std::string& packed) {
  const fs::path path = fs::temp_directory_path() / ("rafter_gzip_stream_test_" + std::to_string(::getpid()) + ".gz");
  write_file_atomically(path, packed);
  file_reader reader(path);
  EXPECT_TRUE(reader.gzip());
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = reader.read(buf, sizeof buf)) > 0;) out.append(buf, n);
  fs::remove(path);
  return out;
}

TEST(gzip_stream, pieces_compress_to_one_member_of_their_concatenation) {
  std::mt19937 rng(7);
  std::string whole;
  gzip_stream zip;
  std::string packed;
  for (int i = 0; i < 50; ++i) {
    // Pieces from empty to 300 KiB, text-like and random, as save_trace hands them over.
    std::string piece(static_cast<std::size_t>(rng() % (300 << 10)) * (i % 7 != 0), '\0');
    for (auto& c : piece) c = static_cast<char>(i % 2 == 0 ? 'a' + rng() % 26 : rng());
    whole += piece;
    zip.compress(piece, packed);
  }
  zip.finish(packed);
  EXPECT_LT(packed.size(), whole.size());
  EXPECT_EQ(unpacked(packed), whole);
  EXPECT_EQ(unpacked(gzip_compress(whole)), whole);
}

TEST(gzip_stream, an_empty_stream_is_a_valid_empty_member_and_ends_once) {
  gzip_stream zip;
  std::string packed;
  zip.finish(packed);
  EXPECT_EQ(unpacked(packed), "");
  EXPECT_THROW(zip.compress("more", packed), error);
  EXPECT_THROW(zip.finish(packed), error);
}

}  // namespace
}  // namespace rafter

#include "core/atomic_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rafter {
namespace {

namespace fs = std::filesystem;

TEST(atomic_file, replaces_the_whole_file_and_leaves_no_temporary) {
  const fs::path dir = fs::temp_directory_path() / "rafter_atomic_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path file = dir / "out.json";
  write_file_atomically(file, "first");
  write_file_atomically(file, "second, longer");
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_EQ(s.str(), "second, longer");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1);
  fs::remove_all(dir);
}

TEST(atomic_file, unwritable_directory_is_an_input_error_naming_the_path) {
  try {
    write_file_atomically("/nonexistent-dir/out.json", "x");
    FAIL();
  } catch (const input_error& e) {
    EXPECT_EQ(e.code(), exit_code::usage);
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/out.json: cannot create output file"), std::string::npos);
  }
}

}  // namespace
}  // namespace rafter

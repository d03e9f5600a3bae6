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

TEST(atomic_file, pieces_appear_only_at_commit_and_an_uncommitted_file_leaves_nothing) {
  const fs::path dir = fs::temp_directory_path() / "rafter_atomic_pieces_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path file = dir / "out.json";
  auto entries = [&] {
    int n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
    return n;
  };
  {
    atomic_file f(file);
    f.write("one ");
    f.write("two");
    EXPECT_FALSE(fs::exists(file));  // only the temporary file so far
    f.commit();
    EXPECT_THROW(f.write("late"), input_error);
  }
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_EQ(s.str(), "one two");
  {
    atomic_file f(file);  // an error partway: destroyed uncommitted
    f.write("partial");
  }
  EXPECT_EQ(entries(), 1);  // the temporary file is gone, the old file untouched
  std::ifstream again(file);
  std::stringstream s2;
  s2 << again.rdbuf();
  EXPECT_EQ(s2.str(), "one two");
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

TEST(atomic_file, a_dash_is_refused_rather_than_written_as_a_file_named_dash) {
  try {
    check_writable_output("-");
    FAIL();
  } catch (const input_error& e) {
    EXPECT_EQ(e.code(), exit_code::usage);
    EXPECT_NE(std::string(e.what()).find("print to stdout"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(check_writable_output("./-.md"));
}

TEST(atomic_file, one_path_for_two_outputs_is_refused) {
  const auto dir = std::filesystem::temp_directory_path();
  EXPECT_NO_THROW(check_writable_outputs({dir / "a.md", "", dir / "a.json", ""}));
  try {
    check_writable_outputs({dir / "o.md", dir / "." / "o.md"});
    FAIL();
  } catch (const input_error& e) {
    EXPECT_EQ(e.code(), exit_code::usage);
    EXPECT_NE(std::string(e.what()).find("given for two outputs"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rafter

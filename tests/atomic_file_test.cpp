#include "core/atomic_file.hpp"

#include <csignal>
#include <functional>
#include <thread>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/resource.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rafter {
namespace {

namespace fs = std::filesystem;

std::string content(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const input_error& e) {
    return e.what();
  }
  return "no error";
}

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

TEST(atomic_file, a_symbolic_link_is_followed_and_kept) {
  const fs::path dir = fresh_dir("rafter_atomic_link_test");
  fs::create_directories(dir / "real");
  write_file_atomically(dir / "real" / "report.html", "old");
  fs::create_symlink(fs::path("real") / "report.html", dir / "latest.html");
  EXPECT_NO_THROW(check_writable_output(dir / "latest.html"));
  write_file_atomically(dir / "latest.html", "new");
  EXPECT_TRUE(fs::is_symlink(dir / "latest.html"));
  EXPECT_EQ(content(dir / "real" / "report.html"), "new");
  // A dangling link is written through too: the file appears where it points.
  fs::create_symlink(fs::path("real") / "next.html", dir / "next.html");
  write_file_atomically(dir / "next.html", "next");
  EXPECT_TRUE(fs::is_symlink(dir / "next.html"));
  EXPECT_EQ(content(dir / "real" / "next.html"), "next");
  fs::remove_all(dir);
}

TEST(atomic_file, a_device_or_named_pipe_is_written_in_place_not_replaced) {
  ASSERT_TRUE(fs::is_character_file("/dev/null"));
  EXPECT_NO_THROW(check_writable_outputs({"/dev/null", "/dev/null"}));  // two outputs may both be discarded
  write_file_atomically("/dev/null", "discarded");
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  const fs::path dir = fresh_dir("rafter_atomic_fifo_test");
  const fs::path fifo = dir / "out.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] { got = content(fifo); });
  write_file_atomically(fifo, "through the pipe");
  reader.join();
  EXPECT_EQ(got, "through the pipe");
  EXPECT_TRUE(fs::is_fifo(fifo));
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1);  // no temporary file was made beside it
  fs::remove_all(dir);
}

TEST(atomic_file, an_output_that_is_also_an_input_is_refused) {
  const fs::path dir = fresh_dir("rafter_atomic_input_test");
  write_file_atomically(dir / "trace.json", "{}");
  fs::create_symlink("trace.json", dir / "alias.json");
  const std::string same = error_of([&] { check_writable_outputs({dir / "out.html", dir / "trace.json"}, {dir / "trace.json"}); });
  EXPECT_EQ(same, (dir / "trace.json").string() + ": is also an input (" + (dir / "trace.json").string() +
                      "): the output would replace it");
  EXPECT_NE(error_of([&] { check_writable_outputs({dir / "alias.json"}, {dir / "." / "trace.json"}); }).find("is also an input"),
            std::string::npos);
  EXPECT_NO_THROW(check_writable_outputs({dir / "out.json"}, {dir / "trace.json", ""}));  // not there yet: cannot be the input
  fs::remove_all(dir);
}

TEST(atomic_file, an_empty_output_name_is_refused) {
  EXPECT_EQ(error_of([] { check_writable_output(""); }), "<empty output path>: an output option was given an empty file name");
}

TEST(atomic_file, several_outputs_appear_together_or_not_at_all) {
  const fs::path dir = fresh_dir("rafter_atomic_set_test");
  write_files_atomically({{dir / "a.json", "old a"}, {"", "skipped"}, {dir / "b.html", "old b"}});
  EXPECT_EQ(content(dir / "a.json"), "old a");
  EXPECT_EQ(content(dir / "b.html"), "old b");
  // The second output cannot be written (a file-size limit stands in for a full disk): the first,
  // already written to its temporary file, is not put in place either.
  struct rlimit old {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = 64;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const std::string error =
      error_of([&] { write_files_atomically({{dir / "a.json", "new a"}, {dir / "b.html", std::string(1000, 'b')}}); });
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_EQ(error.rfind((dir / "b.html").string() + ": cannot write output file: ", 0), 0u) << error;
  EXPECT_EQ(content(dir / "a.json"), "old a");
  EXPECT_EQ(content(dir / "b.html"), "old b");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 2);  // both temporary files removed
  fs::remove_all(dir);
}

TEST(atomic_file, a_descriptor_is_written_where_it_points_not_replaced) {
  // A pipe's writing end, as `rafter ... -o /dev/stdout | jq` or `-o >(gzip > t.gz)` give it: its
  // name resolves to "pipe:[N]", which cannot be created, so the descriptor itself is written.
  int ends[2];
  ASSERT_EQ(::pipe(ends), 0);
  const fs::path through_pipe = "/dev/fd/" + std::to_string(ends[1]);
  EXPECT_NO_THROW(check_writable_outputs({through_pipe, through_pipe}));  // one stream may take two outputs
  write_file_atomically(through_pipe, "to the reader");
  ::close(ends[1]);
  char got[64] = {};
  EXPECT_EQ(::read(ends[0], got, sizeof got), 13);
  EXPECT_EQ(std::string(got), "to the reader");
  EXPECT_EQ(error_of([&] { check_writable_output("/dev/fd/" + std::to_string(ends[0])); }),
            "/dev/fd/" + std::to_string(ends[0]) + ": names descriptor " + std::to_string(ends[0]) +
                ", which is open for reading only");
  ::close(ends[0]);
  EXPECT_EQ(error_of([&] { check_writable_output(through_pipe); }),
            through_pipe.string() + ": names descriptor " + std::to_string(ends[1]) + ", which is not open");

  // A file the shell opened for appending (`-o /dev/stdout >> log`): appended to, the same file kept.
  const fs::path dir = fresh_dir("rafter_atomic_descriptor_test");
  write_file_atomically(dir / "log", "earlier\n");
  const auto inode = [](const fs::path& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_ino;
  };
  const auto before = inode(dir / "log");
  const int appending = ::open((dir / "log").c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  ASSERT_GE(appending, 0);
  write_file_atomically("/proc/self/fd/" + std::to_string(appending), "later\n");
  ::close(appending);
  EXPECT_EQ(content(dir / "log"), "earlier\nlater\n");
  EXPECT_EQ(inode(dir / "log"), before);
  fs::remove_all(dir);
}

TEST(atomic_file, two_outputs_meeting_through_a_dangling_link_are_refused) {
  const fs::path dir = fresh_dir("rafter_atomic_dangling_test");
  fs::create_symlink("report.html", dir / "latest.html");  // report.html does not exist yet
  EXPECT_NE(error_of([&] { check_writable_outputs({dir / "report.html", dir / "latest.html"}); }).find("given for two outputs"),
            std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace rafter

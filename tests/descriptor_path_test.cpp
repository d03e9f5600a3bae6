#include "core/descriptor_path.hpp"

#include <filesystem>

#include <unistd.h>

#include <gtest/gtest.h>

namespace rafter {
namespace {

namespace fs = std::filesystem;

TEST(descriptor_path, names_of_a_descriptor_give_its_number) {
  EXPECT_EQ(descriptor_named_by("/dev/fd/63"), 63);
  EXPECT_EQ(descriptor_named_by("/proc/self/fd/1"), 1);
  EXPECT_EQ(descriptor_named_by("/dev/fd/./7"), 7);  // normalised before it is read
  if (fs::is_symlink("/dev/stdout")) {
    EXPECT_EQ(descriptor_named_by("/dev/stdout"), 1);  // /dev/stdout -> /proc/self/fd/1
    EXPECT_EQ(descriptor_named_by("/dev/stdin"), 0);
  }
}

TEST(descriptor_path, other_paths_name_no_descriptor) {
  EXPECT_EQ(descriptor_named_by("/dev/null"), std::nullopt);
  EXPECT_EQ(descriptor_named_by("/dev/fd/"), std::nullopt);
  EXPECT_EQ(descriptor_named_by("/dev/fd/1x"), std::nullopt);
  EXPECT_EQ(descriptor_named_by("/proc/1/fd/1"), std::nullopt);  // another process's descriptor
  EXPECT_EQ(descriptor_named_by("trace.json"), std::nullopt);
  // A link to a descriptor's name is followed.
  const fs::path link = fs::temp_directory_path() / ("rafter_descriptor_link_" + std::to_string(::getpid()));
  fs::remove(link);
  fs::create_symlink("/dev/fd/5", link);
  EXPECT_EQ(descriptor_named_by(link), 5);
  fs::remove(link);
}

}  // namespace
}  // namespace rafter

#include "analysis/kernel_class.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace rafter {
namespace {

TEST(kernel_class, names_are_unique_and_round_trip) {
  std::set<std::string> names;
  for (const auto cls : all_kernel_classes) {
    EXPECT_TRUE(names.insert(to_string(cls)).second);
    EXPECT_EQ(kernel_class_from_string(to_string(cls)), cls);
  }
  EXPECT_EQ(names.size(), 8u);
  EXPECT_FALSE(kernel_class_from_string("GEMM"));
  EXPECT_FALSE(kernel_class_from_string(""));
}

}  // namespace
}  // namespace rafter

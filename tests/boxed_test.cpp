#include "core/boxed.hpp"

#include <map>
#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace rafter {
namespace {

struct payload {
  std::string text;
  std::map<std::string, double> values;
};

TEST(boxed, starts_empty_and_compares_with_nullopt) {
  boxed<payload> b;
  EXPECT_FALSE(b.has_value());
  EXPECT_FALSE(static_cast<bool>(b));
  EXPECT_TRUE(b == std::nullopt);
  EXPECT_THROW((void)b.value(), std::bad_optional_access);
}

TEST(boxed, assigns_from_value_optional_and_nullopt) {
  boxed<payload> b;
  payload p{"gemm", {{"dram", 1e9}}};
  b = p;
  ASSERT_TRUE(b);
  EXPECT_EQ(b->text, "gemm");
  EXPECT_EQ((*b).values.at("dram"), 1e9);
  b = payload{"conv", {}};
  EXPECT_EQ(b.value().text, "conv");
  b = std::optional<payload>();
  EXPECT_FALSE(b.has_value());
  b = std::optional<payload>(p);
  EXPECT_EQ(b->text, "gemm");
  b = std::nullopt;
  EXPECT_TRUE(b == std::nullopt);
  EXPECT_FALSE(b != std::nullopt);
}

TEST(boxed, copies_are_deep_and_moves_leave_the_source_empty) {
  boxed<payload> a = payload{"x", {{"l2", 2.0}}};
  boxed<payload> copy = a;
  copy->values["l2"] = 3.0;
  EXPECT_EQ(a->values.at("l2"), 2.0);
  boxed<payload> target;
  target = a;
  EXPECT_EQ(target->values.at("l2"), 2.0);
  const boxed<payload>& same = target;
  target = same;  // self-assignment keeps the value
  EXPECT_EQ(target->text, "x");
  boxed<payload> moved = std::move(a);
  EXPECT_EQ(moved->text, "x");
  EXPECT_FALSE(a.has_value());  // NOLINT(bugprone-use-after-move): documented
  boxed<payload> empty;
  moved = empty;
  EXPECT_FALSE(moved.has_value());
}

TEST(boxed, emplace_reset_and_swap) {
  boxed<payload> b;
  payload& p = b.emplace(payload{"mm", {}});
  p.values["dram"] = 1.0;
  EXPECT_EQ(b->values.at("dram"), 1.0);
  boxed<payload> other;
  b.swap(other);
  EXPECT_FALSE(b.has_value());
  ASSERT_TRUE(other.has_value());
  other.reset();
  EXPECT_FALSE(other.has_value());
}

TEST(boxed, holds_one_pointer) { EXPECT_EQ(sizeof(boxed<payload>), sizeof(void*)); }

}  // namespace
}  // namespace rafter

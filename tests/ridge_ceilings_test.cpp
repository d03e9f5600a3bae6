#include "analysis/ridge_ceilings.hpp"

#include <gtest/gtest.h>

namespace rafter {
namespace {

comparison_side side(std::initializer_list<ceiling_entry> compute) {
  comparison_side s;
  s.compute = compute;
  return s;
}

ceiling_entry ceiling(const char* id, const char* precision, const char* unit, double per_s) {
  return {id, precision, unit, per_s, figure_source::datasheet, {}};
}

TEST(ridge_ceilings, picks_the_common_float_precision_with_the_highest_geometric_mean) {
  // A's top roof is int8 and B's fp4: neither is shared; bf16 tensor (mean 1.4e15) beats fp32 vector.
  const auto a = side({ceiling("int8.tensor", "int8", "tensor", 2.0e15), ceiling("bf16.tensor", "bf16", "tensor", 1.0e15),
                       ceiling("fp32.vector", "fp32", "vector", 6.0e13)});
  const auto b = side({ceiling("fp4.tensor", "fp4", "tensor", 9.0e15), ceiling("bf16.mma", "bf16", "matrix", 2.0e15),
                       ceiling("fp32.vector", "fp32", "vector", 8.0e13)});
  const auto ids = ridge_ceilings(a, b);
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->first, "bf16.tensor");
  EXPECT_EQ(ids->second, "bf16.mma");  // matrix counts as tensor
}

TEST(ridge_ceilings, is_symmetric_in_a_and_b) {
  // fp16: means sqrt(1e15 * 1e14) = 3.2e14; fp32: sqrt(5e14 * 5e14) = 5e14 wins though neither side's top.
  const auto a = side({ceiling("fp16", "fp16", "tensor", 1.0e15), ceiling("fp32", "fp32", "tensor", 5.0e14)});
  const auto b = side({ceiling("fp16", "fp16", "tensor", 1.0e14), ceiling("fp32", "fp32", "tensor", 5.0e14)});
  const auto ab = ridge_ceilings(a, b);
  const auto ba = ridge_ceilings(b, a);
  ASSERT_TRUE(ab && ba);
  EXPECT_EQ(ab->first, "fp32");
  EXPECT_EQ(ab->first, ba->second);
  EXPECT_EQ(ab->second, ba->first);
}

TEST(ridge_ceilings, takes_the_best_ceiling_of_a_precision_and_unit) {
  const auto a = side({ceiling("fp32.fma.low", "fp32", "vector", 1.0e13), ceiling("fp32.fma", "fp32", "vector", 2.0e13)});
  const auto b = side({ceiling("fp32.fma", "fp32", "vector", 3.0e13)});
  const auto ids = ridge_ceilings(a, b);
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->first, "fp32.fma");
}

TEST(ridge_ceilings, none_without_a_shared_float_precision_and_unit) {
  const auto a = side({ceiling("int8", "int8", "tensor", 1.0e15), ceiling("fp32", "fp32", "vector", 1.0e13)});
  const auto b = side({ceiling("int8", "int8", "tensor", 2.0e15), ceiling("fp32", "fp32", "tensor", 1.0e14)});
  EXPECT_FALSE(ridge_ceilings(a, b));  // int8 is shared but not FLOP; fp32 differs in unit
  EXPECT_FALSE(ridge_ceilings(a, side({})));
  EXPECT_FALSE(ridge_ceilings(side({ceiling("fp32", "fp32", "vector", 0.0)}), side({ceiling("fp32", "fp32", "vector", 1.0)})));
}

TEST(ridge_ceilings, float_precisions_and_unit_families) {
  for (const char* p : {"fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "fp6", "fp4"}) EXPECT_TRUE(floating_point_precision(p)) << p;
  for (const char* p : {"int64", "int32", "int8", "int4", ""}) EXPECT_FALSE(floating_point_precision(p)) << p;
  EXPECT_EQ(unit_family("matrix"), "tensor");
  EXPECT_EQ(unit_family("vector"), "vector");
}

}  // namespace
}  // namespace rafter

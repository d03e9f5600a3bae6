#include "analysis/group_aggregate.hpp"

#include <gtest/gtest.h>

namespace rafter {
namespace {

/// A placed group: `flop` over `time` s, traffic `bytes` at each named level, binding `binding`.
kernel_group group(double time, double flop, std::vector<std::pair<std::string, double>> bytes, limiter_kind kind,
                   const std::string& detail, const std::string& binding) {
  kernel_group g;
  g.total_s = time;
  g.work_time_s = time;
  g.flop = flop;
  for (const auto& [level, b] : bytes) {
    level_placement l;
    l.level = level;
    l.bytes = b;
    g.levels.push_back(l);
  }
  g.roof_time_s = time / 2;
  g.limiter.kind = kind;
  g.limiter.detail = detail;
  g.binding = binding;
  return g;
}

TEST(GroupAggregate, IntensityWeighsGroupsByTheirTraffic) {
  // AIs 1 and 25: the aggregate is 101e9 FLOP / 5e9 bytes = 20.2, neither the larger group's 25 nor
  // the mean of the AIs, 13.
  const kernel_group x = group(1e-3, 1e9, {{"hbm", 1e9}}, limiter_kind::memory, "hbm", "hbm");
  const kernel_group y = group(3e-3, 100e9, {{"hbm", 4e9}}, limiter_kind::compute, "fp32.vector", "fp32.vector");
  const std::vector<const kernel_group*> both{&x, &y};
  ASSERT_TRUE(aggregate_intensity(both, "hbm"));
  EXPECT_DOUBLE_EQ(*aggregate_intensity(both, "hbm"), 101e9 / 5e9);
  EXPECT_FALSE(aggregate_intensity(both, "l2"));  // No traffic recorded there.
  EXPECT_DOUBLE_EQ(*aggregate_flop_per_s(both), 101e9 / 4e-3);
}

TEST(GroupAggregate, MainMemoryIsTheLevelAndUnplacedGroupsOnlyLowerTheShare) {
  const kernel_group x = group(2e-3, 4e9, {{"l2", 8e9}, {"hbm", 2e9}}, limiter_kind::memory, "l2", "l2");
  const kernel_group y = group(2e-3, 2e9, {{"l2", 1e9}}, limiter_kind::memory, "l2", "l2");  // No hbm traffic.
  kernel_group unplaced;
  unplaced.total_s = 4e-3;
  const std::vector<const kernel_group*> all{&x, &y, &unplaced};
  EXPECT_EQ(aggregate_level(all), "hbm");
  const group_aggregate a = aggregate_groups(all);
  EXPECT_EQ(a.level, "hbm");
  ASSERT_TRUE(a.intensity);
  EXPECT_DOUBLE_EQ(*a.intensity, 2.0);  // Only x has hbm traffic.
  ASSERT_TRUE(a.placed_share);
  EXPECT_DOUBLE_EQ(*a.placed_share, 0.25);  // x's 2 of 8 ms.
  EXPECT_EQ(a.limiter, "memory (l2)");
  EXPECT_DOUBLE_EQ(*a.limiter_share, 1.0);
  EXPECT_EQ(a.binding, "l2");
}

TEST(GroupAggregate, DisagreeingLimitersAreMixedWithTheDominantShare) {
  const kernel_group x = group(1e-3, 1e9, {{"hbm", 1e9}}, limiter_kind::memory, "hbm", "hbm");
  const kernel_group y = group(3e-3, 100e9, {{"hbm", 1e9}}, limiter_kind::compute, "fp32.vector", "fp32.vector");
  const group_aggregate a = aggregate_groups({&x, &y});
  EXPECT_EQ(a.limiter, "mixed");
  EXPECT_EQ(a.dominant_limiter, "compute (fp32.vector)");
  EXPECT_DOUBLE_EQ(*a.limiter_share, 0.75);
  EXPECT_EQ(a.binding, "mixed");
}

TEST(GroupAggregate, NothingPlacedGivesNoFigures) {
  kernel_group x;
  x.total_s = 1e-3;
  const group_aggregate a = aggregate_groups({&x, &x});
  EXPECT_TRUE(a.level.empty());
  EXPECT_FALSE(a.intensity);
  EXPECT_FALSE(a.flop_per_s);
  EXPECT_EQ(a.limiter, "unknown");  // All groups' verdict, as for one unplaced group.
  EXPECT_DOUBLE_EQ(*a.placed_share, 0.0);
}

}  // namespace
}  // namespace rafter

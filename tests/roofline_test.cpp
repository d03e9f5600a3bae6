#include "analysis/roofline.hpp"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "core/machine_profile.hpp"

namespace rafter {
namespace {

// Property tests over random roofs: the algebra holds for every sample, not a few points.
class roofline_properties : public ::testing::Test {
protected:
  std::mt19937_64 rng{42};
  double log_uniform(double lo, double hi) {
    std::uniform_real_distribution<double> d(std::log(lo), std::log(hi));
    return std::exp(d(rng));
  }
};

TEST_F(roofline_properties, attainable_never_exceeds_either_ceiling) {
  for (int i = 0; i < 10000; ++i) {
    const double peak = log_uniform(1e9, 1e16), bw = log_uniform(1e9, 1e14), ai = log_uniform(1e-4, 1e5);
    const double a = attainable_flop_per_s(ai, peak, bw);
    EXPECT_LE(a, peak);
    EXPECT_LE(a, ai * bw * (1 + 1e-15));
    EXPECT_TRUE(a == peak || a == ai * bw);
  }
}

TEST_F(roofline_properties, attainable_is_monotone_in_ai) {
  for (int i = 0; i < 2000; ++i) {
    const double peak = log_uniform(1e9, 1e16), bw = log_uniform(1e9, 1e14);
    double previous = 0.0;
    for (double ai = 1e-3; ai < 1e5; ai *= 1.7) {
      const double a = attainable_flop_per_s(ai, peak, bw);
      EXPECT_GE(a, previous);
      previous = a;
    }
  }
}

TEST_F(roofline_properties, ridge_point_is_where_the_roofs_meet) {
  for (int i = 0; i < 10000; ++i) {
    const double peak = log_uniform(1e9, 1e16), bw = log_uniform(1e9, 1e14);
    const double ridge = ridge_point(peak, bw);
    EXPECT_NEAR(ridge * bw / peak, 1.0, 1e-12);
    EXPECT_DOUBLE_EQ(attainable_flop_per_s(ridge * 2, peak, bw), peak);
    EXPECT_LT(attainable_flop_per_s(ridge / 2, peak, bw), peak);
  }
}

TEST_F(roofline_properties, hierarchical_bound_never_exceeds_any_roof_and_names_the_lowest) {
  for (int i = 0; i < 5000; ++i) {
    const double peak = log_uniform(1e9, 1e16);
    std::vector<level_intensity> levels;
    const int n = 1 + static_cast<int>(rng() % 3);
    for (int l = 0; l < n; ++l) levels.push_back({log_uniform(1e-3, 1e4), log_uniform(1e10, 1e14)});
    const auto bound = hierarchical_attainable(peak, levels);
    ASSERT_TRUE(bound);
    EXPECT_LE(bound->flop_per_s, peak);
    for (const auto& l : levels) EXPECT_LE(bound->flop_per_s, l.ai * l.bytes_per_s);
    const double at_binding = bound->binding_level ? levels[*bound->binding_level].ai * levels[*bound->binding_level].bytes_per_s : peak;
    EXPECT_EQ(bound->flop_per_s, at_binding);
  }
}

TEST_F(roofline_properties, hierarchical_bound_is_monotone_in_each_level_ai_and_reduces_to_one_level) {
  for (int i = 0; i < 1000; ++i) {
    const double peak = log_uniform(1e9, 1e16), bw_l2 = log_uniform(1e11, 1e14), bw_dram = log_uniform(1e10, 1e13);
    const double ai_l2 = log_uniform(1e-3, 1e4);
    double previous = 0.0;
    for (double ai = 1e-3; ai < 1e5; ai *= 1.9) {
      const double a = hierarchical_attainable(peak, {{ai_l2, bw_l2}, {ai, bw_dram}})->flop_per_s;
      EXPECT_GE(a, previous);
      previous = a;
    }
    const double ai = log_uniform(1e-3, 1e4);
    EXPECT_EQ(hierarchical_attainable(peak, {{ai, bw_dram}})->flop_per_s, attainable_flop_per_s(ai, peak, bw_dram));
  }
}

TEST(roofline, hierarchical_bound_without_a_peak_or_levels) {
  EXPECT_FALSE(hierarchical_attainable(std::nullopt, {}));
  const auto only_peak = hierarchical_attainable(5e12, {});
  EXPECT_DOUBLE_EQ(only_peak->flop_per_s, 5e12);
  EXPECT_FALSE(only_peak->binding_level);
  const auto only_memory = hierarchical_attainable(std::nullopt, {{2.0, 1e12}, {1.0, 5e11}});
  EXPECT_DOUBLE_EQ(only_memory->flop_per_s, 5e11);
  EXPECT_EQ(only_memory->binding_level, 1u);
}

TEST(roofline, from_profile_uses_every_ceiling_and_level_with_a_bandwidth) {
  machine_profile p;
  auto ceiling = [](std::string id, std::string precision, double flop_per_s) {
    compute_ceiling c;
    c.id = std::move(id);
    c.precision = std::move(precision);
    c.unit = "vector";
    c.flop_per_s = flop_per_s;
    return c;
  };
  p.compute.push_back(ceiling("fp64.vector.fma", "fp64", 2e11));
  p.compute.push_back(ceiling("fp32.vector.fma", "fp32", 4e11));
  memory_level l1;
  l1.level = "l1";
  l1.read_bytes_per_s = 4e11;
  memory_level dram;
  dram.level = "dram";
  dram.copy_bytes_per_s = 5e10;
  memory_level latency_only;
  latency_only.level = "l2";
  latency_only.latency_s = 4e-9;
  p.memory = {l1, latency_only, dram};

  const roofline r = roofline::from_profile(p);
  EXPECT_EQ(r.compute().size(), 2u);
  ASSERT_EQ(r.memory().size(), 2u);  // The latency-only level has no roof.
  EXPECT_EQ(r.top_compute()->id, "fp32.vector.fma");
  EXPECT_EQ(r.slowest_memory()->level, "dram");
  EXPECT_DOUBLE_EQ(*r.attainable(1.0, "fp64.vector.fma", "dram"), 5e10);
  EXPECT_DOUBLE_EQ(*r.attainable(100.0, "fp64.vector.fma", "dram"), 2e11);
  EXPECT_FALSE(r.attainable(1.0, "fp8.tensor", "dram").has_value());
  EXPECT_FALSE(r.attainable(1.0, "fp64.vector.fma", "hbm").has_value());
}

}  // namespace
}  // namespace rafter

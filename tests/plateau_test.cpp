#include "microbench/plateau.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace rafter {
namespace {

struct level_spec {
  double capacity;  // bytes; the level holds working sets up to here
  double value;
};

// A synthetic step curve: value of the first level whose capacity holds x, with a smooth
// transition over a factor of ~1.5 beyond each capacity, and multiplicative noise.
struct synthetic {
  std::vector<double> x, y;
};

synthetic make_curve(const std::vector<level_spec>& levels, double last_value, double noise, unsigned seed,
                     double x_first = 4096, double x_last = 1 << 30, int steps_per_octave = 4) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> n(0.0, noise);
  synthetic s;
  for (double x = x_first; x <= x_last; x *= std::pow(2.0, 1.0 / steps_per_octave)) {
    double v = last_value;
    for (std::size_t i = 0; i < levels.size(); ++i) {
      if (x <= levels[i].capacity) {
        v = levels[i].value;
        break;
      }
      const double next = i + 1 < levels.size() ? levels[i + 1].value : last_value;
      if (x <= levels[i].capacity * 1.5) {  // log-linear transition
        const double t = std::log(x / levels[i].capacity) / std::log(1.5);
        v = std::exp((1 - t) * std::log(levels[i].value) + t * std::log(next));
        break;
      }
    }
    s.x.push_back(x);
    s.y.push_back(v * std::exp(n(rng)));
  }
  return s;
}

/// How many of the matched plateaus carry `level` ("" = unnamed).
long named(const level_match& m, const std::string& level) {
  return std::count_if(m.plateaus.begin(), m.plateaus.end(), [&](const plateau& q) { return q.level == level; });
}

const std::vector<level_spec> k_cpu = {{96e3, 400e9}, {2e6, 200e9}, {32e6, 110e9}};

TEST(plateau, clean_three_caches_and_dram) {
  const auto s = make_curve(k_cpu, 80e9, 0.0, 1);
  const auto p = detect_plateaus(s.x, s.y);
  ASSERT_EQ(p.size(), 4u);
  EXPECT_DOUBLE_EQ(p[0].value, 400e9);
  EXPECT_DOUBLE_EQ(p[1].value, 200e9);
  EXPECT_DOUBLE_EQ(p[2].value, 110e9);
  EXPECT_DOUBLE_EQ(p[3].value, 80e9);
  EXPECT_LE(p[0].x_max, 96e3);
  EXPECT_GT(p[3].x_min, 32e6);
}

TEST(plateau, noisy_curve_keeps_levels_within_noise) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    const auto s = make_curve(k_cpu, 80e9, 0.02, seed);
    const auto p = detect_plateaus(s.x, s.y);
    ASSERT_EQ(p.size(), 4u) << "seed " << seed;
    EXPECT_NEAR(p[0].value / 400e9, 1.0, 0.03) << "seed " << seed;
    EXPECT_NEAR(p[1].value / 200e9, 1.0, 0.03) << "seed " << seed;
    EXPECT_NEAR(p[2].value / 110e9, 1.0, 0.03) << "seed " << seed;
    EXPECT_NEAR(p[3].value / 80e9, 1.0, 0.03) << "seed " << seed;
  }
}

TEST(plateau, one_level) {
  const auto s = make_curve({}, 50e9, 0.01, 3);
  const auto p = detect_plateaus(s.x, s.y);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NEAR(p[0].value / 50e9, 1.0, 0.02);
  EXPECT_EQ(p[0].points, static_cast<int>(s.x.size()));
}

TEST(plateau, five_levels_gpu_like) {
  // L1, L2 near, L2 far, an L3-like cache, HBM, then a TLB step beyond.
  const std::vector<level_spec> gpu = {{128e3, 25e12}, {20e6, 9e12}, {50e6, 6e12}, {256e6, 4.5e12}, {2e9, 3.2e12}};
  const auto s = make_curve(gpu, 2.6e12, 0.01, 5, 4096, 16e9, 4);
  const auto p = detect_plateaus(s.x, s.y);
  ASSERT_EQ(p.size(), 6u);
  const double expected[] = {25e12, 9e12, 6e12, 4.5e12, 3.2e12, 2.6e12};
  for (std::size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(p[i].value / expected[i], 1.0, 0.02) << i;
}

TEST(plateau, latency_curves_rise) {
  const std::vector<level_spec> lat = {{48e3, 1e-9}, {1e6, 3.5e-9}, {32e6, 12e-9}};
  const auto s = make_curve(lat, 95e-9, 0.01, 7);
  const auto p = detect_plateaus(s.x, s.y);
  ASSERT_EQ(p.size(), 4u);
  EXPECT_NEAR(p[0].value / 1e-9, 1.0, 0.02);
  EXPECT_NEAR(p[3].value / 95e-9, 1.0, 0.02);
}

TEST(plateau, close_neighbours_merge_and_distinct_ones_do_not) {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8};
  const std::vector<double> merged = {100, 101, 100, 99, 103, 104, 103, 104};  // 3% apart: one level
  EXPECT_EQ(detect_plateaus(x, merged).size(), 1u);
  const std::vector<double> split = {100, 101, 100, 99, 130, 131, 130, 129};  // 30% apart: two levels
  EXPECT_EQ(detect_plateaus(x, split).size(), 2u);
}

TEST(plateau, transition_points_are_not_levels) {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const std::vector<double> y = {100, 100, 100, 100, 80, 60, 40, 40, 40, 40};
  const auto p = detect_plateaus(x, y);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].x_max, 4);
  EXPECT_EQ(p[1].x_min, 7);
}

TEST(plateau, rejects_bad_input) {
  const std::vector<double> x = {1, 2, 3};
  EXPECT_THROW((void)detect_plateaus(x, std::vector<double>{1, 2}), std::invalid_argument);
  EXPECT_THROW((void)detect_plateaus(x, std::vector<double>{1, 0, 2}), std::invalid_argument);
  EXPECT_THROW((void)detect_plateaus(std::vector<double>{1, 1, 2}, std::vector<double>{1, 1, 1}), std::invalid_argument);
  EXPECT_TRUE(detect_plateaus(std::vector<double>{}, std::vector<double>{}).empty());
}

TEST(plateau, match_levels_names_by_capacity_and_cross_checks) {
  const auto s = make_curve(k_cpu, 80e9, 0.0, 1);
  const auto found = detect_plateaus(s.x, s.y);
  const std::vector<level_bound> bounds = {{"l1", 96e3}, {"l2", 2e6}, {"l3", 32e6}};
  const level_match m = match_levels(found, bounds, "dram", "B/s");
  ASSERT_EQ(m.plateaus.size(), 4u);
  EXPECT_EQ(m.plateaus[0].level, "l1");
  EXPECT_EQ(m.plateaus[1].level, "l2");
  EXPECT_EQ(m.plateaus[2].level, "l3");
  EXPECT_EQ(m.plateaus[3].level, "dram");
  EXPECT_TRUE(m.warnings.empty()) << m.warnings.front();

  // The device claims an L4 the curve never shows: a warning names it.
  const std::vector<level_bound> with_l4 = {{"l1", 96e3}, {"l2", 2e6}, {"l3", 32e6}, {"l4", 128e6}};
  const level_match m4 = match_levels(found, with_l4, "dram", "B/s");
  bool named = false;
  for (const auto& w : m4.warnings) named = named || w.find("l4") != std::string::npos;
  EXPECT_TRUE(named);
}

TEST(plateau, a_plateau_reaching_past_twice_the_last_cache_is_main_memory) {
  // A write curve on a VM reporting a 480 MiB L3: the cache shows at 11.8-33.5 MiB, and DRAM from
  // 64 MiB to 3 GiB, whose geometric centre (443 MiB) still lies inside the reported L3.
  const double mib = 1 << 20;
  const std::vector<plateau> found = {{"", 11.8 * mib, 33.5 * mib, 57.9e9, 4}, {"", 64 * mib, 3113 * mib, 9.03e9, 12}};
  const std::vector<level_bound> bounds = {{"l1", 96e3}, {"l2", 4 * mib}, {"l3", 480 * mib}};
  const level_match m = match_levels(found, bounds, "dram", "B/s");
  ASSERT_EQ(m.plateaus.size(), 2u);
  EXPECT_EQ(m.plateaus[0].level, "l3");
  EXPECT_EQ(m.plateaus[1].level, "dram");
}

TEST(plateau, a_level_that_may_be_unresolved_gives_no_warning_without_a_plateau) {
  // A GPU read-bandwidth curve: L1 of all SMs (30 MB) and L2 (50 MB) less than an octave apart, the
  // curve going from L1 straight to HBM.
  const auto s = make_curve({{30e6, 10e12}}, 3e12, 0.0, 5, 1 << 20, 1e9, 2);
  const auto found = detect_plateaus(s.x, s.y);
  std::vector<level_bound> bounds = {{"l1", 30e6}, {"l2", 50e6}};
  const level_match strict = match_levels(found, bounds, "hbm", "B/s");
  ASSERT_EQ(strict.warnings.size(), 1u);
  EXPECT_NE(strict.warnings.front().find("no plateau found for l2"), std::string::npos);
  bounds.back().may_be_unresolved = true;
  const level_match lenient = match_levels(found, bounds, "hbm", "B/s");
  EXPECT_TRUE(lenient.warnings.empty()) << lenient.warnings.front();
  EXPECT_EQ(named(lenient, "l1"), 1);
  EXPECT_EQ(named(lenient, "hbm"), 1);
  // A plateau it does show still takes its name.
  const auto with_l2 = make_curve({{30e6, 10e12}, {200e6, 6e12}}, 3e12, 0.0, 6, 1 << 20, 4e9, 4);
  const std::vector<level_bound> wide = {{"l1", 30e6}, {"l2", 200e6, "", true}};
  const level_match resolved = match_levels(detect_plateaus(with_l2.x, with_l2.y), wide, "hbm", "B/s");
  EXPECT_EQ(named(resolved, "l2"), 1);
  EXPECT_TRUE(resolved.warnings.empty()) << resolved.warnings.front();
}

TEST(plateau, partitioned_l2_names_near_and_far) {
  // A GPU latency curve: L1, L2 near partition up to 20 MB, far partition up to 50 MB, HBM;
  // 8 points per doubling, as the chase samples inside L2.
  const std::vector<level_spec> lat = {{200e3, 40e-9}, {20e6, 150e-9}, {50e6, 230e-9}};
  const auto s = make_curve(lat, 480e-9, 0.005, 11, 4096, 1e9, 8);
  const auto found = detect_plateaus(s.x, s.y);
  ASSERT_EQ(found.size(), 4u);
  const std::vector<level_bound> partitioned = {{"l1", 256e3}, {"l2", 50e6, "l2.far"}};
  const level_match m = match_levels(found, partitioned, "hbm", "s");
  ASSERT_EQ(m.plateaus.size(), 4u);
  EXPECT_EQ(m.plateaus[0].level, "l1");
  EXPECT_EQ(m.plateaus[1].level, "l2");
  EXPECT_EQ(m.plateaus[2].level, "l2.far");
  EXPECT_EQ(m.plateaus[3].level, "hbm");
  EXPECT_NEAR(m.plateaus[1].value / 150e-9, 1.0, 0.02);
  EXPECT_NEAR(m.plateaus[2].value / 230e-9, 1.0, 0.02);
  EXPECT_TRUE(m.warnings.empty()) << m.warnings.front();

  // Without a far level the two compete: one keeps "l2", the other is unnamed, with a warning.
  const std::vector<level_bound> plain = {{"l1", 256e3}, {"l2", 50e6}};
  const level_match p = match_levels(found, plain, "hbm", "s");
  EXPECT_EQ(named(p, "l2"), 1);
  EXPECT_EQ(named(p, ""), 1);
  ASSERT_FALSE(p.warnings.empty());
  EXPECT_NE(p.warnings.front().find("two plateaus fall in l2"), std::string::npos);

  // An unpartitioned L2 with a far level allowed still gives one "l2" and no "l2.far".
  const auto single = make_curve({{200e3, 40e-9}, {50e6, 150e-9}}, 480e-9, 0.005, 12, 4096, 1e9, 8);
  const level_match one = match_levels(detect_plateaus(single.x, single.y), partitioned, "hbm", "s");
  ASSERT_EQ(one.plateaus.size(), 3u);
  EXPECT_EQ(one.plateaus[1].level, "l2");
  EXPECT_EQ(one.plateaus[2].level, "hbm");
}

TEST(plateau, latency_steps_beyond_the_last_cache) {
  // HBM at 480 ns, then TLB-reach steps at 2 GB (600 ns) and 16 GB (900 ns); the later steps have
  // more points than the first, which must still be "hbm".
  const std::vector<level_spec> lat = {{200e3, 40e-9}, {50e6, 150e-9}, {256e6, 480e-9}, {4e9, 600e-9}};
  const auto s = make_curve(lat, 900e-9, 0.005, 13, 4096, 64e9, 4);
  const auto found = detect_plateaus(s.x, s.y);
  ASSERT_EQ(found.size(), 5u);
  const std::vector<level_bound> bounds = {{"l1", 256e3}, {"l2", 50e6}};
  const level_match m = match_levels(found, bounds, "hbm", "s", plateau_naming::steps);
  EXPECT_EQ(m.plateaus[2].level, "hbm");
  EXPECT_EQ(m.plateaus[3].level, "hbm.step1");
  EXPECT_EQ(m.plateaus[4].level, "hbm.step2");
  EXPECT_NEAR(m.plateaus[2].value / 480e-9, 1.0, 0.02);
  EXPECT_TRUE(m.warnings.empty()) << m.warnings.front();

  // One level beyond (the default): one plateau keeps "hbm", the others are unnamed, with warnings.
  const level_match one = match_levels(found, bounds, "hbm", "s");
  EXPECT_EQ(named(one, "hbm"), 1);
  EXPECT_EQ(named(one, ""), 2);
  EXPECT_GE(one.warnings.size(), 2u);
}

TEST(plateau, latency_steps_inside_a_cache_keep_the_hit_latency) {
  // A VM's chase: the L3 it can use ends near 12 MB although the OS reports 260 MB; beyond, DRAM
  // latency (138 ns), then TLB misses (227 ns) past 4x the reported L3.
  const std::vector<level_spec> lat = {{48e3, 1.7e-9}, {2e6, 5.5e-9}, {12e6, 35e-9}, {600e6, 138e-9}};
  const auto s = make_curve(lat, 227e-9, 0.005, 17, 4096, 4e9, 2);
  const auto found = detect_plateaus(s.x, s.y);
  ASSERT_EQ(found.size(), 5u);
  const std::vector<level_bound> bounds = {{"l1", 48e3}, {"l2", 2e6}, {"l3", 260e6}};
  // The 12-600 MB stretch (138 ns) reaches past twice the reported L3: it is DRAM's latency, not a
  // step of L3, and the TLB step after it is dram.step1.
  const level_match m = match_levels(found, bounds, "dram", "s", plateau_naming::steps);
  EXPECT_EQ(m.plateaus[2].level, "l3");
  EXPECT_NEAR(m.plateaus[2].value / 35e-9, 1.0, 0.02);
  EXPECT_EQ(m.plateaus[3].level, "dram");
  EXPECT_NEAR(m.plateaus[3].value / 138e-9, 1.0, 0.02);
  EXPECT_EQ(m.plateaus[4].level, "dram.step1");
  EXPECT_NEAR(m.plateaus[4].value / 227e-9, 1.0, 0.02);
  // A second stretch inside the reported L3 that ends before twice it is still a step of L3.
  const std::vector<level_bound> wider = {{"l1", 48e3}, {"l2", 2e6}, {"l3", 400e6}};
  const level_match w = match_levels(found, wider, "dram", "s", plateau_naming::steps);
  EXPECT_EQ(w.plateaus[2].level, "l3");
  EXPECT_EQ(w.plateaus[3].level, "l3.step1");
  bool warned = false;
  for (const auto& line : w.warnings) warned = warned || line.find("is named l3.step1") != std::string::npos;
  EXPECT_TRUE(warned);
  // A VM reporting a 16 MiB L3 on a 96 MiB one: the first stretch past twice the reported L3 is
  // still L3's hit latency (no L3 plateau before it), and DRAM follows.
  // (L3's stretch from 1.8 MB to 96 MiB has its centre, 13 MB, inside the reported 16 MiB.)
  const std::vector<level_spec> small_report = {{48e3, 1.7e-9}, {1.25e6, 5.5e-9}, {96.0 * (1 << 20), 15e-9}};
  const auto v = make_curve(small_report, 100e-9, 0.005, 17, 4096, 4e9, 2);
  const std::vector<level_bound> reported = {{"l1", 48e3}, {"l2", 1.25e6}, {"l3", 16.0 * (1 << 20)}};
  const level_match r = match_levels(detect_plateaus(v.x, v.y), reported, "dram", "s", plateau_naming::steps);
  ASSERT_EQ(r.plateaus.size(), 4u);
  EXPECT_EQ(r.plateaus[2].level, "l3");
  EXPECT_NEAR(r.plateaus[2].value / 15e-9, 1.0, 0.02);
  EXPECT_EQ(r.plateaus[3].level, "dram");
  EXPECT_NEAR(r.plateaus[3].value / 100e-9, 1.0, 0.02);
  // Bandwidth-style naming: the stretch reaching past twice the reported L3 (to 600 MB) is main
  // memory, so the cache inside keeps "l3"; of the two main-memory stretches one keeps "dram".
  const level_match b = match_levels(found, bounds, "dram", "s");
  EXPECT_EQ(b.plateaus[2].level, "l3");
  EXPECT_EQ(named(b, "dram"), 1);
  EXPECT_NE(b.plateaus[3].level, "l3");
}

TEST(plateau, median_between_stands_in_for_a_missing_plateau) {
  curve c;
  for (const auto& [x, y] : std::vector<std::pair<double, double>>{{8e3, 450}, {16e3, 640}, {32e3, 600}, {64e3, 300}, {1e9, 30}, {2e9, 28}}) {
    curve_point pt;
    pt.x = x;
    pt.y.median = y;
    c.points.push_back(pt);
  }
  const auto l1 = median_between(c, 0.0, 48e3);
  ASSERT_TRUE(l1.has_value());
  EXPECT_EQ(l1->points, 3u);
  EXPECT_DOUBLE_EQ(l1->value, 600);  // the middle of 450, 600, 640
  const auto dram = median_between(c, 1e9, INFINITY);
  ASSERT_TRUE(dram.has_value());
  EXPECT_EQ(dram->points, 2u);
  EXPECT_DOUBLE_EQ(dram->value, 30);  // upper median of two
  EXPECT_FALSE(median_between(c, 100e3, 500e6).has_value());  // no point there
  EXPECT_FALSE(median_between(c, 60e3, 100e3).has_value());   // one point is not enough
}

TEST(plateau, median_and_highest_point_of_a_plateau) {
  curve c;
  for (const auto& [x, y] : std::vector<std::pair<double, double>>{{8e3, 490}, {16e3, 650}, {32e3, 600}, {48e3, 610}, {96e3, 300}}) {
    curve_point pt;
    pt.x = x;
    pt.y.median = y;
    c.points.push_back(pt);
  }
  plateau p;
  p.x_min = 8e3;
  p.x_max = 48e3;
  ASSERT_NE(median_point(c, p), nullptr);
  EXPECT_DOUBLE_EQ(median_point(c, p)->y.median, 610);  // 490 600 [610] 650
  ASSERT_NE(highest_point(c, p), nullptr);
  EXPECT_DOUBLE_EQ(highest_point(c, p)->y.median, 650);
  EXPECT_DOUBLE_EQ(highest_point(c, p)->x, 16e3);
  p.x_min = 50e3;
  p.x_max = 90e3;  // no point inside
  EXPECT_EQ(median_point(c, p), nullptr);
  EXPECT_EQ(highest_point(c, p), nullptr);
}

TEST(plateau, step_names_round_trip_and_order_after_their_level) {
  EXPECT_EQ(step_name("dram", 2), "dram.step2");
  EXPECT_EQ(stepped_level("dram.step2"), "dram");
  EXPECT_EQ(stepped_level("l3.step10"), "l3");
  EXPECT_EQ(stepped_level("dram"), "");
  EXPECT_EQ(stepped_level("l2.far"), "");
  EXPECT_EQ(stepped_level("x.step"), "");
  EXPECT_EQ(stepped_level("x.stepa"), "");
  std::map<std::string, memory_level> levels;
  for (const char* n : {"hbm", "hbm.step2", "hbm.step1", "hbm.step4", "l2"}) levels[n];
  EXPECT_EQ(level_and_steps("hbm", levels), (std::vector<std::string>{"hbm", "hbm.step1", "hbm.step2"}));
  EXPECT_EQ(level_and_steps("l2", levels), (std::vector<std::string>{"l2"}));
  EXPECT_TRUE(level_and_steps("l1", levels).empty());
}

}  // namespace
}  // namespace rafter

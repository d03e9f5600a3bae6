// Every datasheet profile in configs/hardware/ loads, validates and round-trips, and its figures
// are mutually consistent (dense tensor peaks at or above the vector peaks of the same chip).
#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>

#include "analysis/roofline.hpp"
#include "core/json_file.hpp"
#include "core/machine_profile.hpp"

namespace rafter {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> datasheets() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(RAFTER_SOURCE_DIR) / "configs" / "hardware")) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(datasheets, the_eight_promised_devices_are_present) {
  std::set<std::string> stems;
  for (const auto& f : datasheets()) stems.insert(f.stem().string());
  for (const char* want : {"v100_sxm2", "a100_sxm4_80gb", "h100_sxm5", "h100_pcie", "h200_sxm", "b200", "mi300x", "maia100"}) {
    EXPECT_TRUE(stems.count(want)) << want;
  }
}

// GPU memory "GB" are GiB (80 GB = 80 x 2^30 bytes): a decimal figure would sit below what the
// device itself reports (an "80 GB" H100 reports 85018279936 bytes).
TEST(datasheets, device_memory_is_whole_gib_and_the_main_level_holds_it) {
  for (const auto& f : datasheets()) {
    SCOPED_TRACE(f.filename().string());
    const machine_profile p = load_machine_profile(f);
    ASSERT_TRUE(p.device.memory_bytes);
    const double gib = *p.device.memory_bytes / 1073741824.0;
    EXPECT_EQ(gib, std::round(gib));
    const memory_level* main = p.find_memory("hbm");
    ASSERT_NE(main, nullptr);
    ASSERT_TRUE(main->capacity_bytes);
    EXPECT_EQ(*main->capacity_bytes, *p.device.memory_bytes);
  }
}

TEST(datasheets, each_loads_round_trips_and_cites_its_sources) {
  for (const auto& f : datasheets()) {
    SCOPED_TRACE(f.filename().string());
    const machine_profile p = load_machine_profile(f);
    EXPECT_EQ(to_json(p), read_json_file(f));
    EXPECT_FALSE(p.compute.empty());
    for (const auto& c : p.compute) {
      EXPECT_EQ(c.source, figure_source::datasheet);
      EXPECT_EQ(c.source_url.rfind("https://", 0), 0u) << c.id;
    }
    for (const auto& m : p.memory) EXPECT_EQ(m.source_url.rfind("https://", 0), 0u) << m.level;
    const roofline r = roofline::from_profile(p);
    ASSERT_TRUE(r.top_compute() && r.slowest_memory());
    // LLM-era accelerators have ridge points between 1 and 10^4 FLOP/byte.
    const double ridge = ridge_point(r.top_compute()->flop_per_s, r.slowest_memory()->bytes_per_s);
    EXPECT_GT(ridge, 1.0);
    EXPECT_LT(ridge, 1e4);
  }
}

// Every link says which way its figure runs, by the note's first words: one_direction_bytes_per_s
// halves exactly the "bidirectional aggregate" ones (Maia 100's per-direction notes mention the
// other profiles' aggregates later on and must not be halved).
TEST(datasheets, each_link_says_whether_it_is_per_direction_or_both) {
  std::size_t halved = 0;
  for (const auto& f : datasheets()) {
    SCOPED_TRACE(f.filename().string());
    for (const auto& l : load_machine_profile(f).links) {
      const bool both = l.note.rfind(link_ceiling::k_bidirectional_aggregate, 0) == 0;
      EXPECT_TRUE(both || l.note.rfind("per direction", 0) == 0) << l.id << ": " << l.note;
      EXPECT_EQ(l.one_direction_bytes_per_s(), both ? l.bytes_per_s / 2 : l.bytes_per_s) << l.id;
      halved += both ? 1 : 0;
    }
  }
  EXPECT_GT(halved, 0u);
  const machine_profile maia = load_machine_profile(fs::path(RAFTER_SOURCE_DIR) / "configs" / "hardware" / "maia100.json");
  for (const auto& l : maia.links) EXPECT_EQ(l.one_direction_bytes_per_s(), l.bytes_per_s) << l.id;
}

TEST(datasheets, h100_sxm_figures_match_the_published_dense_peaks) {
  const machine_profile p = load_machine_profile(fs::path(RAFTER_SOURCE_DIR) / "configs/hardware/h100_sxm5.json");
  ASSERT_NE(p.find_compute("bf16.tensor"), nullptr);
  EXPECT_NEAR(p.find_compute("bf16.tensor")->flop_per_s / 989.4e12, 1.0, 0.001);
  ASSERT_NE(p.find_memory("hbm"), nullptr);
  EXPECT_NEAR(*p.find_memory("hbm")->read_bytes_per_s / 3.35e12, 1.0, 0.001);
}

}  // namespace
}  // namespace rafter

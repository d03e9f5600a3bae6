#include "microbench/host/cpu_info.hpp"

#include <gtest/gtest.h>

namespace rafter::host {
namespace {

TEST(cpu_info, parses_linux_cpu_lists) {
  EXPECT_EQ(parse_cpu_list("0-3,8,10-11"), (std::vector<int>{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_EQ(parse_cpu_list("5"), (std::vector<int>{5}));
  EXPECT_TRUE(parse_cpu_list("").empty());
  EXPECT_TRUE(parse_cpu_list("x-y").empty());
}

TEST(cpu_info, this_machine_is_described_consistently) {
  const cpu_info cpu = detect_cpu_info();
  EXPECT_GE(cpu.logical_cpus, 1);
  EXPECT_GE(cpu.physical_cores, 1);
  EXPECT_LE(cpu.physical_cores, cpu.logical_cpus);
  EXPECT_EQ(static_cast<int>(cpu.one_cpu_per_core.size()), cpu.physical_cores);
  EXPECT_EQ(cpu.smt, cpu.logical_cpus > cpu.physical_cores);
  for (std::size_t i = 1; i < cpu.caches.size(); ++i) EXPECT_LT(cpu.caches[i - 1].level, cpu.caches[i].level);
  for (const auto& c : cpu.caches) {
    EXPECT_GT(c.size_bytes, 0.0);
    EXPECT_GE(c.instances, 1);
  }
}

}  // namespace
}  // namespace rafter::host

#include "microbench/host/kernels/compute_kernels.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "allowed_cpus.hpp"

using rafter::host::compute_kernel_info;
using rafter::host::simd_level;
using rafter::host::thread_team;

namespace {

using rafter::testing::allowed_cpus;

std::vector<simd_level> supported_levels() {
  std::vector<simd_level> levels;
  for (int l = 0; l <= static_cast<int>(rafter::host::detect_simd_level()); ++l) levels.push_back(static_cast<simd_level>(l));
  return levels;
}

std::set<std::string> ids(const std::vector<compute_kernel_info>& kernels) {
  std::set<std::string> out;
  for (const compute_kernel_info& k : kernels) out.insert(k.id);
  return out;
}

}  // namespace

TEST(compute_kernels, every_available_kernel_verifies_and_runs) {
  thread_team team(allowed_cpus(2));
  for (simd_level level : supported_levels()) {
    const std::vector<compute_kernel_info> kernels = rafter::host::available_compute_kernels(level);
    EXPECT_FALSE(kernels.empty()) << to_string(level);
    for (const compute_kernel_info& k : kernels) {
      SCOPED_TRACE(std::string(to_string(level)) + " " + k.id);
      EXPECT_EQ(rafter::host::verify_compute_kernel(level, k.id), "");
      EXPECT_EQ(k.id.substr(0, k.id.find('.')), k.precision);
      EXPECT_EQ(k.unit, level == simd_level::scalar ? "scalar" : "vector");
      EXPECT_NE(k.id.find("." + k.unit + "."), std::string::npos);
      EXPECT_FALSE(k.method.empty());
      EXPECT_GT(k.flop_per_iteration_per_thread, 0.0);
      const std::size_t iterations = 20'000;
      const double seconds = rafter::host::run_compute_kernel(team, level, k.id, iterations);
      ASSERT_GT(seconds, 0.0);
      const double rate = k.flop_per_iteration_per_thread * static_cast<double>(iterations) * team.size() / seconds;
      EXPECT_GT(rate, 0.0);
    }
  }
}

TEST(compute_kernels, the_widest_level_has_the_expected_kernels) {
  const simd_level level = rafter::host::detect_simd_level();
  const std::set<std::string> got = ids(rafter::host::available_compute_kernels(level));
  if (level >= simd_level::avx2) {
    for (const char* id : {"fp64.vector.fma", "fp64.vector.addmul", "fp32.vector.fma", "fp32.vector.addmul"}) {
      EXPECT_EQ(got.count(id), 1U) << id;
    }
  }
  if (level == simd_level::avx512) {
    EXPECT_EQ(got.count("bf16.vector.dot"), rafter::host::has_avx512_bf16() ? 1U : 0U);
    EXPECT_EQ(got.count("int8.vector.dot"), rafter::host::has_avx512_vnni() ? 1U : 0U);
  }
  if (level == simd_level::avx2) {
    EXPECT_EQ(got.count("int8.vector.dot"), rafter::host::has_avx_vnni() ? 1U : 0U);
  }
}

TEST(compute_kernels, flop_counts_follow_the_documented_convention) {
  if (rafter::host::detect_simd_level() != simd_level::avx512) GTEST_SKIP() << "needs AVX-512";
  for (const compute_kernel_info& k : rafter::host::available_compute_kernels(simd_level::avx512)) {
    // 16 zmm accumulators: fp64 8 lanes x 2, fp32 16 x 2, bf16 16 fp32 lanes x 4, int8 16 x 8.
    const double expected = k.precision == "fp64" ? 256 : k.precision == "fp32" ? 512 : k.precision == "bf16" ? 1024 : 2048;
    EXPECT_EQ(k.flop_per_iteration_per_thread, expected) << k.id;
  }
}

TEST(compute_kernels, default_level_overload_runs) {
  thread_team team(allowed_cpus(1));
  const simd_level level = rafter::host::detect_simd_level();
  const std::string id = rafter::host::available_compute_kernels(level).front().id;
  EXPECT_GT(rafter::host::run_compute_kernel(team, id, 10'000), 0.0);
}

TEST(compute_kernels, unknown_or_unsupported_kernels_throw) {
  thread_team team(allowed_cpus(1));
  EXPECT_THROW(rafter::host::run_compute_kernel(team, simd_level::scalar, "fp64.vector.fma", 10),
               rafter::unsupported_error);
  EXPECT_THROW(static_cast<void>(rafter::host::verify_compute_kernel(simd_level::avx2, "no.such.kernel")),
               rafter::unsupported_error);
  if (rafter::host::detect_simd_level() != simd_level::avx512) {
    EXPECT_TRUE(rafter::host::available_compute_kernels(simd_level::avx512).empty());
  }
}

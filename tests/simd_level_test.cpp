#include "microbench/host/kernels/simd_level.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

using rafter::host::simd_level;

namespace {

/// The flags the kernel reports for cpu 0 (it hides flags whose register state the OS does not
/// enable), or an empty set when /proc/cpuinfo is unreadable.
std::set<std::string> kernel_cpu_flags() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) == 0) {
      std::istringstream words(line.substr(line.find(':') + 1));
      std::set<std::string> flags;
      for (std::string w; words >> w;) flags.insert(w);
      return flags;
    }
  }
  return {};
}

}  // namespace

TEST(simd_level, names) {
  EXPECT_STREQ(to_string(simd_level::scalar), "scalar");
  EXPECT_STREQ(to_string(simd_level::sse), "sse");
  EXPECT_STREQ(to_string(simd_level::avx2), "avx2");
  EXPECT_STREQ(to_string(simd_level::avx512), "avx512");
}

TEST(simd_level, agrees_with_the_compiler_runtime) {
  const simd_level level = rafter::host::detect_simd_level();
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (level >= simd_level::sse) {
    EXPECT_TRUE(__builtin_cpu_supports("sse4.2"));
  }
  if (level >= simd_level::avx2) {
    EXPECT_TRUE(__builtin_cpu_supports("avx2"));
    EXPECT_TRUE(__builtin_cpu_supports("fma"));
  }
  if (level == simd_level::avx512) {
    EXPECT_TRUE(__builtin_cpu_supports("avx512f"));
    EXPECT_TRUE(__builtin_cpu_supports("avx512bw"));
    EXPECT_TRUE(__builtin_cpu_supports("avx512dq"));
    EXPECT_TRUE(__builtin_cpu_supports("avx512vl"));
  }
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  if (avx512) {
    EXPECT_EQ(level, simd_level::avx512);
  }
#else
  EXPECT_EQ(level, simd_level::scalar);
#endif
}

TEST(simd_level, agrees_with_linux_cpu_flags) {
  const std::set<std::string> flags = kernel_cpu_flags();
  if (flags.empty()) GTEST_SKIP() << "/proc/cpuinfo has no flags line";
  auto has = [&](const char* f) { return flags.count(f) != 0; };
  simd_level expected = simd_level::scalar;
  if (has("sse4_2") && has("ssse3") && has("sse4_1") && has("pni")) expected = simd_level::sse;
  if (expected == simd_level::sse && has("avx") && has("avx2") && has("fma")) expected = simd_level::avx2;
  if (expected == simd_level::avx2 && has("avx512f") && has("avx512bw") && has("avx512dq") && has("avx512vl")) {
    expected = simd_level::avx512;
  }
  EXPECT_EQ(rafter::host::detect_simd_level(), expected);
  EXPECT_EQ(rafter::host::has_avx512_bf16(), expected == simd_level::avx512 && has("avx512_bf16"));
  EXPECT_EQ(rafter::host::has_avx512_vnni(), expected == simd_level::avx512 && has("avx512_vnni"));
  EXPECT_EQ(rafter::host::has_avx_vnni(), expected >= simd_level::avx2 && has("avx_vnni"));
}

TEST(simd_level, extensions_imply_their_tier) {
  if (rafter::host::has_avx512_bf16() || rafter::host::has_avx512_vnni()) {
    EXPECT_EQ(rafter::host::detect_simd_level(), simd_level::avx512);
  }
  if (rafter::host::has_avx_vnni()) {
    EXPECT_GE(rafter::host::detect_simd_level(), simd_level::avx2);
  }
}

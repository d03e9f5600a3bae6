#include "microbench/host/kernels/bandwidth_kernels.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "core/error.hpp"
#include "allowed_cpus.hpp"

using rafter::host::access_kind;
using rafter::host::bandwidth_benchmark;
using rafter::host::simd_level;
using rafter::host::thread_team;

namespace {

using rafter::testing::allowed_cpus;

/// Every level this CPU can run, scalar first.
std::vector<simd_level> supported_levels() {
  std::vector<simd_level> levels;
  for (int l = 0; l <= static_cast<int>(rafter::host::detect_simd_level()); ++l) levels.push_back(static_cast<simd_level>(l));
  return levels;
}

constexpr access_kind all_kinds[] = {access_kind::read, access_kind::write, access_kind::copy, access_kind::triad};

/// Flips bits of the 8-byte element `index` of an array.
void corrupt(std::span<std::byte> bytes, std::size_t index) {
  ASSERT_GE(bytes.size(), (index + 1) * 8);
  std::uint64_t word = 0;
  std::memcpy(&word, bytes.data() + index * 8, 8);
  word ^= 0x0000100000000010ULL;
  std::memcpy(bytes.data() + index * 8, &word, 8);
}

TEST(bandwidth_kernels, rounded_working_sets_are_what_prepare_uses_and_distinct_ones_increase) {
  thread_team team(allowed_cpus(2));
  bandwidth_benchmark bench(team, rafter::host::detect_simd_level());
  for (const access_kind kind : {access_kind::read, access_kind::write, access_kind::copy, access_kind::triad}) {
    for (const std::size_t ws : {std::size_t{1}, std::size_t{8} << 10, std::size_t{12345}, std::size_t{3} << 20}) {
      bench.prepare(kind, ws);
      EXPECT_EQ(bandwidth_benchmark::rounded_working_set(ws, team.size(), kind), bench.working_set_bytes()) << ws;
    }
  }
  // A quick sweep's first sizes (8 KiB, x sqrt 2) on 16 threads: triad's 48 arrays of at least
  // 512 B make 8 and 11.3 KiB both 24 KiB; only increasing working sets remain, the rest kept.
  std::vector<std::size_t> sizes;
  for (double s = 8192; s < 64.0 * (1 << 20); s *= 1.41421356) {
    const std::size_t size = static_cast<std::size_t>(s) / 4096 * 4096;
    if (sizes.empty() || size > sizes.back()) sizes.push_back(size);
  }
  for (const int threads : {1, 4, 16, 64}) {
    for (const access_kind kind : {access_kind::read, access_kind::copy, access_kind::triad}) {
      const auto kept = distinct_working_sets(sizes, threads, kind);
      ASSERT_FALSE(kept.empty());
      for (std::size_t i = 1; i < kept.size(); ++i) {
        EXPECT_LT(bandwidth_benchmark::rounded_working_set(kept[i - 1], threads, kind),
                  bandwidth_benchmark::rounded_working_set(kept[i], threads, kind));
      }
      EXPECT_EQ(kept.back(), sizes.back());  // large sizes never collide
    }
  }
  EXPECT_LT(distinct_working_sets(sizes, 16, access_kind::triad).size(), sizes.size());
  EXPECT_EQ(distinct_working_sets(sizes, 1, access_kind::read).size(), sizes.size());
}

}  // namespace

TEST(bandwidth_kernels, names) {
  EXPECT_STREQ(to_string(access_kind::read), "read");
  EXPECT_STREQ(to_string(access_kind::write), "write");
  EXPECT_STREQ(to_string(access_kind::copy), "copy");
  EXPECT_STREQ(to_string(access_kind::triad), "triad");
  EXPECT_EQ(rafter::host::arrays_per_kind(access_kind::triad), 3);
}

TEST(bandwidth_kernels, every_kind_verifies_at_every_supported_level) {
  thread_team team(allowed_cpus(2));
  const auto threads = static_cast<std::size_t>(team.size());
  for (simd_level level : supported_levels()) {
    bandwidth_benchmark bench(team, level);
    for (bool nontemporal : {false, true}) {
      bench.set_nontemporal_stores(nontemporal);
      EXPECT_EQ(bench.nontemporal_stores(), nontemporal);
      for (access_kind kind : all_kinds) {
        for (std::size_t requested : {std::size_t{1}, std::size_t{100'000}, std::size_t{3} << 20}) {
          SCOPED_TRACE(std::string(to_string(level)) + " " + to_string(kind) + " " + std::to_string(requested) +
                       (nontemporal ? " non-temporal" : ""));
          bench.prepare(kind, requested);
          const auto arrays = static_cast<std::size_t>(rafter::host::arrays_per_kind(kind));
          EXPECT_EQ(bench.working_set_bytes() % (512 * threads * arrays), 0U);
          EXPECT_GE(bench.working_set_bytes(), 512 * threads * arrays);
          if (requested >= 512 * threads * arrays) {
            EXPECT_LE(bench.working_set_bytes(), requested);
          }
          EXPECT_EQ(bench.bytes_per_pass(), bench.working_set_bytes());
          EXPECT_FALSE(bench.verify().empty()) << "verify() must fail before any run";
          EXPECT_GE(bench.run(3), 0.0);
          EXPECT_EQ(bench.verify(), "");
          EXPECT_GE(bench.run(1), 0.0);
          EXPECT_EQ(bench.verify(), "");
        }
      }
    }
  }
}

TEST(bandwidth_kernels, corrupted_buffers_fail_verification) {
  thread_team team(allowed_cpus(2));
  const int last_thread = team.size() - 1;
  for (simd_level level : supported_levels()) {
    bandwidth_benchmark bench(team, level);
    bench.set_nontemporal_stores(level == simd_level::sse);  // both store flavours get a corruption check
    for (access_kind kind : all_kinds) {
      SCOPED_TRACE(std::string(to_string(level)) + " " + to_string(kind));
      bench.prepare(kind, 256 * 1024);
      const std::size_t middle = bench.array_bytes(last_thread, 0).size() / 16;
      if (kind == access_kind::read) {
        // The checksum of corrupted data differs from the sum of the data that was written.
        corrupt(bench.array_bytes(last_thread, 0), middle);
        bench.run(2);
      } else {
        bench.run(2);
        ASSERT_EQ(bench.verify(), "");
        corrupt(bench.array_bytes(last_thread, 0), middle);  // the output array
      }
      const std::string finding = bench.verify();
      EXPECT_FALSE(finding.empty());
      EXPECT_NE(finding.find(to_string(kind)), std::string::npos) << finding;
      EXPECT_EQ(finding.find('\n'), std::string::npos) << "one line";
    }
  }
}

TEST(bandwidth_kernels, corrupted_copy_source_fails_verification) {
  thread_team team(allowed_cpus(2));
  bandwidth_benchmark bench(team, rafter::host::detect_simd_level());
  bench.prepare(access_kind::copy, 64 * 1024);
  bench.run(1);
  corrupt(bench.array_bytes(0, 1), 5);
  EXPECT_FALSE(bench.verify().empty());
}

TEST(bandwidth_kernels, misuse_is_reported) {
  thread_team team(allowed_cpus(1));
  bandwidth_benchmark bench(team, simd_level::scalar);
  EXPECT_THROW(bench.run(1), std::logic_error);
  EXPECT_FALSE(bench.verify().empty());
  EXPECT_TRUE(bench.array_bytes(0, 0).empty());
  bench.prepare(access_kind::read, 4096);
  EXPECT_THROW(bench.run(0), std::invalid_argument);
  EXPECT_TRUE(bench.array_bytes(0, 1).empty());
  EXPECT_TRUE(bench.array_bytes(1, 0).empty());
  if (rafter::host::detect_simd_level() != simd_level::avx512) {
    EXPECT_THROW(bandwidth_benchmark(team, simd_level::avx512), rafter::unsupported_error);
  }
}

TEST(bandwidth_kernels, arrays_are_aligned_and_apart) {
  thread_team team(allowed_cpus(2));
  bandwidth_benchmark bench(team, rafter::host::detect_simd_level());
  bench.prepare(access_kind::triad, 3 * 64 * 1024);
  for (int t = 0; t < team.size(); ++t) {
    for (int a = 0; a < 3; ++a) {
      const auto address = reinterpret_cast<std::uintptr_t>(bench.array_bytes(t, a).data());
      EXPECT_EQ(address % 64, 0U);
      if (a > 0) {
        const auto previous = reinterpret_cast<std::uintptr_t>(bench.array_bytes(t, a - 1).data());
        EXPECT_NE(address % 4096, previous % 4096) << "streams alias modulo 4 KiB";
      }
    }
  }
}

#include "microbench/host/kernels/latency_chase.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

using rafter::host::latency_chase;

namespace {

std::uint64_t pointer_at(std::span<std::byte> bytes, std::size_t line) {
  std::uint64_t p = 0;
  std::memcpy(&p, bytes.data() + line * latency_chase::line_bytes, sizeof p);
  return p;
}

void set_pointer(std::span<std::byte> bytes, std::size_t line, std::uint64_t p) {
  std::memcpy(bytes.data() + line * latency_chase::line_bytes, &p, sizeof p);
}

/// Successor line index of every line.
std::vector<std::size_t> successors(latency_chase& chase) {
  const std::span<std::byte> bytes = chase.buffer_bytes();
  const auto base = reinterpret_cast<std::uintptr_t>(bytes.data());
  std::vector<std::size_t> next(chase.lines());
  for (std::size_t i = 0; i < next.size(); ++i) next[i] = (pointer_at(bytes, i) - base) / latency_chase::line_bytes;
  return next;
}

}  // namespace

TEST(latency_chase, permutation_is_one_cycle_through_every_line) {
  for (std::size_t footprint : {std::size_t{128}, std::size_t{64 * 1024}, std::size_t{3} << 20}) {
    latency_chase chase;
    chase.prepare(footprint, 42);
    ASSERT_EQ(chase.lines(), footprint / 64);
    EXPECT_EQ(chase.verify(), "");
    const std::vector<std::size_t> next = successors(chase);
    std::vector<bool> seen(next.size(), false);
    std::size_t at = 0;
    std::size_t steps = 0;
    do {
      ASSERT_LT(at, next.size());
      ASSERT_FALSE(seen[at]);
      seen[at] = true;
      at = next[at];
      ++steps;
    } while (at != 0);
    EXPECT_EQ(steps, chase.lines());
    for (std::size_t i = 0; i < next.size(); ++i) EXPECT_NE(next[i], i);
  }
}

TEST(latency_chase, seed_decides_the_order) {
  latency_chase a, b, c;
  a.prepare(64 * 1024, 1);
  b.prepare(64 * 1024, 1);
  c.prepare(64 * 1024, 2);
  EXPECT_EQ(successors(a), successors(b));
  EXPECT_NE(successors(a), successors(c));
}

TEST(latency_chase, tiny_footprints_round_up_to_two_lines) {
  latency_chase chase;
  chase.prepare(0, 7);
  EXPECT_EQ(chase.lines(), 2U);
  EXPECT_EQ(chase.verify(), "");
  EXPECT_GT(chase.run(1000), 0.0);
}

TEST(latency_chase, run_takes_time_and_keeps_the_structure) {
  latency_chase chase;
  EXPECT_THROW(chase.run(10), std::logic_error);
  EXPECT_FALSE(chase.verify().empty());
  chase.prepare(32 * 1024, 3);
  for (std::size_t hops : {std::size_t{1}, std::size_t{15}, std::size_t{16}, std::size_t{100'003}}) {
    EXPECT_GT(chase.run(hops), 0.0);
  }
  EXPECT_EQ(chase.verify(), "");
}

// Each run continues where the last one ended, so samples shorter than a lap walk new lines
// instead of re-walking (and caching) the first few thousand.
TEST(latency_chase, runs_continue_around_the_cycle) {
  latency_chase chase;
  chase.prepare(64 * 1024, 9);
  const std::vector<std::size_t> next = successors(chase);
  EXPECT_EQ(chase.position(), 0U);
  std::size_t expected = 0;
  for (std::size_t hops : {std::size_t{1}, std::size_t{16}, std::size_t{37}, std::size_t{500}}) {
    (void)chase.run(hops);
    for (std::size_t h = 0; h < hops; ++h) expected = next[expected];
    EXPECT_EQ(chase.position(), expected) << "after a run of " << hops << " hops";
  }
  // A whole lap from anywhere comes back to the same line.
  const std::size_t before = chase.position();
  (void)chase.run(chase.lines());
  EXPECT_EQ(chase.position(), before);
  // prepare() starts over at line 0.
  chase.prepare(16 * 1024, 10);
  EXPECT_EQ(chase.position(), 0U);
}

TEST(latency_chase, split_cycle_fails_verification) {
  latency_chase chase;
  chase.prepare(16 * 1024, 5);
  const std::span<std::byte> bytes = chase.buffer_bytes();
  // Swapping the successors of two lines on the cycle splits it into two cycles.
  const std::uint64_t a = pointer_at(bytes, 3);
  const std::uint64_t b = pointer_at(bytes, 100);
  set_pointer(bytes, 3, b);
  set_pointer(bytes, 100, a);
  const std::string finding = chase.verify();
  EXPECT_FALSE(finding.empty());
  EXPECT_EQ(finding.find('\n'), std::string::npos);
}

TEST(latency_chase, self_loop_and_stray_pointer_fail_verification) {
  latency_chase chase;
  chase.prepare(16 * 1024, 6);
  const std::span<std::byte> bytes = chase.buffer_bytes();
  const auto base = reinterpret_cast<std::uintptr_t>(bytes.data());
  const std::uint64_t saved = pointer_at(bytes, 0);
  set_pointer(bytes, 0, base);  // line 0 -> line 0
  EXPECT_FALSE(chase.verify().empty());
  set_pointer(bytes, 0, base + bytes.size());  // past the end
  EXPECT_FALSE(chase.verify().empty());
  set_pointer(bytes, 0, saved + 8);  // inside a line
  EXPECT_FALSE(chase.verify().empty());
  set_pointer(bytes, 0, saved);
  EXPECT_EQ(chase.verify(), "");
}

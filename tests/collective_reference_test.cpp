#include "microbench/cuda/collective_reference.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace rafter::cuda {
namespace {

/// What each rank's output is after running `op` by hand over `ranks` simulated ranks.
std::vector<std::vector<float>> simulate(collective op, std::uint64_t seed, int ranks, std::size_t elements) {
  const std::size_t n = static_cast<std::size_t>(ranks);
  const std::size_t chunk = elements / n;
  std::vector<std::vector<float>> inputs(n, std::vector<float>(elements));
  for (int r = 0; r < ranks; ++r) fill_collective_input(inputs[static_cast<std::size_t>(r)].data(), elements, seed, r);
  std::vector<std::vector<float>> out(n);
  for (std::size_t r = 0; r < n; ++r) {
    auto& o = out[r];
    switch (op) {
      case collective::all_reduce:
        o.assign(elements, 0.0f);
        for (std::size_t q = 0; q < n; ++q) for (std::size_t i = 0; i < elements; ++i) o[i] += inputs[q][i];
        break;
      case collective::all_gather:
        for (std::size_t q = 0; q < n; ++q) o.insert(o.end(), inputs[q].begin(), inputs[q].begin() + static_cast<std::ptrdiff_t>(chunk));
        break;
      case collective::reduce_scatter:
        o.assign(chunk, 0.0f);
        for (std::size_t q = 0; q < n; ++q) for (std::size_t i = 0; i < chunk; ++i) o[i] += inputs[q][r * chunk + i];
        break;
    }
  }
  return out;
}

std::vector<float> values_at(const std::vector<float>& output, const std::vector<std::size_t>& positions) {
  std::vector<float> v;
  for (const std::size_t i : positions) v.push_back(output[i]);
  return v;
}

TEST(collective_reference, inputs_are_small_positive_integers) {
  for (std::size_t i = 0; i < 1000; ++i) {
    const float x = collective_input(7, 3, i);
    EXPECT_GE(x, 1.0f);
    EXPECT_LE(x, 64.0f);
    EXPECT_EQ(x, std::floor(x));
  }
  int differ = 0;  // Ranks hold different data, so a rank's output cannot pass for another's.
  for (std::size_t i = 0; i < 1000; ++i) differ += collective_input(7, 0, i) != collective_input(7, 1, i) ? 1 : 0;
  EXPECT_GT(differ, 900);
}

TEST(collective_reference, the_reference_matches_a_hand_run_collective_on_every_rank) {
  for (const auto& i : collectives()) {
    for (const int ranks : {2, 3, 8}) {
      const std::size_t elements = 48 * static_cast<std::size_t>(ranks);
      const auto outputs = simulate(i.op, 11, ranks, elements);
      for (int r = 0; r < ranks; ++r) {
        const auto& o = outputs[static_cast<std::size_t>(r)];
        ASSERT_EQ(o.size(), collective_elements(i.op, elements, ranks).receive);
        const auto positions = collective_check_positions(o.size(), o.size(), 0, 1);
        EXPECT_EQ(check_collective_output(i.op, 11, ranks, r, elements, positions, values_at(o, positions)), "")
            << i.name << " over " << ranks << " ranks, rank " << r;
      }
    }
  }
}

TEST(collective_reference, a_wrong_or_missing_element_is_named) {
  const int ranks = 4;
  const std::size_t elements = 64;
  for (const auto& i : collectives()) {
    auto o = simulate(i.op, 5, ranks, elements)[2];
    o[3] += 1.0f;
    const auto positions = collective_check_positions(o.size(), o.size(), 0, 1);
    const std::string wrong = check_collective_output(i.op, 5, ranks, 2, elements, positions, values_at(o, positions));
    EXPECT_NE(wrong.find("rank 2 element 3"), std::string::npos) << wrong;
    EXPECT_NE(wrong.find(i.name), std::string::npos) << wrong;
  }
  // Reduce-scatter outputs are rank-specific: rank 1's output fails rank 2's reference.
  const auto rs = simulate(collective::reduce_scatter, 5, ranks, elements)[1];
  const auto positions = collective_check_positions(rs.size(), rs.size(), 0, 1);
  EXPECT_NE(check_collective_output(collective::reduce_scatter, 5, ranks, 2, elements, positions, values_at(rs, positions)), "");
  EXPECT_NE(check_collective_output(collective::all_reduce, 5, ranks, 0, elements, positions, {}), "");  // Count mismatch.
}

TEST(collective_reference, check_positions_are_all_or_first_last_and_samples) {
  EXPECT_EQ(collective_check_positions(5, 10, 3, 1), (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  const auto sampled = collective_check_positions(1000, 10, 16, 9);
  ASSERT_EQ(sampled.size(), 18u);
  EXPECT_EQ(sampled[0], 0u);
  EXPECT_EQ(sampled[1], 999u);
  EXPECT_TRUE(std::all_of(sampled.begin(), sampled.end(), [](std::size_t i) { return i < 1000; }));
  EXPECT_EQ(sampled, collective_check_positions(1000, 10, 16, 9));  // Deterministic for a seed.
  EXPECT_TRUE(collective_check_positions(0, 10, 16, 9).empty());
}

}  // namespace
}  // namespace rafter::cuda

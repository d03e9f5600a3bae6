#include "core/interned_op_inputs.hpp"

#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace rafter {
namespace {

TEST(interned_op_inputs, from_flat_arrays_equals_the_value_form) {
  const op_inputs value{{{2, 3}, {}, {3}}, {"float", "Scalar", "float"}, {"", "2", ""}, {}};
  const std::vector<std::int64_t> dims{2, 3, 3};
  const std::vector<std::size_t> ends{2, 2, 3};
  const std::vector<std::string_view> types{"float", "Scalar", "float"};
  const std::vector<std::string_view> concrete{"", "2", ""};
  const interned_op_inputs flat = interned_op_inputs::intern(dims, ends, types, concrete);
  EXPECT_TRUE(flat == interned_op_inputs(value));
  EXPECT_EQ(*flat, value);
  // A different split of the same numbers is a different signature.
  const std::vector<std::size_t> other_ends{1, 2, 3};
  EXPECT_FALSE(interned_op_inputs::intern(dims, other_ends, types, concrete) == flat);
  const std::vector<std::string_view> other_types{"float", "Scalar", "double"};
  EXPECT_FALSE(interned_op_inputs::intern(dims, ends, other_types, concrete) == flat);
  EXPECT_TRUE(interned_op_inputs::intern({}, {}, {}, {}) == interned_op_inputs());
}

TEST(interned_op_inputs, equal_values_share_one_entry_and_default_is_empty) {
  const interned_op_inputs a(op_inputs{{{8, 16}}, {"c10::Half"}, {""}, {}});
  const interned_op_inputs b(op_inputs{{{8, 16}}, {"c10::Half"}, {""}, {}});
  EXPECT_TRUE(a == b);
  EXPECT_EQ(&*a, &*b);
  EXPECT_FALSE(a == interned_op_inputs(op_inputs{{{8, 16}}, {"c10::Half"}, {}, {}}));  // concrete differs
  EXPECT_FALSE(a.empty());
  const interned_op_inputs none;
  EXPECT_TRUE(none.empty());
  EXPECT_TRUE(none->dims.empty() && none->types.empty() && none->concrete.empty());
  EXPECT_TRUE(interned_op_inputs(op_inputs{}) == none);
  EXPECT_EQ(std::hash<interned_op_inputs>()(a), std::hash<interned_op_inputs>()(b));
}

TEST(interned_op_inputs, tensor_lists_are_part_of_the_signature) {
  const op_inputs cat{{{}, {}}, {"TensorList", "Scalar"}, {"", "-1"}, {{{2, 3}, {2, 5}}, {}}};
  const interned_op_inputs a(cat);
  EXPECT_TRUE(a == interned_op_inputs(cat));
  EXPECT_EQ(a->list_dims, cat.list_dims);
  op_inputs other = cat;
  other.list_dims[0][1] = {5, 2};
  EXPECT_FALSE(a == interned_op_inputs(other));
  // The flat form (no lists) never finds a value with lists.
  const std::vector<std::size_t> ends{0, 0};
  const std::vector<std::string_view> types{"TensorList", "Scalar"};
  const std::vector<std::string_view> concrete{"", "-1"};
  const interned_op_inputs flat = interned_op_inputs::intern({}, ends, types, concrete);
  EXPECT_FALSE(flat == a);
  EXPECT_TRUE(flat->list_dims.empty());
}

TEST(interned_op_inputs, concurrent_interning_yields_one_entry_per_value) {
  constexpr int k_threads = 8;
  constexpr int k_values = 200;
  std::vector<std::vector<const op_inputs*>> seen(k_threads, std::vector<const op_inputs*>(k_values));
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([t, &seen] {
      for (int round = 0; round < 5; ++round) {
        for (int v = 0; v < k_values; ++v) {
          const int i = (v * 7 + t * 13) % k_values;  // every thread in its own order
          const std::vector<std::int64_t> dims{4049, i, 3};
          const std::vector<std::size_t> ends{2, 3};
          const std::string type = "t" + std::to_string(i);
          const std::vector<std::string_view> types{type, "float"};
          const interned_op_inputs in = interned_op_inputs::intern(dims, ends, types, {});
          if (round == 0) seen[t][i] = &*in;
          else if (seen[t][i] != &*in) seen[t][i] = nullptr;  // must be stable
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int i = 0; i < k_values; ++i) {
    ASSERT_NE(seen[0][i], nullptr);
    EXPECT_EQ(seen[0][i]->dims, (std::vector<std::vector<std::int64_t>>{{4049, i}, {3}}));
    for (int t = 1; t < k_threads; ++t) EXPECT_EQ(seen[t][i], seen[0][i]) << "value " << i << ", thread " << t;
  }
}

}  // namespace
}  // namespace rafter

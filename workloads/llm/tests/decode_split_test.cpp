#include "workloads/llm/decode_split.hpp"

#include <gtest/gtest.h>

namespace {

using rafter::llm::attention_key_tile;
using rafter::llm::decode_split;
using rafter::llm::max_decode_splits;
using rafter::llm::plan_decode_split;

void expect_valid(const decode_split& s, int context) {
  EXPECT_GE(s.splits, 1);
  EXPECT_LE(s.splits, max_decode_splits);
  EXPECT_EQ(s.keys_per_split % attention_key_tile, 0);
  EXPECT_GE(static_cast<long long>(s.splits) * s.keys_per_split, context);      // every key covered
  EXPECT_LT(static_cast<long long>(s.splits - 1) * s.keys_per_split, context);  // no empty split
}

TEST(decode_split, one_key_is_one_split) {
  const decode_split s = plan_decode_split(1, 32, 1, 132);
  EXPECT_EQ(s.splits, 1);
  EXPECT_EQ(s.keys_per_split, attention_key_tile);
}

TEST(decode_split, enough_blocks_need_no_split) {
  EXPECT_EQ(plan_decode_split(64, 32, 4096, 132).splits, 1);
}

TEST(decode_split, few_heads_split_to_fill_the_gpu) {
  // 32 blocks on 132 SMs: about 2 waves need 9 splits of 32 tiles -> 4 tiles (128 keys) each, 8 splits.
  const decode_split s = plan_decode_split(1, 32, 1000, 132);
  EXPECT_EQ(s.keys_per_split, 128);
  EXPECT_EQ(s.splits, 8);
  expect_valid(s, 1000);
}

TEST(decode_split, request_overrides_but_stays_valid) {
  expect_valid(plan_decode_split(1, 8, 100, 132, 3), 100);
  EXPECT_EQ(plan_decode_split(1, 8, 100, 132, 3).splits, 2);  // 4 tiles in 3 requested -> 2 tiles each
  EXPECT_EQ(plan_decode_split(1, 8, 100000, 132, 1000).splits, max_decode_splits);
}

TEST(decode_split, valid_over_a_sweep) {
  for (int context : {1, 31, 32, 33, 64, 65, 500, 4097, 32768}) {
    for (int bh : {1, 7, 32, 256, 4096}) {
      SCOPED_TRACE(testing::Message() << "context " << context << ", blocks " << bh);
      expect_valid(plan_decode_split(1, bh, context, 132), context);
    }
  }
}

}  // namespace

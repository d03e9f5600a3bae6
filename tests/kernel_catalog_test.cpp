#include "microbench/cuda/kernel_catalog.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace rafter::cuda {
namespace {

TEST(kernel_catalog, ids_are_unique_and_name_precision_and_unit) {
  std::set<std::string> ids;
  for (const auto& i : core_ops()) {
    EXPECT_TRUE(ids.insert(i.id).second) << i.id;
    EXPECT_EQ(std::string(i.id).rfind(std::string(i.precision) + ".vector.", 0), 0u) << i.id;
    EXPECT_EQ(&info(i.op), &i);
  }
  for (const auto& i : mma_ops()) {
    EXPECT_TRUE(ids.insert(i.id).second) << i.id;
    EXPECT_EQ(std::string(i.id), std::string(i.precision) + ".tensor.mma_sync");
    EXPECT_EQ(&info(i.op), &i);
    EXPECT_NE(std::string(i.ptx).find(".m" + std::to_string(i.m) + "n" + std::to_string(i.n) + "k" + std::to_string(i.k)),
              std::string::npos)
        << i.ptx;
  }
  for (const auto& i : wgmma_ops()) {
    EXPECT_TRUE(ids.insert(i.id).second) << i.id;
    EXPECT_EQ(std::string(i.id), std::string(i.precision) + ".tensor.wgmma");
    EXPECT_EQ(&info(i.op), &i);
    EXPECT_EQ(i.k * i.element_bits, 256) << "one K step is 32 bytes of each row";
  }
  for (const auto& i : tcgen05_ops()) {
    EXPECT_TRUE(ids.insert(i.id).second) << i.id;
    EXPECT_EQ(std::string(i.id), std::string(i.precision) + ".tensor.tcgen05");
    EXPECT_EQ(&info(i.op), &i);
    EXPECT_EQ(i.k * i.element_bits, 256) << "one K step is 32 bytes of each row";
    EXPECT_EQ(i.m, 128) << "one CTA's full tensor-memory lane count";
  }
}

TEST(kernel_catalog, tcgen05_kinds_and_type_codes_follow_the_ptx_table) {
  EXPECT_NE(std::string(info(tcgen05_op::bf16).ptx).find("kind::f16"), std::string::npos);
  EXPECT_EQ(info(tcgen05_op::bf16).operand_format, 1u);
  EXPECT_EQ(info(tcgen05_op::fp16).operand_format, 0u);
  EXPECT_NE(std::string(info(tcgen05_op::tf32).ptx).find("kind::tf32"), std::string::npos);
  EXPECT_EQ(info(tcgen05_op::tf32).operand_format, 2u);
  EXPECT_NE(std::string(info(tcgen05_op::fp8).ptx).find("kind::f8f6f4"), std::string::npos);
  EXPECT_EQ(info(tcgen05_op::fp8).operand_format, 0u);  // E4M3
  EXPECT_NE(std::string(info(tcgen05_op::fp4).ptx).find("kind::mxf4nvf4.block_scale.block16"), std::string::npos);
  EXPECT_EQ(info(tcgen05_op::fp4).operand_format, 1u);  // E2M1
  for (const auto& i : tcgen05_ops()) {
    EXPECT_EQ(i.block_scaled, i.op == tcgen05_op::fp4) << i.id;
    EXPECT_EQ(i.integer, i.op == tcgen05_op::int8) << i.id;
    EXPECT_EQ(i.arch_specific, i.op == tcgen05_op::int8) << i.id;
  }
  EXPECT_NE(std::string(info(tcgen05_op::int8).ptx).find("kind::i8"), std::string::npos);
  EXPECT_EQ(info(tcgen05_op::int8).operand_format, 1u);  // signed 8-bit
}

TEST(kernel_catalog, fp8_mma_needs_ada_or_newer) {
  EXPECT_EQ(info(mma_op::fp8).min_cc, 89);
  EXPECT_EQ(info(mma_op::bf16).min_cc, 80);
  EXPECT_TRUE(info(mma_op::int8).integer);
  EXPECT_FALSE(info(mma_op::fp8).integer);
}

TEST(kernel_catalog, tcgen05_exists_on_b200_b300_and_thor_and_int8_not_on_b300) {
  // ptxas: the tcgen05 kinds build for sm_100f and sm_110f; kind::i8 for sm_100a and sm_110a only.
  for (const auto& i : tcgen05_ops()) {
    EXPECT_TRUE(tcgen05_exists(i.op, 100)) << i.id;
    EXPECT_TRUE(tcgen05_exists(i.op, 110)) << i.id;
    EXPECT_EQ(tcgen05_exists(i.op, 103), !i.arch_specific) << i.id;
    for (const int cc : {80, 90, 101, 120, 121}) EXPECT_FALSE(tcgen05_exists(i.op, cc)) << i.id << " " << cc;
  }
}

TEST(kernel_catalog, block_scaled_fp4_mma_sync_exists_in_the_sm_120_family_alone) {
  // kind::mxf4nvf4 mma.sync: ptxas accepts sm_120f/sm_121f (OMMA.SF) and rejects sm_100a, sm_100f
  // and sm_110f; the sm_120f cubin runs on 12.0 and 12.1 (GB10).
  EXPECT_TRUE(info(mma_op::fp4).block_scaled);
  EXPECT_TRUE(info(mma_op::fp4).family_only);
  EXPECT_TRUE(mma_exists(mma_op::fp4, 120));
  EXPECT_TRUE(mma_exists(mma_op::fp4, 121));
  EXPECT_FALSE(mma_exists(mma_op::fp4, 90));
  EXPECT_FALSE(mma_exists(mma_op::fp4, 100));
  EXPECT_FALSE(mma_exists(mma_op::fp4, 110));
  EXPECT_FALSE(mma_exists(mma_op::fp4, 130));
  for (const auto& i : mma_ops()) {
    if (i.op != mma_op::fp4) {
      EXPECT_FALSE(i.block_scaled) << i.id;
      EXPECT_EQ(mma_exists(i.op, i.min_cc - 1), false) << i.id;
      EXPECT_EQ(mma_exists(i.op, 120), true) << i.id;
    }
  }
}

TEST(kernel_catalog, fp8_mma_sync_is_native_only_on_ada_and_consumer_blackwell) {
  // QMMA in the SASS of sm_89 and sm_120; HMMA + conversions + FADD on sm_90 and sm_100.
  EXPECT_FALSE(mma_is_emulated(mma_op::fp8, 89));
  EXPECT_FALSE(mma_is_emulated(mma_op::fp8, 120));
  EXPECT_TRUE(mma_is_emulated(mma_op::fp8, 90));
  EXPECT_TRUE(mma_is_emulated(mma_op::fp8, 100));
  EXPECT_TRUE(mma_is_emulated(mma_op::fp8, 103));
  for (const auto& i : mma_ops()) {
    if (i.op != mma_op::fp8) {
      EXPECT_FALSE(mma_is_emulated(i.op, 90)) << i.id;
    }
  }
}

TEST(kernel_catalog, stream_ops_count_arrays_like_stream) {
  EXPECT_EQ(arrays_touched(stream_op::read), 1);
  EXPECT_EQ(arrays_touched(stream_op::write), 1);
  EXPECT_EQ(arrays_touched(stream_op::copy), 2);
  EXPECT_EQ(arrays_touched(stream_op::triad), 3);
  EXPECT_STREQ(to_string(stream_op::triad), "triad");
}

}  // namespace
}  // namespace rafter::cuda

#include "analysis/posix_regex.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

namespace rafter {
namespace {

TEST(posix_regex, searches_anywhere_ignoring_case) {
  const posix_regex r("gemm_[a-z0-9]+_tn");
  EXPECT_TRUE(r.search("sm90_xmma_GEMM_bf16_tn_n"));
  EXPECT_FALSE(r.search("sm90_xmma_gemm_bf16_nt"));
  EXPECT_FALSE(r.first_group("gemm_bf16_tn").has_value());  // compiled without groups
  EXPECT_THROW(posix_regex("(unclosed"), std::invalid_argument);
}

TEST(posix_regex, first_group_is_the_text_of_group_one_at_the_first_match) {
  const posix_regex r("OpaqueType<([0-9]+)u?>", true);
  EXPECT_EQ(r.first_group("CatArrayBatchedCopy<ns::OpaqueType<2u>, unsigned int>(ns::OpaqueType<4u>*)"), "2");
  EXPECT_TRUE(r.search("OpaqueType<8>"));
  EXPECT_FALSE(r.first_group("OpaqueType<T>").has_value());
  const posix_regex optional_group("copy(_([a-z]+))?<", true);
  EXPECT_FALSE(optional_group.first_group("copy<float>").has_value());  // group 1 took no part
  EXPECT_EQ(optional_group.first_group("copy_contig<float>"), "_contig");
}

}  // namespace
}  // namespace rafter

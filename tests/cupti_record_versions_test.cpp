// Which CUPTI libraries the compiled-in record structs read correctly.
#include <gtest/gtest.h>

#ifndef RAFTER_HAVE_CUPTI
TEST(cupti_record_versions, needs_cupti) { GTEST_SKIP() << "built without CUDA/CUPTI: the collector is not built"; }
#else

#include "profiler/cupti_record_versions.hpp"

namespace {

using rafter::profiler::same_record_layouts;

TEST(cupti_record_versions, any_cuda_13_library_reads_with_cuda_13_headers) {
  EXPECT_TRUE(same_record_layouts(130000, 130001));  // 13.0 GA under 13.0 Update 1 headers
  EXPECT_TRUE(same_record_layouts(130001, 130001));
  EXPECT_TRUE(same_record_layouts(130200, 130001));  // a newer minor appends fields
}

TEST(cupti_record_versions, another_major_is_refused) {
  EXPECT_FALSE(same_record_layouts(28, 130001));      // CUDA 12.9 Update 1
  EXPECT_FALSE(same_record_layouts(140000, 130001));  // a future major may reorder fields
  EXPECT_FALSE(same_record_layouts(130001, 28));
}

TEST(cupti_record_versions, cuda_12_needs_a_library_at_least_as_new_as_its_headers) {
  EXPECT_TRUE(same_record_layouts(28, 24));
  EXPECT_TRUE(same_record_layouts(24, 24));
  EXPECT_FALSE(same_record_layouts(23, 24));
}

}  // namespace

#endif  // RAFTER_HAVE_CUPTI

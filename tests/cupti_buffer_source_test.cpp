// Walking activity buffers with CUPTI's own iterator (cuptiActivityGetNextRecord), which works
// without a GPU or driver: the boundary the collector uses on real buffers.
#include <gtest/gtest.h>

#ifndef RAFTER_HAVE_CUPTI
TEST(cupti_buffer_source, needs_cupti) { GTEST_SKIP() << "built without CUDA/CUPTI: the collector is not built"; }
#else

#include "activity_buffer.hpp"
#include "profiler/activity_decoder.hpp"
#include "profiler/cupti_buffer_source.hpp"

namespace {

using rafter::profiler::activity_decoder;
using rafter::profiler::cupti_buffer_source;
using V = rafter::profiler::current_record_versions;
using namespace rafter::testing;

// CUPTI steps from record to record by the size of the record version its library writes, which
// is the version this build selected (CUPTI_API_VERSION of the same library).
activity_buffer cupti_layout_buffer() {
  activity_buffer b;
  b.append(make_kernel<V::kernel>("first", 100, 200, 1));
  b.append(make_memcpy<V::memcpy>(CUPTI_ACTIVITY_MEMCPY_KIND_HTOD, CUPTI_ACTIVITY_MEMORY_KIND_PINNED,
                                  CUPTI_ACTIVITY_MEMORY_KIND_DEVICE, 4096, 300, 400, 2));
  b.append(make_kernel<V::kernel>("second", 500, 900, 3));
  b.append(make_marker<V::marker>(CUPTI_ACTIVITY_FLAG_MARKER_INSTANTANEOUS, 1, 950, "mark", "d", 5));
  return b;
}

TEST(cupti_buffer_source, walks_every_record_of_a_buffer_in_order) {
  activity_buffer b = cupti_layout_buffer();
  cupti_buffer_source source(b.data(), b.size());
  std::vector<CUpti_ActivityKind> kinds;
  while (const CUpti_Activity* r = source.next()) kinds.push_back(r->kind);
  EXPECT_EQ(source.status(), CUPTI_SUCCESS);
  EXPECT_EQ(kinds, (std::vector<CUpti_ActivityKind>{CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, CUPTI_ACTIVITY_KIND_MEMCPY,
                                                    CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, CUPTI_ACTIVITY_KIND_MARKER}));
  EXPECT_EQ(source.next(), nullptr);  // stays at the end
}

TEST(cupti_buffer_source, feeds_the_decoder_like_a_hand_walked_buffer) {
  activity_buffer b = cupti_layout_buffer();
  cupti_buffer_source source(b.data(), b.size());
  activity_decoder through_cupti;
  through_cupti.decode(source);
  b.rewind();
  activity_decoder by_hand;
  by_hand.decode(b);
  const auto t = through_cupti.build();
  EXPECT_EQ(rafter::to_json(t), rafter::to_json(by_hand.build()));
  ASSERT_EQ(t.kernels.size(), 2u);
  EXPECT_EQ(t.kernels[1].name, "second");
  EXPECT_EQ(t.copies.size(), 1u);
  EXPECT_EQ(t.ranges.size(), 1u);
}

TEST(cupti_buffer_source, stops_at_the_valid_bytes) {
  activity_buffer b = cupti_layout_buffer();
  cupti_buffer_source source(b.data(), sizeof(V::kernel));  // only the first record completed
  ASSERT_NE(source.next(), nullptr);
  EXPECT_EQ(source.next(), nullptr);
  cupti_buffer_source empty(b.data(), 0);
  EXPECT_EQ(empty.next(), nullptr);
  cupti_buffer_source null_buffer(nullptr, 128);
  EXPECT_EQ(null_buffer.next(), nullptr);
}

}  // namespace

#endif  // RAFTER_HAVE_CUPTI

// Record decoding of the CUPTI collector, with activity buffers built by hand (no GPU needed).
#include <gtest/gtest.h>

#ifndef RAFTER_HAVE_CUPTI
TEST(activity_decoder, needs_cupti) { GTEST_SKIP() << "built without CUDA/CUPTI: the collector is not built"; }
#else

#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include <cupti_driver_cbid.h>
#include <cupti_runtime_cbid.h>

#include "activity_buffer.hpp"
#include "analysis/analyzer.hpp"
#include "core/machine_profile.hpp"
#include "core/trace.hpp"
#include "profiler/activity_decoder.hpp"

namespace {

using rafter::trace;
using rafter::profiler::activity_decoder;
using rafter::profiler::basic_activity_decoder;
using rafter::profiler::record_versions_12;
using rafter::profiler::current_record_versions;
using namespace rafter::testing;

const char* const k_gemm = "_Z4gemmIfEvPKT_S2_PS0_i";  // void gemm<float>(float const*, float const*, float*, int)

bool has_warning(const trace& t, const std::string& text) {
  for (const auto& w : t.source.warnings) {
    if (w.find(text) != std::string::npos) return true;
  }
  return false;
}

std::int64_t counter(const trace& t, const std::string& name) {
  const auto it = t.source.counters.find(name);
  return it == t.source.counters.end() ? 0 : it->second;
}

template <class V>
void fill_mixed_buffer(activity_buffer& b) {
  b.append(make_device<typename V::device>(0, "NVIDIA H200"));
  auto k = make_kernel<typename V::kernel>(k_gemm, 2000, 5000, 11);
  k.graphId = 3;
  k.graphNodeId = 99;
  b.append(k);
  b.append(make_kernel<typename V::kernel>("relu_kernel", 1000, 1500, 10));
  b.append(make_memcpy<typename V::memcpy>(CUPTI_ACTIVITY_MEMCPY_KIND_HTOD, CUPTI_ACTIVITY_MEMORY_KIND_PINNED,
                                           CUPTI_ACTIVITY_MEMORY_KIND_DEVICE, 1 << 20, 100, 400, 5));
  b.append(make_memcpy<typename V::memcpy>(CUPTI_ACTIVITY_MEMCPY_KIND_DTOH, CUPTI_ACTIVITY_MEMORY_KIND_DEVICE,
                                           CUPTI_ACTIVITY_MEMORY_KIND_PAGEABLE, 4096, 6000, 6100, 12));
  typename V::memset ms{};
  ms.kind = CUPTI_ACTIVITY_KIND_MEMSET;
  ms.bytes = 512;
  ms.start = 50;
  ms.end = 60;
  ms.deviceId = 0;
  ms.streamId = 7;
  ms.correlationId = 4;
  ms.memoryKind = CUPTI_ACTIVITY_MEMORY_KIND_DEVICE;
  b.append(ms);
  typename V::overhead o{};
  o.kind = CUPTI_ACTIVITY_KIND_OVERHEAD;
  o.overheadKind = CUPTI_ACTIVITY_OVERHEAD_CUPTI_INSTRUMENTATION;
  o.start = 10;
  o.end = 40;
  b.append(o);
  b.append(make_marker<typename V::marker>(CUPTI_ACTIVITY_FLAG_MARKER_START, 1, 900, "decode", "llm", 42));
  b.append(make_marker<typename V::marker>(CUPTI_ACTIVITY_FLAG_MARKER_END, 1, 5500, nullptr, nullptr, 42));
}

TEST(activity_decoder, decodes_a_kernel_record_of_the_compiled_version) {
  activity_buffer b;
  auto k = make_kernel<current_record_versions::kernel>(k_gemm, 2000, 5000, 11);
  k.graphId = 3;
  k.graphNodeId = 99;
  b.append(k);
  activity_decoder d;
  d.decode(b);
  const trace t = d.build();
  ASSERT_EQ(t.kernels.size(), 1u);
  const auto& out = t.kernels[0];
  EXPECT_EQ(out.name, k_gemm);
  EXPECT_EQ(out.demangled, "void gemm<float>(float const*, float const*, float*, int)");
  EXPECT_EQ(out.start_ns, 2000);
  EXPECT_EQ(out.end_ns, 5000);
  EXPECT_EQ(out.device, 0);
  EXPECT_EQ(out.stream, 7);
  ASSERT_TRUE(out.grid && out.block);
  EXPECT_EQ(*out.grid, (rafter::dim3_value{128, 2, 1}));
  EXPECT_EQ(*out.block, (rafter::dim3_value{256, 1, 1}));
  EXPECT_EQ(out.registers_per_thread, 64);
  EXPECT_EQ(out.static_shared_bytes, 4096);
  EXPECT_EQ(out.dynamic_shared_bytes, 16384);
  EXPECT_EQ(out.correlation_id, 11);
  EXPECT_EQ(out.graph_id, 3);
  EXPECT_EQ(out.graph_node_id, 99);
  EXPECT_FALSE(out.metrics.has_value());
}

TEST(activity_decoder, kernels_outside_graphs_have_no_graph_ids) {
  activity_buffer b;
  b.append(make_kernel<current_record_versions::kernel>("k", 10, 20, 1));
  activity_decoder d;
  d.decode(b);
  const trace t = d.build();
  ASSERT_EQ(t.kernels.size(), 1u);
  EXPECT_FALSE(t.kernels[0].graph_id.has_value());
  EXPECT_FALSE(t.kernels[0].graph_node_id.has_value());
  EXPECT_EQ(t.kernels[0].demangled, "");  // not a mangled name
}

TEST(activity_decoder, orders_and_numbers_records_by_start_time) {
  activity_buffer b;
  fill_mixed_buffer<current_record_versions>(b);
  activity_decoder d;
  d.decode(b);
  const trace t = d.build();
  ASSERT_EQ(t.kernels.size(), 2u);
  EXPECT_EQ(t.kernels[0].name, "relu_kernel");
  EXPECT_EQ(t.kernels[0].id, 1);
  EXPECT_EQ(t.kernels[1].name, k_gemm);
  EXPECT_EQ(t.kernels[1].id, 2);
}

TEST(activity_decoder, equal_starts_keep_their_arrival_order) {
  // Records arrive as kernels complete, not as they start; ties keep the order CUPTI wrote them in.
  activity_buffer b;
  using kernel = current_record_versions::kernel;
  const std::uint64_t starts[] = {500, 100, 300, 100, 300, 100};
  const char* names[] = {"k0", "k1", "k2", "k3", "k4", "k5"};
  for (std::uint32_t i = 0; i < 6; ++i) b.append(make_kernel<kernel>(names[i], starts[i], starts[i] + 10, i + 1));
  activity_decoder d;
  d.decode(b);
  const trace t = d.build();
  ASSERT_EQ(t.kernels.size(), 6u);
  const char* expected[] = {"k1", "k3", "k5", "k2", "k4", "k0"};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(t.kernels[i].name, expected[i]) << i;
    EXPECT_EQ(t.kernels[i].id, static_cast<std::int64_t>(i + 1));
  }
}

TEST(activity_decoder, decodes_memcpy_and_memset_as_copies) {
  activity_buffer b;
  fill_mixed_buffer<current_record_versions>(b);
  b.append(make_memcpy<current_record_versions::memcpy>(CUPTI_ACTIVITY_MEMCPY_KIND_DTOD, CUPTI_ACTIVITY_MEMORY_KIND_DEVICE,
                                                         CUPTI_ACTIVITY_MEMORY_KIND_DEVICE, 64, 7000, 7010, 13));
  b.append(make_memcpy<current_record_versions::memcpy>(CUPTI_ACTIVITY_MEMCPY_KIND_PTOP, CUPTI_ACTIVITY_MEMORY_KIND_DEVICE,
                                                         CUPTI_ACTIVITY_MEMORY_KIND_DEVICE, 32, 8000, 8010, 14));
  activity_decoder d;
  d.decode(b);
  const trace t = d.build();
  ASSERT_EQ(t.copies.size(), 5u);
  EXPECT_EQ(t.copies[0].kind, "memset");
  EXPECT_EQ(t.copies[0].bytes, 512.0);
  EXPECT_EQ(t.copies[0].memory, "device");
  EXPECT_EQ(t.copies[1].kind, "h2d");
  EXPECT_EQ(t.copies[1].memory, "pinned");
  EXPECT_EQ(t.copies[1].bytes, 1048576.0);
  EXPECT_EQ(t.copies[1].start_ns, 100);
  EXPECT_EQ(t.copies[1].end_ns, 400);
  EXPECT_EQ(t.copies[1].correlation_id, 5);
  EXPECT_EQ(t.copies[2].kind, "d2h");
  EXPECT_EQ(t.copies[2].memory, "pageable");  // the host side of the transfer
  EXPECT_EQ(t.copies[3].kind, "d2d");
  EXPECT_EQ(t.copies[4].kind, "p2p");
}

TEST(activity_decoder, decodes_a_copy_between_two_devices_as_a_p2p_copy_of_the_device_that_ran_it) {
  activity_buffer b;
  using V = current_record_versions;
  b.append(make_memcpy_peer<V::memcpy_peer>(1, 0, 1, 1 << 20, 9000, 9100, 21));
  b.append(make_memcpy_peer<V::memcpy_peer>(1, 1, 0, 4096, 9300, 9200, 22));  // end before start
  activity_decoder d;
  d.decode(b);
  const trace t = d.build();
  ASSERT_EQ(t.copies.size(), 1u);
  const auto& c = t.copies[0];
  EXPECT_EQ(c.kind, "p2p");
  EXPECT_EQ(c.device, 1);
  EXPECT_EQ(c.stream, 9);
  EXPECT_EQ(c.bytes, 1048576.0);
  EXPECT_EQ(c.start_ns, 9000);
  EXPECT_EQ(c.end_ns, 9100);
  EXPECT_EQ(c.correlation_id, 21);
  EXPECT_EQ(c.memory, "device");
  EXPECT_EQ(t.source.counters.at("invalid_timestamps.memcpy"), 1);
  EXPECT_FALSE(t.source.counters.contains("unhandled_records"));
}

TEST(activity_decoder, pairs_marker_start_and_end_into_nested_ranges) {
  using marker = current_record_versions::marker;
  activity_buffer b;
  b.append(make_marker<marker>(CUPTI_ACTIVITY_FLAG_MARKER_START, 1, 100, "decode", "llm", 42));
  b.append(make_marker<marker>(CUPTI_ACTIVITY_FLAG_MARKER_START, 2, 200, "layer 0", "llm", 42));
  b.append(make_marker<marker>(CUPTI_ACTIVITY_FLAG_MARKER_END, 2, 300, nullptr, nullptr, 42));
  b.append(make_marker<marker>(CUPTI_ACTIVITY_FLAG_MARKER_START, 3, 300, "layer 1", "llm", 42));
  b.append(make_marker<marker>(CUPTI_ACTIVITY_FLAG_MARKER_END, 3, 400, nullptr, nullptr, 42));
  b.append(make_marker<marker>(CUPTI_ACTIVITY_FLAG_MARKER_END, 1, 500, nullptr, nullptr, 42));
  b.append(make_marker<marker>(CUPTI_ACTIVITY_FLAG_MARKER_START, 4, 150, "io", nullptr, 43));  // other thread
  b.append(make_marker<marker>(CUPTI_ACTIVITY_FLAG_MARKER_END, 4, 250, nullptr, nullptr, 43));
  b.append(make_marker<marker>(CUPTI_ACTIVITY_FLAG_MARKER_INSTANTANEOUS, 5, 350, "token", "llm", 42));
  activity_decoder d;
  d.decode(b);
  const trace t = d.build();
  ASSERT_EQ(t.ranges.size(), 5u);
  EXPECT_EQ(t.ranges[0].name, "decode");
  EXPECT_EQ(t.ranges[0].domain, "llm");
  EXPECT_EQ(t.ranges[0].thread, 42);
  EXPECT_EQ(t.ranges[0].start_ns, 100);
  EXPECT_EQ(t.ranges[0].end_ns, 500);
  EXPECT_EQ(t.ranges[0].depth, 0);
  EXPECT_EQ(t.ranges[1].name, "io");
  EXPECT_EQ(t.ranges[1].domain, "");
  EXPECT_EQ(t.ranges[1].depth, 0);  // its own thread
  EXPECT_EQ(t.ranges[2].name, "layer 0");
  EXPECT_EQ(t.ranges[2].depth, 1);
  EXPECT_EQ(t.ranges[3].name, "layer 1");
  EXPECT_EQ(t.ranges[3].depth, 1);  // layer 0 ended when layer 1 began
  EXPECT_EQ(t.ranges[4].name, "token");
  EXPECT_EQ(t.ranges[4].start_ns, t.ranges[4].end_ns);
  EXPECT_EQ(t.ranges[4].depth, 2);
}

TEST(activity_decoder, counts_unmatched_and_open_markers) {
  using marker = current_record_versions::marker;
  activity_buffer b;
  b.append(make_marker<marker>(CUPTI_ACTIVITY_FLAG_MARKER_END, 9, 300, nullptr, nullptr, 42));
  b.append(make_marker<marker>(CUPTI_ACTIVITY_FLAG_MARKER_START, 10, 400, "still open", "", 42));
  activity_decoder d;
  d.decode(b);
  const trace t = d.build();
  EXPECT_TRUE(t.ranges.empty());
  EXPECT_EQ(counter(t, "marker_ends_without_start"), 1);
  EXPECT_EQ(counter(t, "open_ranges"), 1);
  EXPECT_TRUE(has_warning(t, "1 NVTX range was still open"));
  // The open range is written once it ends.
  activity_buffer later;
  later.append(make_marker<marker>(CUPTI_ACTIVITY_FLAG_MARKER_END, 10, 450, nullptr, nullptr, 42));
  d.decode(later);
  const trace t2 = d.build();
  ASSERT_EQ(t2.ranges.size(), 1u);
  EXPECT_EQ(t2.ranges[0].name, "still open");
  EXPECT_EQ(counter(t2, "open_ranges"), 0);
}

TEST(activity_decoder, counts_invalid_timestamps_and_does_not_write_them) {
  using V = current_record_versions;
  activity_buffer b;
  b.append(make_kernel<V::kernel>("zero_start", 0, 0, 1));      // no timestamp collected
  b.append(make_kernel<V::kernel>("zero_start2", 0, 500, 2));   // start = 0
  b.append(make_kernel<V::kernel>("backwards", 900, 800, 3));   // end < start
  b.append(make_kernel<V::kernel>("good", 1000, 1000, 4));      // zero duration is valid
  b.append(make_memcpy<V::memcpy>(CUPTI_ACTIVITY_MEMCPY_KIND_HTOD, 1, 3, 8, 50, 40, 5));
  b.append(make_marker<V::marker>(CUPTI_ACTIVITY_FLAG_MARKER_START, 1, 600, "r", "", 1));
  b.append(make_marker<V::marker>(CUPTI_ACTIVITY_FLAG_MARKER_END, 1, 500, nullptr, nullptr, 1));
  activity_decoder d;
  d.decode(b);
  const trace t = d.build();
  ASSERT_EQ(t.kernels.size(), 1u);
  EXPECT_EQ(t.kernels[0].name, "good");
  EXPECT_TRUE(t.copies.empty());
  EXPECT_TRUE(t.ranges.empty());
  EXPECT_EQ(counter(t, "invalid_timestamps.kernel"), 3);
  EXPECT_EQ(counter(t, "invalid_timestamps.memcpy"), 1);
  EXPECT_EQ(counter(t, "invalid_timestamps.marker"), 1);
  EXPECT_TRUE(has_warning(t, "3 kernel records with invalid timestamps (start = 0 or end < start) skipped"));
  EXPECT_TRUE(has_warning(t, "1 memcpy record with invalid timestamps"));
  EXPECT_TRUE(has_warning(t, "raise RAFTER_TRACE_DEVICE_BUFFER_BYTES"));  // GPU timestamps: the device buffer
}

TEST(activity_decoder, reports_dropped_records) {
  activity_decoder d;
  d.add_dropped_records(0);
  EXPECT_EQ(d.build().source.counters.count("dropped_records"), 0u);
  d.add_dropped_records(5);
  d.add_dropped_records(7);
  const trace t = d.build();
  EXPECT_EQ(counter(t, "dropped_records"), 12);
  EXPECT_TRUE(has_warning(t, "12 activity records dropped by CUPTI"));
}

TEST(activity_decoder, counts_overhead_synchronization_and_external_correlation) {
  using V = current_record_versions;
  activity_buffer b;
  fill_mixed_buffer<V>(b);
  V::synchronization s{};
  s.kind = CUPTI_ACTIVITY_KIND_SYNCHRONIZATION;
  s.type = CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_SYNCHRONIZE;
  s.start = 7000;
  s.end = 7250;
  b.append(s);
  V::external_correlation e{};
  e.kind = CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION;
  e.externalKind = CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0;
  e.externalId = 77;
  e.correlationId = 11;
  b.append(e);
  V::context c{};
  c.kind = CUPTI_ACTIVITY_KIND_CONTEXT;
  b.append(c);
  CUpti_ActivityAPI api{};
  api.kind = CUPTI_ACTIVITY_KIND_RUNTIME;  // not a launch call: counted only
  api.cbid = CUPTI_RUNTIME_TRACE_CBID_cudaGetDevice_v3020;
  api.start = 10;
  api.end = 20;
  b.append(api);
  CUpti_ActivityAPI other{};
  other.kind = CUPTI_ACTIVITY_KIND_NAME;  // a kind the collector does not enable
  b.append(other);
  activity_decoder d;
  d.decode(b);
  const trace t = d.build();
  EXPECT_EQ(counter(t, "overhead_records"), 1);
  EXPECT_EQ(counter(t, "overhead_ns"), 30);
  EXPECT_EQ(counter(t, "overhead_ns.cupti_instrumentation"), 30);
  EXPECT_EQ(counter(t, "synchronization_records"), 1);
  EXPECT_EQ(counter(t, "synchronization_ns"), 250);
  EXPECT_EQ(counter(t, "external_correlation_records"), 1);
  EXPECT_EQ(counter(t, "context_records"), 1);
  EXPECT_EQ(counter(t, "unhandled_records"), 1);
  EXPECT_EQ(counter(t, "api_records"), 1);
  EXPECT_EQ(counter(t, "launch_calls"), 0);
}

TEST(activity_decoder, decodes_device_records_and_lists_unknown_devices) {
  using V = current_record_versions;
  activity_buffer b;
  b.append(make_device<V::device>(0, "NVIDIA H200"));
  auto k = make_kernel<V::kernel>("on_device_1", 10, 20, 1);
  k.deviceId = 1;
  b.append(k);
  activity_decoder d;
  d.decode(b);
  const trace t = d.build();
  ASSERT_EQ(t.devices.size(), 2u);
  const auto& h200 = t.devices[0];
  EXPECT_EQ(h200.id, 0);
  EXPECT_EQ(h200.name, "NVIDIA H200");
  EXPECT_EQ(h200.cc_major, 9);
  EXPECT_EQ(h200.cc_minor, 0);
  EXPECT_EQ(h200.sm_count, 132);
  EXPECT_DOUBLE_EQ(*h200.sm_clock_hz, 1.98e9);
  EXPECT_DOUBLE_EQ(*h200.memory_bytes, static_cast<double>(150ULL << 30));
  EXPECT_DOUBLE_EQ(*h200.l2_bytes, static_cast<double>(50u << 20));
  EXPECT_DOUBLE_EQ(*h200.shared_memory_per_sm_bytes, 233472.0);
  EXPECT_EQ(t.devices[1].id, 1);
  EXPECT_EQ(counter(t, "devices_without_record"), 1);
  EXPECT_TRUE(has_warning(t, "1 device named by records had no CUPTI device record"));
}

TEST(activity_decoder, joins_kernel_counters_by_correlation_id) {
  activity_buffer b;
  b.append(make_kernel<current_record_versions::kernel>("k", 10, 20, 11));
  activity_decoder d;
  d.decode(b);
  rafter::kernel_metrics m;
  m.flop["fp32.cuda_core"] = 1e6;
  m.bytes["dram"] = 4e6;
  d.add_kernel_metrics(11, m);
  d.add_kernel_metrics(12, m);  // its kernel record never came
  const trace t = d.build();
  ASSERT_TRUE(t.kernels[0].metrics.has_value());
  EXPECT_EQ(t.kernels[0].metrics->flop.at("fp32.cuda_core"), 1e6);
  EXPECT_EQ(t.kernels[0].metrics->bytes.at("dram"), 4e6);
  EXPECT_EQ(counter(t, "kernels_with_metrics"), 1);
  EXPECT_EQ(counter(t, "metrics_without_kernel"), 1);
}

rafter::kernel_metrics some_counters() {
  rafter::kernel_metrics m;
  m.flop["fp32.cuda_core"] = 1e6;
  m.bytes["dram"] = 4e6;
  return m;
}

// Counters are measured in the driver launch callback (id 21); a runtime launch's kernel record may
// carry the id of the runtime call around it (20) instead: either joins, once.
TEST(activity_decoder, joins_counters_through_the_runtime_launch_id) {
  activity_buffer b;
  b.append(make_kernel<current_record_versions::kernel>("runtime_launched", 10, 20, 20));
  b.append(make_kernel<current_record_versions::kernel>("driver_launched", 30, 40, 31));
  b.append(make_kernel<current_record_versions::kernel>("not_profiled", 50, 60, 41));
  activity_decoder d;
  d.decode(b);
  d.add_kernel_metrics(21, some_counters(), {20});
  d.add_kernel_metrics(31, some_counters(), {30});
  d.add_kernel_metrics(51, some_counters(), {50, 52});  // no record under either id
  const trace t = d.build();
  ASSERT_EQ(t.kernels.size(), 3u);
  EXPECT_TRUE(t.kernels[0].metrics.has_value());
  EXPECT_TRUE(t.kernels[1].metrics.has_value());
  EXPECT_FALSE(t.kernels[2].metrics.has_value());
  EXPECT_EQ(counter(t, "kernels_with_metrics"), 2);
  EXPECT_EQ(counter(t, "metrics_without_kernel"), 1);
}

// Should kernel replay record a profiled launch once per pass: one kernel, the earliest record.
TEST(activity_decoder, writes_a_profiled_launch_recorded_once_per_replay_pass_once) {
  activity_buffer b;
  b.append(make_kernel<current_record_versions::kernel>("k", 300, 400, 11));  // pass 2
  b.append(make_kernel<current_record_versions::kernel>("k", 100, 200, 11));  // pass 1
  b.append(make_kernel<current_record_versions::kernel>("k", 500, 600, 11));  // pass 3
  b.append(make_kernel<current_record_versions::kernel>("k", 700, 800, 12));  // the next launch
  activity_decoder d;
  d.decode(b);
  d.add_kernel_metrics(11, some_counters());
  const trace t = d.build();
  ASSERT_EQ(t.kernels.size(), 2u);
  EXPECT_EQ(t.kernels[0].start_ns, 100);
  EXPECT_EQ(t.kernels[0].end_ns, 200);
  EXPECT_EQ(t.kernels[0].correlation_id, 11);
  ASSERT_TRUE(t.kernels[0].metrics.has_value());
  EXPECT_EQ(t.kernels[0].metrics->flop.at("fp32.cuda_core"), 1e6);
  EXPECT_FALSE(t.kernels[1].metrics.has_value());
  EXPECT_EQ(t.kernels[1].id, 2);
  EXPECT_EQ(counter(t, "kernels"), 2);
  EXPECT_EQ(counter(t, "kernels_with_metrics"), 1);
  EXPECT_EQ(counter(t, "replay_duplicate_kernel_records"), 2);
  EXPECT_TRUE(has_warning(t, "2 kernel records repeating a profiled launch"));
  EXPECT_EQ(counter(t, "metrics_without_kernel"), 0);
}

// Records sharing a correlation id without counters (a graph launch's nodes) are all written.
TEST(activity_decoder, keeps_records_sharing_an_unprofiled_correlation_id) {
  activity_buffer b;
  b.append(make_kernel<current_record_versions::kernel>("k", 100, 200, 11));
  b.append(make_kernel<current_record_versions::kernel>("k", 300, 400, 11));
  activity_decoder d;
  d.decode(b);
  const trace t = d.build();
  EXPECT_EQ(t.kernels.size(), 2u);
  EXPECT_EQ(counter(t, "replay_duplicate_kernel_records"), 0);
}

// Different kernels under one profiled correlation id: whose counters they are is unknown.
TEST(activity_decoder, gives_no_counters_to_different_records_of_one_profiled_correlation_id) {
  activity_buffer b;
  b.append(make_kernel<current_record_versions::kernel>("k", 100, 200, 11));
  auto other = make_kernel<current_record_versions::kernel>("k", 300, 400, 11);
  other.gridX = 64;
  b.append(other);
  activity_decoder d;
  d.decode(b);
  d.add_kernel_metrics(11, some_counters());
  const trace t = d.build();
  ASSERT_EQ(t.kernels.size(), 2u);
  EXPECT_FALSE(t.kernels[0].metrics.has_value());
  EXPECT_FALSE(t.kernels[1].metrics.has_value());
  EXPECT_EQ(counter(t, "kernels_with_metrics"), 0);
  EXPECT_EQ(counter(t, "metrics_with_ambiguous_kernel"), 1);
  EXPECT_EQ(counter(t, "metrics_without_kernel"), 0);
  EXPECT_EQ(counter(t, "replay_duplicate_kernel_records"), 0);
  EXPECT_TRUE(has_warning(t, "1 kernel's counters matched several different kernel records"));
}

// A selected launch whose range was dropped: counted and warned, never a kernel with metrics.
TEST(activity_decoder, counts_selected_launches_without_counters) {
  activity_buffer b;
  b.append(make_kernel<current_record_versions::kernel>("k", 100, 200, 11));
  b.append(make_kernel<current_record_versions::kernel>("k", 300, 400, 12));
  activity_decoder d;
  d.decode(b);
  d.add_kernel_without_counters();  // launch 11
  d.add_kernel_metrics(12, some_counters());
  const trace t = d.build();
  ASSERT_EQ(t.kernels.size(), 2u);
  EXPECT_FALSE(t.kernels[0].metrics.has_value());
  EXPECT_TRUE(t.kernels[1].metrics.has_value());
  EXPECT_EQ(counter(t, "kernels_with_metrics"), 1);
  EXPECT_EQ(counter(t, "selected_kernels_without_counters"), 1);
  EXPECT_TRUE(has_warning(t, "1 selected kernel launch has no counters"));
}

// The same activity in the CUDA 12.x record versions (Kernel9, Memcpy5, Overhead2, Device4) and in
// the versions this build selected decodes to the same trace.
TEST(activity_decoder, decodes_older_record_versions_alike) {
  static_assert(sizeof(record_versions_12::kernel) != sizeof(current_record_versions::kernel),
                "the two version sets must differ for this test to mean something");
  activity_buffer old_buffer;
  fill_mixed_buffer<record_versions_12>(old_buffer);
  basic_activity_decoder<record_versions_12> old_decoder;
  old_decoder.decode(old_buffer);
  activity_buffer new_buffer;
  fill_mixed_buffer<current_record_versions>(new_buffer);
  activity_decoder new_decoder;
  new_decoder.decode(new_buffer);
  const trace a = old_decoder.build();
  const trace b = new_decoder.build();
  EXPECT_EQ(rafter::to_json(a), rafter::to_json(b));
  EXPECT_EQ(a.kernels.size(), 2u);
  EXPECT_EQ(a.copies.size(), 3u);
  EXPECT_EQ(a.ranges.size(), 1u);
  EXPECT_EQ(a.devices.size(), 1u);
}

TEST(activity_decoder, writes_a_trace_that_reads_back) {
  activity_buffer b;
  fill_mixed_buffer<current_record_versions>(b);
  activity_decoder d;
  d.decode(b);
  trace t = d.build();
  t.source.tool = "rafter";
  const auto path = std::filesystem::temp_directory_path() / ("activity_decoder_test_" + std::to_string(::getpid()) + ".json");
  rafter::save_trace(path, t);
  const trace back = rafter::load_trace(path);
  std::filesystem::remove(path);
  EXPECT_EQ(rafter::to_json(back), rafter::to_json(t));
  EXPECT_EQ(back.kernels.size(), 2u);
}

// Launch calls (RUNTIME records) join kernel records by correlation id, in either order.

constexpr CUpti_CallbackId k_launch_kernel = CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000;

const rafter::trace_kernel& kernel_named(const trace& t, const std::string& name) {
  for (const auto& k : t.kernels) {
    if (k.name == name) return k;
  }
  throw std::runtime_error("no kernel " + name);
}

TEST(activity_decoder, a_launch_call_before_its_kernel_gives_it_thread_and_start) {
  activity_buffer b;
  b.append(make_api(k_launch_kernel, 1000, 1200, 21, 42));
  b.append(make_api(CUPTI_RUNTIME_TRACE_CBID_cudaGetDevice_v3020, 1300, 1310, 22, 42));  // not a launch: not kept
  b.append(make_kernel<current_record_versions::kernel>("relu_kernel", 2000, 2500, 21));
  activity_decoder d;
  d.decode(b);
  const trace t = d.build();
  ASSERT_EQ(t.kernels.size(), 1u);
  ASSERT_TRUE(t.kernels[0].launch);
  EXPECT_EQ(t.kernels[0].launch->thread, 42);
  EXPECT_EQ(t.kernels[0].launch->start_ns, 1000);
  EXPECT_EQ(counter(t, "api_records"), 2);
  EXPECT_EQ(counter(t, "launch_calls"), 1);
  EXPECT_EQ(counter(t, "kernels_with_launch"), 1);
  EXPECT_EQ(counter(t, "kernels_without_launch"), 0);
  EXPECT_FALSE(has_warning(t, "no launching API call"));
}

TEST(activity_decoder, a_launch_call_after_its_kernel_in_a_later_buffer_joins_it) {
  activity_decoder d;
  activity_buffer kernels;  // the kernel's buffer completes first
  kernels.append(make_kernel<current_record_versions::kernel>("late_call", 5000, 6000, 31));
  kernels.append(make_kernel<current_record_versions::kernel>("early_call", 7000, 8000, 32));
  activity_buffer calls;
  calls.append(make_api(k_launch_kernel, 4000, 4100, 32, 7));
  d.decode(calls);  // early_call's call came in an earlier flush than its kernel
  d.decode(kernels);
  activity_buffer later;
  later.append(make_api(CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_ptsz_v7000, 3000, 3100, 31, 9));
  d.decode(later);
  const trace t = d.build();
  ASSERT_EQ(t.kernels.size(), 2u);
  const auto& late = kernel_named(t, "late_call");
  ASSERT_TRUE(late.launch);
  EXPECT_EQ(late.launch->thread, 9);
  EXPECT_EQ(late.launch->start_ns, 3000);
  const auto& early = kernel_named(t, "early_call");
  ASSERT_TRUE(early.launch);
  EXPECT_EQ(early.launch->thread, 7);
  EXPECT_EQ(early.launch->start_ns, 4000);
  EXPECT_EQ(counter(t, "kernels_with_launch"), 2);
}

TEST(activity_decoder, a_graph_launch_gives_every_kernel_of_the_graph_its_call) {
  activity_buffer b;
  auto first = make_kernel<current_record_versions::kernel>("node_a", 2000, 2100, 40);
  first.graphId = 1;
  b.append(first);  // before the call
  b.append(make_api(CUPTI_RUNTIME_TRACE_CBID_cudaGraphLaunch_v10000, 1000, 1500, 40, 3));
  auto second = make_kernel<current_record_versions::kernel>("node_b", 2200, 2300, 40);
  second.graphId = 1;
  b.append(second);  // after it
  activity_decoder d;
  d.decode(b);
  const trace t = d.build();
  ASSERT_EQ(t.kernels.size(), 2u);
  for (const auto& k : t.kernels) {
    ASSERT_TRUE(k.launch) << k.name.str();
    EXPECT_EQ(k.launch->thread, 3);
    EXPECT_EQ(k.launch->start_ns, 1000);
  }
}

TEST(activity_decoder, a_kernel_without_a_launch_call_is_counted_and_warned) {
  activity_buffer b;
  b.append(make_api(k_launch_kernel, 1000, 1200, 51, 42));
  b.append(make_kernel<current_record_versions::kernel>("launched", 2000, 2500, 51));
  // Its call was not recorded (a legacy cuLaunch, or the record was lost).
  b.append(make_kernel<current_record_versions::kernel>("triton_kernel", 3000, 3500, 52));
  activity_decoder d;
  d.decode(b);
  const trace t = d.build();
  ASSERT_EQ(t.kernels.size(), 2u);
  EXPECT_TRUE(kernel_named(t, "launched").launch);
  EXPECT_FALSE(kernel_named(t, "triton_kernel").launch);
  EXPECT_EQ(counter(t, "kernels_with_launch"), 1);
  EXPECT_EQ(counter(t, "kernels_without_launch"), 1);
  EXPECT_TRUE(has_warning(t, "1 kernel has no launching API call record"));
}

TEST(activity_decoder, a_driver_launch_call_joins_its_kernel) {
  activity_buffer b;
  b.append(make_kernel<current_record_versions::kernel>("triton_kernel", 3000, 3500, 61));
  b.append(make_api(CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, 1000, 1200, 61, 5, CUPTI_ACTIVITY_KIND_DRIVER));
  // A driver call whose cbid is a runtime launch's number is not a launch.
  b.append(make_api(static_cast<CUpti_CallbackId>(k_launch_kernel), 1300, 1400, 62, 5, CUPTI_ACTIVITY_KIND_DRIVER));
  activity_decoder d;
  d.decode(b);
  const trace t = d.build();
  ASSERT_TRUE(t.kernels.at(0).launch);
  EXPECT_EQ(t.kernels[0].launch->thread, 5);
  EXPECT_EQ(counter(t, "launch_calls"), 1);
}

TEST(activity_decoder, an_nvtx_range_holds_the_kernels_launched_in_it_on_its_thread) {
  // As the collector records a `--nvtx` run: a range on thread 42, a kernel launched inside it
  // (it runs after the range ended), one launched on thread 43 at the same time, one after it.
  activity_buffer b;
  b.append(make_device<current_record_versions::device>(0, "NVIDIA H200"));
  using marker = current_record_versions::marker;
  b.append(make_marker<marker>(CUPTI_ACTIVITY_FLAG_MARKER_START, 1, 1000, "layer.0", "llm", 42));
  b.append(make_api(k_launch_kernel, 1100, 1150, 71, 42));
  b.append(make_api(k_launch_kernel, 1100, 1150, 72, 43));
  b.append(make_marker<marker>(CUPTI_ACTIVITY_FLAG_MARKER_END, 1, 1500, nullptr, nullptr, 42));
  b.append(make_api(k_launch_kernel, 1600, 1650, 73, 42));
  activity_buffer kernels;  // later flush
  kernels.append(make_kernel<current_record_versions::kernel>("in_range", 2000, 3000, 71));
  kernels.append(make_kernel<current_record_versions::kernel>("other_thread", 3000, 4000, 72));
  kernels.append(make_kernel<current_record_versions::kernel>("after_range", 4000, 6000, 73));
  activity_decoder d;
  d.decode(b);
  d.decode(kernels);
  const trace t = d.build();
  ASSERT_EQ(t.ranges.size(), 1u);

  rafter::machine_profile p;
  p.device.name = "Test GPU";
  p.device.kind = rafter::device_kind::gpu;
  rafter::memory_level hbm;
  hbm.level = "hbm";
  hbm.read_bytes_per_s = 3e12;
  hbm.source = rafter::figure_source::measured;
  p.memory = {hbm};
  rafter::analyze_options o;
  o.trace_file = "t.json";
  o.machine_file = "p.json";
  const auto classes = rafter::kernel_classifier::load(RAFTER_SOURCE_DIR "/configs/kernel_classes.json");
  const auto a = rafter::analyze(t, p, classes, o);
  ASSERT_EQ(a.ranges.size(), 1u);
  EXPECT_EQ(a.ranges[0].name, "layer.0");
  EXPECT_FALSE(a.ranges[0].gpu_side);
  EXPECT_EQ(a.ranges[0].kernels, 1);
  EXPECT_DOUBLE_EQ(a.ranges[0].kernel_time_s, 1000e-9);
}

}  // namespace

namespace {

using rafter::profiler::runtime_launch_calls;

// A range started on one thread and ended on another: per-thread buffers can deliver the end first.
TEST(activity_decoder, a_range_end_before_its_start_joins_it) {
  using marker = current_record_versions::marker;
  activity_decoder d;
  activity_buffer ending_thread;
  ending_thread.append(make_marker<marker>(CUPTI_ACTIVITY_FLAG_MARKER_END, 7, 900, nullptr, nullptr, 43));
  d.decode(ending_thread);
  EXPECT_EQ(counter(d.build(), "marker_ends_without_start"), 1);  // for now
  activity_buffer starting_thread;
  starting_thread.append(make_marker<marker>(CUPTI_ACTIVITY_FLAG_MARKER_START, 7, 100, "request", "serve", 42));
  d.decode(starting_thread);
  const trace t = d.build();
  ASSERT_EQ(t.ranges.size(), 1u);
  EXPECT_EQ(t.ranges[0].name, "request");
  EXPECT_EQ(t.ranges[0].domain, "serve");
  EXPECT_EQ(t.ranges[0].thread, 42);  // the starting thread's range
  EXPECT_EQ(t.ranges[0].start_ns, 100);
  EXPECT_EQ(t.ranges[0].end_ns, 900);
  EXPECT_EQ(counter(t, "marker_ends_without_start"), 0);
  EXPECT_EQ(counter(t, "open_ranges"), 0);
  EXPECT_FALSE(has_warning(t, "without a start"));
}

// A kernel record skipped for its timestamps leaves no launch call waiting, whichever came first;
// a launch call no kernel joined (a captured or failed launch) is counted.
TEST(activity_decoder, launch_calls_of_skipped_kernels_are_dropped_and_unjoined_calls_counted) {
  activity_decoder d;
  activity_buffer b;
  b.append(make_api(k_launch_kernel, 1000, 1100, 61, 42));
  b.append(make_kernel<current_record_versions::kernel>("never_ended", 2000, 0, 61));  // end < start: skipped
  b.append(make_kernel<current_record_versions::kernel>("also_skipped", 0, 10, 62));   // call comes later
  b.append(make_api(k_launch_kernel, 1200, 1300, 62, 42));
  b.append(make_api(k_launch_kernel, 1400, 1500, 63, 42));  // captured into a graph: no kernel now
  d.decode(b);
  const trace t = d.build();
  EXPECT_TRUE(t.kernels.empty());
  EXPECT_EQ(counter(t, "invalid_timestamps.kernel"), 2);
  EXPECT_EQ(counter(t, "launch_calls_without_kernel"), 1);
}

TEST(activity_decoder, every_runtime_call_the_collector_records_is_a_launch_call) {
  activity_decoder d;
  activity_buffer b;
  std::uint32_t correlation = 100;
  for (const CUpti_CallbackId id : runtime_launch_calls()) {
    b.append(make_api(id, 1000, 1100, correlation, 42));
    b.append(make_kernel<current_record_versions::kernel>("k", 2000, 2100, correlation));
    ++correlation;
  }
  d.decode(b);
  const trace t = d.build();
  EXPECT_GE(runtime_launch_calls().size(), 10u);
  EXPECT_EQ(counter(t, "launch_calls"), static_cast<std::int64_t>(runtime_launch_calls().size()));
  EXPECT_EQ(counter(t, "kernels_with_launch"), static_cast<std::int64_t>(runtime_launch_calls().size()));
}

TEST(activity_decoder, an_unreadable_buffer_is_warned) {
  activity_decoder d;
  EXPECT_FALSE(has_warning(d.build(), "could not be read to the end"));
  d.count("unreadable_buffers", 2);
  const trace t = d.build();
  EXPECT_EQ(counter(t, "unreadable_buffers"), 2);
  EXPECT_TRUE(has_warning(t, "2 activity buffers could not be read to the end"));
}

// Triton launches through the driver API: its kernel joins the driver call.
TEST(activity_decoder, a_driver_api_launch_gives_its_kernel_a_launch) {
  activity_decoder d;
  activity_buffer b;
  b.append(make_api(CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, 1000, 1040, 71, 42, CUPTI_ACTIVITY_KIND_DRIVER));
  b.append(make_kernel<current_record_versions::kernel>("triton_poi_fused_add_0", 2000, 2100, 71));
  d.decode(b);
  const trace t = d.build();
  ASSERT_EQ(t.kernels.size(), 1u);
  ASSERT_TRUE(t.kernels[0].launch);
  EXPECT_EQ(t.kernels[0].launch->thread, 42);
  EXPECT_EQ(t.kernels[0].launch->start_ns, 1000);
  EXPECT_EQ(counter(t, "kernels_without_launch"), 0);
}

// Should CUPTI record the driver call a runtime launch makes, that call (its record comes first,
// same thread) is dropped when the runtime call's record comes; a driver call outside it stays.
TEST(activity_decoder, driver_calls_inside_a_runtime_launch_are_dropped) {
  activity_decoder d;
  activity_buffer b;
  b.append(make_api(CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, 900, 950, 80, 42, CUPTI_ACTIVITY_KIND_DRIVER));  // captured: no kernel
  b.append(make_api(CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, 1010, 1090, 82, 42, CUPTI_ACTIVITY_KIND_DRIVER));
  b.append(make_api(CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, 1020, 1080, 83, 7, CUPTI_ACTIVITY_KIND_DRIVER));  // other thread
  b.append(make_api(k_launch_kernel, 1000, 1100, 81, 42));
  b.append(make_kernel<current_record_versions::kernel>("relu_kernel", 2000, 2100, 81));
  d.decode(b);
  const trace t = d.build();
  ASSERT_EQ(t.kernels.size(), 1u);
  ASSERT_TRUE(t.kernels[0].launch);
  EXPECT_EQ(t.kernels[0].launch->start_ns, 1000);  // the runtime call's
  EXPECT_EQ(counter(t, "driver_calls_inside_runtime_launches"), 1);
  EXPECT_EQ(counter(t, "launch_calls_without_kernel"), 2);  // 80 (before the runtime call) and 83 (another thread)
}

TEST(activity_decoder, every_driver_call_the_collector_records_is_a_launch_call) {
  activity_decoder d;
  activity_buffer b;
  std::uint32_t correlation = 300;
  for (const CUpti_CallbackId id : rafter::profiler::driver_launch_calls()) {
    b.append(make_api(id, 1000, 1100, correlation, 42, CUPTI_ACTIVITY_KIND_DRIVER));
    b.append(make_kernel<current_record_versions::kernel>("k", 2000, 2100, correlation));
    ++correlation;
  }
  d.decode(b);
  const trace t = d.build();
  EXPECT_EQ(rafter::profiler::driver_launch_calls().size(), 6u);
  EXPECT_EQ(counter(t, "kernels_with_launch"), 6);
}

}  // namespace

#endif  // RAFTER_HAVE_CUPTI

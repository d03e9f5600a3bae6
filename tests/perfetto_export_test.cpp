#include "reports/perfetto_export.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace rafter {
namespace {

using nlohmann::json;

/// Two GPUs, one with a stream of two kernels (one measured, one with a shape estimate), a copy, a
/// GPU annotation and a placeholder-time kernel; a CPU thread with two nested ranges and an op.
/// Times are epoch-scale nanoseconds so that an absolute µs value would not survive a double.
trace sample_trace() {
  constexpr std::int64_t t0 = 1'700'000'000'000'000'000;
  trace t;
  t.source.tool = "kineto";
  t.source.file = "sample.json";
  trace_device h100;
  h100.id = 0;
  h100.name = "NVIDIA H100";
  h100.cc_major = 9;
  h100.cc_minor = 0;
  h100.sm_count = 132;
  t.devices.push_back(h100);
  trace_device second;
  second.id = 1;
  second.name = "NVIDIA A100";
  t.devices.push_back(second);

  trace_kernel gemm;
  gemm.id = 10;
  gemm.name = "_Z4gemmv";
  gemm.demangled = "gemm()";
  gemm.device = 0;
  gemm.stream = 7;
  gemm.start_ns = t0 + 1'234'567;  // 1234.567 µs after the origin t0 + 1
  gemm.end_ns = t0 + 1'244'568;    // 10.001 µs long
  gemm.grid = dim3_value{132, 2, 1};
  gemm.block = dim3_value{256, 1, 1};
  gemm.registers_per_thread = 168;
  gemm.correlation_id = 4242;
  gemm.op_id = 5;
  kernel_metrics m;
  m.flop["fp16.tensor"] = 2.0e9;  // over 10.001 µs
  m.bytes["dram"] = 4.0e6;
  gemm.metrics = m;
  t.kernels.push_back(gemm);

  trace_kernel evil;
  evil.id = 11;
  evil.name = std::string("<script>\"\\") + "\n" + "&";
  evil.device = 0;
  evil.stream = 7;
  evil.start_ns = t0 + 1'300'000;
  evil.end_ns = t0 + 1'300'999;
  kernel_estimate e;
  e.formula = "gemm";
  e.precision = "bf16";
  e.flop = 1.0e6;
  e.bytes = 3.0e3;
  e.op_id = 5;
  evil.estimate = e;
  t.kernels.push_back(evil);

  trace_kernel placeholder;
  placeholder.id = 12;
  placeholder.name = "counted";
  placeholder.device = 1;
  placeholder.stream = 7;
  placeholder.start_ns = t0 + 5;
  placeholder.collective = kernel_collective{"allreduce", 4096, 4096, 2};
  placeholder.end_ns = t0 + 6;
  placeholder.measured_times = false;
  kernel_metrics pm;
  pm.flop["fp32.cuda_core"] = 1.0e9;
  placeholder.metrics = pm;
  t.kernels.push_back(placeholder);

  trace_copy copy;
  copy.id = 20;
  copy.kind = "h2d";
  copy.device = 0;
  copy.stream = 7;
  copy.bytes = 1 << 20;
  copy.start_ns = t0 + 1'000'000;
  copy.end_ns = t0 + 1'100'000;
  copy.memory = "pinned";
  copy.correlation_id = 4000;
  t.copies.push_back(copy);

  trace_range step;  // CPU, outer
  step.id = 30;
  step.name = "ProfilerStep#3";
  step.domain = "user_annotation";
  step.thread = 321;
  step.start_ns = t0 + 1;
  step.end_ns = t0 + 2'000'000;
  t.ranges.push_back(step);
  trace_range inner = step;  // CPU, nested, same start as the outer one
  inner.id = 31;
  inner.name = "forward";
  inner.end_ns = t0 + 900'000;
  inner.depth = 1;
  t.ranges.push_back(inner);
  trace_range gpu = step;  // GPU-side annotation on stream 7
  gpu.id = 32;
  gpu.name = "forward";
  gpu.domain = "gpu_user_annotation";
  gpu.device = 0;
  gpu.thread = 7;
  gpu.start_ns = t0 + 1'234'567;
  gpu.end_ns = t0 + 1'300'999;
  gpu.depth = 0;
  t.ranges.push_back(gpu);

  trace_op op;
  op.id = 5;
  op.name = "aten::mm";
  op.thread = 321;
  op.start_ns = t0 + 100;
  op.end_ns = t0 + 800'000;
  op.inputs = interned_op_inputs(op_inputs{{{64, 32}, {32, 16}}, {"float", "float"}, {}, {}});
  t.ops.push_back(op);
  return t;
}

/// The events with `ph` and, when given, `name`.
std::vector<json> events(const json& doc, const std::string& ph, const std::string& name = "") {
  std::vector<json> out;
  for (const auto& e : doc.at("traceEvents")) {
    if (e.at("ph") == ph && (name.empty() || e.at("name") == name)) out.push_back(e);
  }
  return out;
}

std::string thread_name(const json& doc, std::int64_t tid) {
  for (const auto& e : events(doc, "M", "thread_name")) {
    if (e.at("tid") == tid) return e.at("args").at("name");
  }
  return "";
}

std::string process_name(const json& doc, std::int64_t pid) {
  for (const auto& e : events(doc, "M", "process_name")) {
    if (e.at("pid") == pid) return e.at("args").at("name");
  }
  return "";
}

TEST(perfetto_export, output_is_json_with_every_record_as_a_complete_event) {
  const std::string text = perfetto_trace_json(sample_trace());
  const json doc = json::parse(text);  // throws (fails the test) when not JSON
  EXPECT_EQ(doc.at("baseTimeNanoseconds"), 1'700'000'000'000'000'001);
  EXPECT_EQ(events(doc, "X").size(), 3u + 1u + 3u + 1u);  // kernels, copy, ranges, op
  EXPECT_EQ(events(doc, "X", "gemm()").size(), 1u);
  EXPECT_EQ(events(doc, "X", "memcpy h2d").size(), 1u);
  EXPECT_EQ(events(doc, "X", "aten::mm").size(), 1u);
  EXPECT_EQ(events(doc, "X", "forward").size(), 2u);  // CPU range and GPU annotation
}

TEST(perfetto_export, timestamps_are_microseconds_since_the_origin_to_the_nanosecond) {
  const std::string text = perfetto_trace_json(sample_trace());
  // Exact text: three decimals, relative to the earliest record (t0 + 1).
  EXPECT_NE(text.find("\"ts\":1234.566,\"dur\":10.001,"), std::string::npos) << text.substr(0, 2000);
  const json doc = json::parse(text);
  const json gemm = events(doc, "X", "gemm()").at(0);
  EXPECT_DOUBLE_EQ(gemm.at("ts").get<double>(), 1234.566);
  EXPECT_DOUBLE_EQ(gemm.at("dur").get<double>(), 10.001);
  const json copy = events(doc, "X", "memcpy h2d").at(0);
  EXPECT_DOUBLE_EQ(copy.at("ts").get<double>(), 999.999);
  EXPECT_DOUBLE_EQ(copy.at("dur").get<double>(), 100.0);
  const json step = events(doc, "X", "ProfilerStep#3").at(0);
  EXPECT_EQ(step.at("ts").get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(step.at("dur").get<double>(), 1999.999);
}

TEST(perfetto_export, gpus_are_processes_and_streams_are_threads) {
  const json doc = json::parse(perfetto_trace_json(sample_trace()));
  const json gemm = events(doc, "X", "gemm()").at(0);
  const json copy = events(doc, "X", "memcpy h2d").at(0);
  EXPECT_EQ(process_name(doc, gemm.at("pid")), "GPU 0: NVIDIA H100 (CC 9.0, 132 SMs)");
  EXPECT_EQ(thread_name(doc, gemm.at("tid")), "stream 7");
  EXPECT_EQ(copy.at("tid"), gemm.at("tid"));
  EXPECT_EQ(copy.at("cat"), "gpu_memcpy");
  EXPECT_EQ(copy.at("args").at("bytes"), 1 << 20);

  const json placeholder = events(doc, "X", "counted").at(0);
  EXPECT_EQ(process_name(doc, placeholder.at("pid")), "GPU 1: NVIDIA A100");
  EXPECT_EQ(thread_name(doc, placeholder.at("tid")), "stream 7 (times not measured)");
  EXPECT_EQ(placeholder.at("args").at("times measured"), false);
  EXPECT_EQ(placeholder.at("args").at("collective").at("name"), "allreduce");
  EXPECT_EQ(placeholder.at("args").at("collective").at("ranks"), 2);

  const json op = events(doc, "X", "aten::mm").at(0);
  EXPECT_EQ(process_name(doc, op.at("pid")), "host");
  EXPECT_EQ(thread_name(doc, op.at("tid")), "thread 321");

  // Stream 7 of GPU 0 and of GPU 1 are different threads; tids are unique and above every pid.
  std::vector<std::int64_t> tids, pids;
  for (const auto& e : events(doc, "M", "thread_name")) tids.push_back(e.at("tid"));
  for (const auto& e : events(doc, "M", "process_name")) pids.push_back(e.at("pid"));
  EXPECT_EQ(tids.size(), 4u);  // GPU0 stream 7 and its annotations, GPU1 stream 7 placeholders, host thread 321
  for (std::size_t i = 0; i < tids.size(); ++i) {
    for (std::size_t j = i + 1; j < tids.size(); ++j) EXPECT_NE(tids[i], tids[j]);
    for (auto pid : pids) EXPECT_NE(tids[i], pid);
  }
}

TEST(perfetto_export, kernel_args_carry_launch_configuration_and_ids) {
  const json doc = json::parse(perfetto_trace_json(sample_trace()));
  const json args = events(doc, "X", "gemm()").at(0).at("args");
  EXPECT_EQ(args.at("grid"), json::array({132, 2, 1}));
  EXPECT_EQ(args.at("block"), json::array({256, 1, 1}));
  EXPECT_EQ(args.at("registers per thread"), 168);
  EXPECT_EQ(args.at("correlation"), 4242);
  EXPECT_EQ(args.at("kernel id"), 10);
  EXPECT_EQ(args.at("mangled name"), "_Z4gemmv");
  EXPECT_EQ(args.at("External id"), 5);
  EXPECT_EQ(args.at("op"), "aten::mm");
  EXPECT_EQ(args.at("metrics").at("flop").at("fp16.tensor"), 2.0e9);
  const json op = events(doc, "X", "aten::mm").at(0).at("args");
  EXPECT_EQ(op.at("Input Dims"), json::parse("[[64,32],[32,16]]"));
  EXPECT_EQ(op.at("Input type"), json::parse("[\"float\",\"float\"]"));
}

TEST(perfetto_export, launches_are_args_and_flows_from_the_launching_thread) {
  trace t = sample_trace();
  const std::int64_t t0 = 1'700'000'000'000'000'000;
  t.kernels[0].launch = kernel_launch{321, t0 + 200};  // inside aten::mm on thread 321
  t.kernels[1].launch = kernel_launch{999, t0};        // a thread without ranges or ops; the earliest record
  const json doc = json::parse(perfetto_trace_json(t));
  EXPECT_EQ(doc.at("baseTimeNanoseconds"), t0);  // the launch call is the earliest record now

  const json gemm = events(doc, "X", "gemm()").at(0);
  EXPECT_EQ(gemm.at("args").at("launch").at("thread"), 321);
  EXPECT_DOUBLE_EQ(gemm.at("args").at("launch").at("ts").get<double>(), 0.2);
  const json evil = events(doc, "X", std::string("<script>\"\\") + "\n" + "&").at(0);
  EXPECT_EQ(evil.at("args").at("launch").at("thread"), 999);

  // One flow, gemm's: its start on the op's thread at the launch, its end bound to the kernel.
  const auto starts = events(doc, "s", "launch");
  const auto ends = events(doc, "f", "launch");
  ASSERT_EQ(starts.size(), 1u);
  ASSERT_EQ(ends.size(), 1u);
  const json op = events(doc, "X", "aten::mm").at(0);
  EXPECT_EQ(starts[0].at("id"), 10);
  EXPECT_EQ(starts[0].at("tid"), op.at("tid"));
  EXPECT_EQ(starts[0].at("pid"), op.at("pid"));
  EXPECT_DOUBLE_EQ(starts[0].at("ts").get<double>(), 0.2);
  EXPECT_EQ(ends[0].at("id"), 10);
  EXPECT_EQ(ends[0].at("bp"), "e");
  EXPECT_EQ(ends[0].at("tid"), gemm.at("tid"));
  EXPECT_EQ(ends[0].at("pid"), gemm.at("pid"));
  EXPECT_EQ(ends[0].at("ts"), gemm.at("ts"));
  // No launch anywhere: no flow events.
  const json plain = json::parse(perfetto_trace_json(sample_trace()));
  EXPECT_TRUE(events(plain, "s").empty());
  EXPECT_TRUE(events(plain, "f").empty());
}

TEST(perfetto_export, ranges_nest_on_their_threads_outermost_first) {
  const json doc = json::parse(perfetto_trace_json(sample_trace()));
  const json step = events(doc, "X", "ProfilerStep#3").at(0);
  const json op = events(doc, "X", "aten::mm").at(0);
  json cpu_forward, gpu_forward;
  for (const auto& e : events(doc, "X", "forward")) (e.at("cat") == "gpu_user_annotation" ? gpu_forward : cpu_forward) = e;
  // The CPU range and the op share the outer range's thread and lie inside it.
  EXPECT_EQ(cpu_forward.at("tid"), step.at("tid"));
  EXPECT_EQ(op.at("tid"), step.at("tid"));
  const auto inside = [](const json& in, const json& out) {
    const auto ts = [](const json& e) { return e.at("ts").get<double>(); };
    const auto end = [&](const json& e) { return ts(e) + e.at("dur").get<double>(); };
    return ts(in) >= ts(out) && end(in) <= end(out);
  };
  EXPECT_TRUE(inside(cpu_forward, step));
  EXPECT_TRUE(inside(op, cpu_forward));
  // Equal start: the outer range is written first, so viewers see it as the parent.
  std::vector<std::string> order;
  for (const auto& e : events(doc, "X")) {
    if (e.at("tid") == step.at("tid")) order.push_back(e.at("name"));
  }
  EXPECT_EQ(order, (std::vector<std::string>{"ProfilerStep#3", "forward", "aten::mm"}));
  // The GPU annotation is on GPU 0, on its own thread named after the stream.
  const json gemm = events(doc, "X", "gemm()").at(0);
  EXPECT_EQ(gpu_forward.at("pid"), gemm.at("pid"));
  EXPECT_EQ(thread_name(doc, gpu_forward.at("tid")), "stream 7 annotations");
  EXPECT_TRUE(inside(gemm, gpu_forward));
}

TEST(perfetto_export, names_are_escaped_and_round_trip) {
  const std::string text = perfetto_trace_json(sample_trace());
  EXPECT_NE(text.find(R"("name":"<script>\"\\\n&")"), std::string::npos);
  const json doc = json::parse(text);
  const std::string evil = std::string("<script>\"\\") + "\n" + "&";
  EXPECT_EQ(events(doc, "X", evil).size(), 1u);
}

TEST(perfetto_export, control_characters_and_invalid_utf8_stay_valid_json) {
  trace t = sample_trace();
  t.kernels[0].demangled = std::string("a\x01\x7f") + "\xff" + "b\t\xc3\xa9";  // é is valid UTF-8
  const std::string text = perfetto_trace_json(t);
  EXPECT_NE(text.find(R"("a\u0001\u007f)" "\xEF\xBF\xBD" R"(b\t)" "\xc3\xa9\""), std::string::npos);
  const json doc = json::parse(text);
  EXPECT_EQ(events(doc, "X", "a\x01\x7f\xEF\xBF\xBD" "b\t\xc3\xa9").size(), 1u);
}

TEST(perfetto_export, counters_sum_the_rates_of_running_kernels) {
  const json doc = json::parse(perfetto_trace_json(sample_trace()));
  const auto measured = events(doc, "C", "measured FLOP/s");
  ASSERT_EQ(measured.size(), 2u);  // gemm start and end; the placeholder kernel adds none
  EXPECT_DOUBLE_EQ(measured[0].at("ts").get<double>(), 1234.566);
  EXPECT_DOUBLE_EQ(measured[0].at("args").at("fp16.tensor").get<double>(), 2.0e9 / 10.001e-6);
  EXPECT_DOUBLE_EQ(measured[1].at("ts").get<double>(), 1244.567);
  EXPECT_EQ(measured[1].at("args").at("fp16.tensor").get<double>(), 0.0);
  const auto bytes = events(doc, "C", "measured bytes/s");
  ASSERT_EQ(bytes.size(), 2u);
  EXPECT_DOUBLE_EQ(bytes[0].at("args").at("dram").get<double>(), 4.0e6 / 10.001e-6);
  const auto estimated = events(doc, "C", "estimated FLOP/s");
  ASSERT_EQ(estimated.size(), 2u);
  EXPECT_DOUBLE_EQ(estimated[0].at("args").at("bf16").get<double>(), 1.0e6 / 0.999e-6);

  // Two overlapping kernels on different streams: the counter is their sum while both run.
  trace t = sample_trace();
  trace_kernel other = t.kernels[0];
  other.id = 13;
  other.stream = 8;
  other.start_ns = t.kernels[0].start_ns + 1'000;
  other.end_ns = other.start_ns + 10'001;
  t.kernels.push_back(other);
  const auto both = events(json::parse(perfetto_trace_json(t)), "C", "measured FLOP/s");
  ASSERT_EQ(both.size(), 4u);
  const double one = 2.0e9 / 10.001e-6;
  EXPECT_DOUBLE_EQ(both[1].at("args").at("fp16.tensor").get<double>(), 2 * one);
  EXPECT_DOUBLE_EQ(both[2].at("args").at("fp16.tensor").get<double>(), one);
  EXPECT_EQ(both[3].at("args").at("fp16.tensor").get<double>(), 0.0);
}

TEST(perfetto_export, top_level_keys_never_hold_arrays_before_ts) {
  // Perfetto's tokenizer scans an event's top-level keys for "ts" and "dur" and rejects an array
  // value on the way; arrays (grid, block, shapes) must stay inside "args".
  const json doc = json::parse(perfetto_trace_json(sample_trace()));
  for (const auto& e : doc.at("traceEvents")) {
    for (const auto& [key, value] : e.items()) EXPECT_FALSE(value.is_array()) << key;
  }
}

TEST(perfetto_export, partially_overlapping_kernels_of_a_stream_move_to_an_extra_thread) {
  // Recorded kernels on one stream overlap by timestamp rounding (the V100 Kineto fixture); a
  // viewer drops a slice that does not nest, so the second one gets a thread of its own.
  trace t = sample_trace();
  trace_kernel late = t.kernels[0];
  late.id = 14;
  late.demangled = "late";
  late.start_ns = t.kernels[0].end_ns - 2;  // starts 2 ns before gemm ends, ends after it
  late.end_ns = late.start_ns + 100;
  late.metrics.reset();
  t.kernels.push_back(late);
  trace_kernel after = late;  // starts once gemm has ended: back on the stream's own thread
  after.id = 15;
  after.demangled = "after";
  after.start_ns = t.kernels[0].end_ns;
  after.end_ns = after.start_ns + 10;
  t.kernels.push_back(after);
  const json doc = json::parse(perfetto_trace_json(t));
  const json gemm = events(doc, "X", "gemm()").at(0);
  const json moved = events(doc, "X", "late").at(0);
  EXPECT_EQ(moved.at("pid"), gemm.at("pid"));
  EXPECT_NE(moved.at("tid"), gemm.at("tid"));
  EXPECT_EQ(thread_name(doc, moved.at("tid")), "stream 7 (overlapping 1)");
  EXPECT_EQ(events(doc, "X", "after").at(0).at("tid"), gemm.at("tid"));
}

TEST(perfetto_export, an_empty_trace_is_an_empty_event_list) {
  trace t;
  t.source.tool = "rafter";
  const json doc = json::parse(perfetto_trace_json(t));
  EXPECT_TRUE(doc.at("traceEvents").empty());
  EXPECT_EQ(doc.at("baseTimeNanoseconds"), 0);
}

}  // namespace
}  // namespace rafter

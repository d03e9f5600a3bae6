#include "analysis/importers/kineto_importer.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <limits>
#include <map>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/file_reader.hpp"

namespace rafter {
namespace {

const std::string k_fixtures = RAFTER_SOURCE_DIR "/../shared/fixtures/kineto/";

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("rafter_kineto_test_" + std::to_string(::getpid()) + "_" + name);
}

std::filesystem::path write_file(const std::string& name, const std::string& bytes) {
  const auto path = temp_path(name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  return path;
}

std::string kernel_event(const std::string& ts, const std::string& dur, const std::string& args, const std::string& name = "k") {
  return R"({"ph": "X", "cat": "kernel", "name": ")" + name + R"(", "pid": 0, "tid": 7, "ts": )" + ts + R"(, "dur": )" + dur +
         R"(, "args": {"device": 0, "stream": 7)" + args + "}}";
}

std::string trace_json(const std::string& events, const std::string& extra = "") {
  return R"({"schemaVersion": 1, "deviceProperties": [{"id": 0, "name": "NVIDIA H100 80GB HBM3", "totalGlobalMem": 85018279936, "computeMajor": 9, "computeMinor": 0, "numSms": 132, "sharedMemPerMultiprocessor": 233472}],
  "traceEvents": [)" + events + "]" + extra + "}";
}

const trace_kernel& kernel_named(const trace& t, const std::string& name) {
  for (const auto& k : t.kernels) if (k.name == name) return k;
  throw std::runtime_error("no kernel " + name);
}

std::string import_error(const std::filesystem::path& p) {
  try {
    (void)import_kineto(p);
  } catch (const input_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(kineto_importer, converts_relative_microseconds_to_exact_epoch_nanoseconds) {
  // baseTimeNanoseconds after traceEvents (as PyTorch writes it); ts with fractional ns.
  const auto p = write_file("rel.json", trace_json(kernel_event("1428625731622.25", "18.112", ""),
                                                   R"(, "baseTimeNanoseconds": 1751410836000000000)"));
  const trace t = import_kineto(p);
  ASSERT_EQ(t.kernels.size(), 1u);
  EXPECT_EQ(t.kernels[0].start_ns, 1751410836000000000 + 1428625731622250);
  EXPECT_EQ(t.kernels[0].end_ns - t.kernels[0].start_ns, 18112);
  std::filesystem::remove(p);
}

TEST(kineto_importer, keeps_nanoseconds_of_large_absolute_timestamps) {
  // 1679055454045054.123 us has 19 significant digits: a double would round the ns away.
  const auto p = write_file("abs.json", trace_json(kernel_event("1679055454045054.123", "0.999", "")));
  const trace t = import_kineto(p);
  ASSERT_EQ(t.kernels.size(), 1u);
  EXPECT_EQ(t.kernels[0].start_ns, 1679055454045054123);
  EXPECT_EQ(t.kernels[0].end_ns, 1679055454045055122);
  std::filesystem::remove(p);
}

TEST(kineto_importer, an_external_id_copied_from_the_correlation_links_no_unrelated_op) {
  // Older Kineto traces write "External id" = correlation on runtime calls and kernels. Here that
  // number (7) is also the External id of aten::relu_, which ran long after the launch: the kernel
  // belongs to aten::uniform_, the op running on the launching thread.
  const std::string events =
      R"({"ph": "X", "cat": "cpu_op", "name": "aten::uniform_", "pid": 1, "tid": 5, "ts": 100, "dur": 50, "args": {"External id": 3}},)"
      R"({"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 5, "ts": 110, "dur": 5, "args": {"External id": 7, "correlation": 7}},)"
      R"({"ph": "X", "cat": "cpu_op", "name": "aten::relu_", "pid": 1, "tid": 5, "ts": 5000, "dur": 50, "args": {"External id": 7}},)" +
      kernel_event("200", "20", R"(, "correlation": 7, "External id": 7)", "uniform_kernel") + "," +
      // No launch call recorded: an External id equal to the correlation is not taken as an op link.
      kernel_event("300", "20", R"(, "correlation": 3, "External id": 3)", "unlaunched");
  const auto p = write_file("old_external.json", trace_json(events));
  const trace t = import_kineto(p);
  EXPECT_EQ(kernel_named(t, "uniform_kernel").op_id, 3);
  EXPECT_FALSE(kernel_named(t, "unlaunched").op_id.has_value());
  EXPECT_EQ(t.source.counters.at("external_ids_not_holding_the_launch"), 2);  // 7 (once: the call carries the same), 3
  EXPECT_EQ(t.source.counters.at("kernels_linked_by_enclosing_op"), 1);
  std::filesystem::remove(p);
}

TEST(kineto_importer, reads_kernels_copies_ranges_ops_and_devices) {
  const std::string events =
      R"({"ph": "X", "cat": "user_annotation", "name": "ProfilerStep#1", "pid": 1, "tid": 5, "ts": 100, "dur": 1000, "args": {"External id": 1}},)"
      R"({"ph": "X", "cat": "user_annotation", "name": "inner", "pid": 1, "tid": 5, "ts": 110, "dur": 10, "args": {"External id": 2}},)"
      R"({"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 1, "tid": 5, "ts": 200, "dur": 50, "args": {"External id": 10, "Input Dims": [[64, 32], [32, 16]], "Input type": ["float", "float"], "Concrete Inputs": ["", ""]}},)"
      R"({"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 5, "ts": 210, "dur": 5, "args": {"External id": 10, "correlation": 500}},)"
      R"({"ph": "X", "cat": "cpu_op", "name": "aten::add", "pid": 1, "tid": 5, "ts": 300, "dur": 50, "args": {"External id": 11}},)"
      R"({"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 5, "ts": 310, "dur": 5, "args": {"External id": 11, "correlation": 501}},)"
      R"({"ph": "X", "cat": "cpu_op", "name": "aten::relu", "pid": 1, "tid": 5, "ts": 400, "dur": 50, "args": {"External id": 12}},)"
      R"({"ph": "X", "cat": "cuda_driver", "name": "cuLaunchKernel", "pid": 1, "tid": 5, "ts": 410, "dur": 5, "args": {"correlation": 502}},)"
      R"({"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 5, "ts": 460, "dur": 5, "args": {"correlation": 503}},)"
      R"({"ph": "s", "id": 503, "pid": 1, "tid": 5, "ts": 460, "cat": "ac2g", "name": "ac2g"},)"
      R"({"ph": "f", "id": 503, "pid": 0, "tid": 7, "ts": 900, "cat": "ac2g", "name": "ac2g", "bp": "e"},)" +
      kernel_event("600", "20", R"(, "correlation": 500, "External id": 10, "registers per thread": 32, "shared memory": 1024, "grid": [4, 2, 1], "block": [128, 1, 1])", "gemm") + "," +
      kernel_event("700", "20", R"(, "correlation": 501)", "add") + "," +
      kernel_event("800", "20", R"(, "correlation": 502)", "relu") + "," +
      kernel_event("900", "20", "", "flowonly") + "," +
      R"j({"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy HtoD (Pinned -> Device)", "pid": 0, "tid": 7, "ts": 1000, "dur": 2, "args": {"device": 0, "stream": 7, "correlation": 600, "bytes": 4096}},)j"
      R"j({"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy DtoH (Device -> Pageable)", "pid": 0, "tid": 7, "ts": 1010, "dur": 2, "args": {"device": 0, "stream": 7, "bytes": 8}},)j"
      R"j({"ph": "X", "cat": "gpu_memset", "name": "Memset (Device)", "pid": 0, "tid": 7, "ts": 1020, "dur": 1, "args": {"device": 0, "stream": 7, "bytes": 4}},)j"
      R"({"ph": "X", "cat": "gpu_user_annotation", "name": "ProfilerStep#1", "pid": 0, "tid": 7, "ts": 590, "dur": 500, "args": {"External id": 1}},)"
      R"({"ph": "X", "cat": "python_function", "name": "f", "pid": 1, "tid": 5, "ts": 1, "dur": 10000, "args": {}},)"
      R"({"name": "thread_name", "ph": "M", "pid": 0, "tid": 7, "args": {"name": "stream 7"}})";
  const auto p = write_file("full.json", trace_json(events));
  const trace t = import_kineto(p);
  EXPECT_EQ(t.source.tool, "kineto");
  EXPECT_EQ(t.source.file, p.string());
  ASSERT_EQ(t.devices.size(), 1u);
  EXPECT_EQ(t.devices[0].name, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(t.devices[0].cc_major, 9);
  EXPECT_EQ(t.devices[0].sm_count, 132);
  EXPECT_EQ(t.devices[0].memory_bytes, 85018279936.0);

  ASSERT_EQ(t.kernels.size(), 4u);
  const trace_kernel& gemm = kernel_named(t, "gemm");
  EXPECT_EQ(gemm.op_id, 10);  // by the kernel's External id
  EXPECT_EQ(gemm.grid, (dim3_value{4, 2, 1}));
  EXPECT_EQ(gemm.block, (dim3_value{128, 1, 1}));
  EXPECT_EQ(gemm.registers_per_thread, 32);
  EXPECT_EQ(gemm.shared_bytes, 1024);
  EXPECT_EQ(gemm.stream, 7);
  EXPECT_EQ(gemm.correlation_id, 500);
  EXPECT_EQ(kernel_named(t, "add").op_id, 11);     // correlation -> runtime's External id
  EXPECT_EQ(kernel_named(t, "relu").op_id, 12);    // correlation -> driver call inside aten::relu
  EXPECT_EQ(kernel_named(t, "flowonly").correlation_id, 503);  // from the ac2g flow
  EXPECT_FALSE(kernel_named(t, "flowonly").op_id.has_value());  // its launch is outside every op
  // Each kernel's launch: the runtime or driver call of its correlation id (thread, start).
  const auto step = std::find_if(t.ranges.begin(), t.ranges.end(), [](const trace_range& r) { return r.name == "ProfilerStep#1" && !r.device; });
  ASSERT_NE(step, t.ranges.end());
  for (const auto& [name, ts_us] : {std::pair<const char*, std::int64_t>{"gemm", 210}, {"add", 310}, {"relu", 410}, {"flowonly", 460}}) {
    const trace_kernel& k = kernel_named(t, name);
    ASSERT_TRUE(k.launch.has_value()) << name;
    EXPECT_EQ(k.launch->thread, 5) << name;
    EXPECT_EQ(k.launch->start_ns - step->start_ns, (ts_us - 100) * 1'000) << name;  // same clock as the ranges
  }
  ASSERT_TRUE(gemm.estimate.has_value());
  EXPECT_EQ(gemm.estimate->formula, "gemm");
  EXPECT_EQ(gemm.estimate->flop, 2.0 * 64 * 16 * 32);
  EXPECT_EQ(gemm.estimate->bytes, 4.0 * (64 * 32 + 32 * 16 + 64 * 16));

  ASSERT_EQ(t.copies.size(), 3u);
  EXPECT_EQ(t.copies[0].kind, "h2d");
  EXPECT_EQ(t.copies[0].memory, "pinned");
  EXPECT_EQ(t.copies[0].bytes, 4096.0);
  EXPECT_EQ(t.copies[0].correlation_id, 600);
  EXPECT_EQ(t.copies[1].kind, "d2h");
  EXPECT_EQ(t.copies[1].memory, "pageable");
  EXPECT_EQ(t.copies[2].kind, "memset");

  ASSERT_EQ(t.ranges.size(), 3u);
  std::map<std::string, int> depth;
  for (const auto& r : t.ranges) depth[r.name + (r.device ? "@gpu" : "")] = r.depth;
  EXPECT_EQ(depth["ProfilerStep#1"], 0);
  EXPECT_EQ(depth["inner"], 1);
  EXPECT_EQ(depth["ProfilerStep#1@gpu"], 0);

  ASSERT_EQ(t.ops.size(), 3u);
  EXPECT_EQ(t.ops[0].name, "aten::mm");
  EXPECT_EQ(t.ops[0].inputs->dims, (std::vector<std::vector<std::int64_t>>{{64, 32}, {32, 16}}));
  EXPECT_EQ(t.source.counters.at("skipped_events"), 0);

  // The model it produces is valid by the schema's own reader.
  const trace again = trace_from_json(to_json(t), "x.json");
  EXPECT_EQ(to_json(again).dump(), to_json(t).dump());
  std::filesystem::remove(p);
}

TEST(kineto_importer, tensor_list_shapes_are_kept_and_place_the_concatenation) {
  // PyTorch 2.x records aten::cat's TensorList as a list of shapes, without an element type.
  const std::string events =
      R"({"ph": "X", "cat": "cpu_op", "name": "aten::cat", "pid": 1, "tid": 5, "ts": 200, "dur": 50, "args": {"External id": 10, "Input Dims": [[[1, 559, 32], [1, 559, 16]], []], "Input type": ["TensorList", "Scalar"], "Concrete Inputs": ["", "-1"]}},)"
      R"({"ph": "X", "cat": "cpu_op", "name": "aten::cat", "pid": 1, "tid": 5, "ts": 300, "dur": 50, "args": {"External id": 11, "Input Dims": [[], []], "Input type": ["TensorList", "Scalar"]}},)" +
      kernel_event("210", "20", R"(, "correlation": 500, "External id": 10)", "CatArrayBatchedCopy<ns::OpaqueType<4u>, unsigned int, 3, 64, 64>") + "," +
      kernel_event("310", "20", R"(, "correlation": 501, "External id": 11)", "CatArrayBatchedCopy<ns::OpaqueType<4u>, unsigned int, 3, 64, 64>");
  const auto p = write_file("cat.json", trace_json(events));
  const trace t = import_kineto(p);
  ASSERT_EQ(t.ops.size(), 2u);
  EXPECT_EQ(t.ops[0].inputs->dims, (std::vector<std::vector<std::int64_t>>{{}, {}}));
  EXPECT_EQ(t.ops[0].inputs->list_dims,
            (std::vector<std::vector<std::vector<std::int64_t>>>{{{1, 559, 32}, {1, 559, 16}}, {}}));
  EXPECT_TRUE(t.ops[1].inputs->list_dims.empty());  // older Kineto: no shapes, no estimate
  ASSERT_EQ(t.kernels.size(), 2u);
  ASSERT_TRUE(t.kernels[0].estimate.has_value());
  EXPECT_EQ(t.kernels[0].estimate->formula, "concat");
  EXPECT_EQ(t.kernels[0].estimate->bytes, 2.0 * 4.0 * 559 * (32 + 16));
  EXPECT_FALSE(t.kernels[1].estimate.has_value());
  EXPECT_EQ(t.source.counters.at("op_tensor_list_inputs"), 1);
  const trace again = trace_from_json(to_json(t), "x.json");
  EXPECT_EQ(to_json(again).dump(), to_json(t).dump());
  std::filesystem::remove(p);
}

TEST(kineto_importer, nccl_metadata_on_kernels_becomes_the_kernels_collective) {
  // As PyTorch 2.x records it (the A100 DDP fixture's first all-reduce kernel).
  const std::string meta = R"(, "Collective name": "allreduce", "In msg nelems": 6637568, "Out msg nelems": 6637568, "Group size": 2, "dtype": "Float", "Process Group Ranks": "[0, 1]")";
  const std::string events =
      kernel_event("100", "20", meta, "ncclKernel_AllReduce_RING_LL_Sum_float") + "," +
      kernel_event("200", "20", R"(, "Collective name": "allgather", "In msg nelems": 4, "Out msg nelems": 8, "Group size": 2, "dtype": "Quux")", "ncclKernel_AllGather") + "," +
      kernel_event("300", "20", "", "plain");
  const auto p = write_file("nccl.json", trace_json(events));
  const trace t = import_kineto(p);
  ASSERT_EQ(t.kernels.size(), 3u);
  const trace_kernel& ar = kernel_named(t, "ncclKernel_AllReduce_RING_LL_Sum_float");
  ASSERT_TRUE(ar.collective);
  EXPECT_EQ(ar.collective->name, "allreduce");
  EXPECT_EQ(ar.collective->in_bytes, 4.0 * 6637568);
  EXPECT_EQ(ar.collective->out_bytes, 4.0 * 6637568);
  EXPECT_EQ(ar.collective->ranks, 2);
  EXPECT_FALSE(kernel_named(t, "ncclKernel_AllGather").collective);  // an unknown dtype: no sizes
  EXPECT_FALSE(kernel_named(t, "plain").collective);
  EXPECT_EQ(t.source.counters.at("collectives_incomplete"), 1);
  EXPECT_NE(std::find(t.source.recorded.begin(), t.source.recorded.end(), "collectives"), t.source.recorded.end());
  const trace again = trace_from_json(to_json(t), "x.json");
  EXPECT_EQ(to_json(again).dump(), to_json(t).dump());
  std::filesystem::remove(p);
}

TEST(kineto_importer, gzip_and_plain_give_the_same_trace) {
  const std::string json = trace_json(kernel_event("100.5", "2", "") + "," + kernel_event("200", "3", "", "b"));
  const auto plain = write_file("same.json", json);
  const auto gz = write_file("same.json.gz", gzip_compress(json));
  const auto a = to_json(import_kineto(plain));
  auto b = to_json(import_kineto(gz));
  b["source"]["file"] = a["source"]["file"];
  EXPECT_EQ(a.dump(), b.dump());
  std::filesystem::remove(plain);
  std::filesystem::remove(gz);
}

TEST(kineto_importer, profiler_range_counters_become_fp32_flop) {
  const std::string counters =
      R"("smsp__sass_thread_inst_executed_op_fadd_pred_on.sum": 10, "smsp__sass_thread_inst_executed_op_fmul_pred_on.sum": 20, "smsp__sass_thread_inst_executed_op_ffma_pred_on.sum": 300,)"
      R"("smsp__sass_thread_inst_executed_op_dadd_pred_on.sum": 0, "smsp__sass_thread_inst_executed_op_dmul_pred_on.sum": 0, "smsp__sass_thread_inst_executed_op_dfma_pred_on.sum": 0,)"
      R"("smsp__sass_thread_inst_executed_op_hadd_pred_on.sum": 0, "smsp__sass_thread_inst_executed_op_hmul_pred_on.sum": 0, "smsp__sass_thread_inst_executed_op_hfma_pred_on.sum": 0)";
  const std::string events =
      R"({"ph": "X", "cat": "cpu_op", "name": "aten::addmm", "pid": 1, "tid": 1, "ts": 10, "dur": 100, "args": {"External id": 3}},)"
      R"({"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": 20, "dur": 5, "args": {"External id": 3, "correlation": 9}},)"
      R"({"ph": "X", "cat": "cuda_profiler_range", "name": "sgemm", "pid": 0, "tid": 0, "ts": 1000, "dur": 50, "args": {)" + counters + "}}";
  const auto p = write_file("counters.json", trace_json(events));
  const trace t = import_kineto(p);
  ASSERT_EQ(t.kernels.size(), 1u);
  const trace_kernel& k = t.kernels[0];
  EXPECT_FALSE(k.measured_times);
  EXPECT_EQ(k.correlation_id, 9);  // the only launch, matched by order
  EXPECT_EQ(k.op_id, 3);
  ASSERT_TRUE(k.metrics.has_value());
  EXPECT_EQ(k.metrics->raw.at("smsp__sass_thread_inst_executed_op_ffma_pred_on.sum"), 300.0);
  ASSERT_EQ(k.metrics->flop.count("fp32.cuda_core"), 1u) << "configs/ncu_metrics.json found?";
  EXPECT_EQ(k.metrics->flop.at("fp32.cuda_core"), 10.0 + 20.0 + 2.0 * 300.0);
  std::filesystem::remove(p);
}

TEST(kineto_importer, counts_recoverable_oddities_and_keeps_the_rest) {
  const std::string events = kernel_event("100", "-5", "", "negative") + "," + kernel_event("110", "NaN", "", "nan") + "," +
                             kernel_event("0", "5", "", "zero") + "," + kernel_event("120", "5", "", "bad \xff\xfe utf8") + "," +
                             kernel_event("130", "5", "", "good") + "," +
                             R"({"ph": "X", "cat": "cpu_op", "name": "a", "pid": 1, "tid": 1, "ts": 10, "dur": 1, "args": {"External id": 4}},)"
                             R"({"ph": "X", "cat": "cpu_op", "name": "b", "pid": 1, "tid": 1, "ts": 20, "dur": 1, "args": {"External id": 4}},)"
                             R"(17, "text")";
  const auto p = write_file("odd.json", trace_json(events));
  const trace t = import_kineto(p);
  ASSERT_EQ(t.kernels.size(), 2u);
  EXPECT_EQ(t.kernels[0].name, "bad \xEF\xBF\xBD\xEF\xBF\xBD utf8");
  EXPECT_EQ(t.kernels[1].name, "good");
  EXPECT_EQ(t.ops.size(), 1u);
  const auto& c = t.source.counters;
  EXPECT_EQ(c.at("skipped_negative_duration"), 1);
  EXPECT_EQ(c.at("skipped_bad_duration"), 1);
  EXPECT_EQ(c.at("skipped_zero_timestamp"), 1);
  EXPECT_EQ(c.at("invalid_utf8_events"), 1);
  EXPECT_EQ(c.at("skipped_duplicate_op_ids"), 1);
  EXPECT_EQ(c.at("skipped_non_object_events"), 2);
  EXPECT_EQ(c.count("kernels_device_from_pid"), 0u);  // every kernel names args.device
  EXPECT_EQ(c.at("skipped_events"), 6);
  std::string warnings;
  for (const auto& w : t.source.warnings) warnings += w + "\n";
  EXPECT_NE(warnings.find("1 event with a negative duration (end before start) skipped"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("invalid UTF-8"), std::string::npos) << warnings;
  std::filesystem::remove(p);
}

TEST(kineto_importer, streams_events_across_buffer_refills) {
  // ~25 MB: several 4 MiB reads, one event larger than the initial 8 MiB window.
  std::string events;
  const int n = 60000;
  for (int i = 0; i < n; ++i) {
    if (i > 0) events += ",";
    events += kernel_event(std::to_string(1000 + i) + ".5", "0.25", R"(, "correlation": )" + std::to_string(i),
                           "kernel_with_a_long_name_" + std::string(300, 'x') + std::to_string(i));
  }
  events += "," + kernel_event("999999", "1", "", std::string(9 << 20, 'y'));
  const auto plain = write_file("big.json", trace_json(events));
  const auto gz = write_file("big.json.gz", gzip_compress(trace_json(events)));
  for (const auto& p : {plain, gz}) {
    const trace t = import_kineto(p);
    ASSERT_EQ(t.kernels.size(), static_cast<std::size_t>(n + 1)) << p;
    std::int64_t sum = 0;
    for (const auto& k : t.kernels) sum += k.end_ns - k.start_ns;
    EXPECT_EQ(sum, n * 250 + 1000);
    EXPECT_EQ(t.kernels.back().name.size(), std::size_t{9} << 20);
    std::filesystem::remove(p);
  }
}

TEST(kineto_importer, strings_with_escapes_and_brackets_at_every_offset) {
  // Escaped quotes and backslashes and brackets inside names, shifted across the scanner's
  // 16-byte blocks; the JSON text of name i is pad(i) + \"}]{[ + \\ + \" .
  std::string events;
  const int n = 40;
  for (int i = 0; i < n; ++i) {
    if (i > 0) events += ",";
    events += kernel_event(std::to_string(100 + i), "1", "", std::string(static_cast<std::size_t>(i), 'a') + R"(\"}]{[\\\")");
  }
  const auto p = write_file("escapes.json", trace_json(events));
  const trace t = import_kineto(p);
  ASSERT_EQ(t.kernels.size(), static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(t.kernels[static_cast<std::size_t>(i)].name, std::string(static_cast<std::size_t>(i), 'a') + "\"}]{[\\\"");
  }
  std::filesystem::remove(p);
}

TEST(kineto_importer, strings_and_nesting_at_every_offset_of_64_byte_blocks) {
  // The scanner reads 64-byte blocks (falling back to 16-byte steps where a block has a
  // backslash): brackets inside strings, nested arrays and objects and an occasional escape,
  // shifted across every offset of a block.
  std::string events;
  const int n = 150;
  auto name_of = [](int i) {
    return std::string(static_cast<std::size_t>(i), 'a') + "}]{[" + (i % 2 == 0 ? " \"x\"" : "") + (i % 3 == 0 ? "\\" : "") +
           std::string(static_cast<std::size_t>(i % 70), 'b');
  };
  for (int i = 0; i < n; ++i) {
    if (i > 0) events += ",";
    std::string text = name_of(i);  // as JSON text: escape the quotes and the backslash
    std::string json_text;
    for (const char c : text) json_text += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
    events += kernel_event(std::to_string(100 + i), "1",
                           R"(, "correlation": )" + std::to_string(i) + R"(, "nested": [[1, {"s": "]}["}], {}, "{"])", json_text);
  }
  const auto p = write_file("blocks.json", trace_json(events));
  const trace t = import_kineto(p);
  ASSERT_EQ(t.kernels.size(), static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const auto& k = t.kernels[static_cast<std::size_t>(i)];
    EXPECT_EQ(k.name, name_of(i));
    EXPECT_EQ(k.correlation_id, i);
  }
  std::filesystem::remove(p);
}

TEST(kineto_importer, fatal_input_names_file_and_position) {
  const std::string good = trace_json(kernel_event("100", "5", ""));
  {
    const auto p = write_file("trunc.json.gz", gzip_compress(good + std::string(5000, ' ')).substr(0, 40));
    const std::string e = import_error(p);
    EXPECT_NE(e.find(p.string() + ": truncated gzip stream"), std::string::npos) << e;
    std::filesystem::remove(p);
  }
  {
    std::string bad = good;
    bad.insert(bad.find("\"dur\""), "oops ");
    const auto p = write_file("bad.json", bad);
    const std::string e = import_error(p);
    EXPECT_NE(e.find(p.string() + ": not valid JSON in traceEvents[0] at byte "), std::string::npos) << e;
    std::filesystem::remove(p);
  }
  {
    const auto p = write_file("cut.json", good.substr(0, good.size() - 10));
    const std::string e = import_error(p);
    EXPECT_NE(e.find("unexpected end of file (truncated JSON?)"), std::string::npos) << e;
    EXPECT_NE(e.find("at byte "), std::string::npos) << e;
    std::filesystem::remove(p);
  }
  {
    const auto p = write_file("noevents.json", R"({"schemaVersion": 1, "deviceProperties": []})");
    const std::string e = import_error(p);
    EXPECT_NE(e.find(p.string() + ": field 'traceEvents': missing"), std::string::npos) << e;
    std::filesystem::remove(p);
  }
  {
    const auto p = write_file("other.sqlite", std::string("SQLite format 3\0rest", 20));
    const std::string e = import_error(p);
    EXPECT_NE(e.find("not a Kineto trace"), std::string::npos) << e;
    EXPECT_NE(e.find("at byte 0"), std::string::npos) << e;
    std::filesystem::remove(p);
  }
  {
    const auto p = write_file("trailing.json", good + " {}");
    const std::string e = import_error(p);
    EXPECT_NE(e.find("unexpected data after the top-level object at byte " + std::to_string(good.size() + 1)), std::string::npos) << e;
    std::filesystem::remove(p);
  }
  {
    const auto p = write_file("empty.json", "");
    EXPECT_NE(import_error(p).find("empty file"), std::string::npos);
    std::filesystem::remove(p);
  }
}

// ---- fuzzer findings (commit 8a91da9): each input overflowed a signed 64-bit integer ----

const trace_op& op_named(const trace& t, const std::string& name) {
  for (const auto& o : t.ops) if (o.name == name) return o;
  throw std::runtime_error("no op " + name);
}

std::string cpu_op_event(const std::string& name, const std::string& tid, const std::string& ts, const std::string& args) {
  return R"({"ph": "X", "cat": "cpu_op", "name": ")" + name + R"(", "pid": 1, "tid": )" + tid + R"(, "ts": )" + ts +
         R"(, "dur": 1, "args": {)" + args + "}}";
}

TEST(kineto_importer, integers_of_19_and_more_digits_are_exact_or_absent) {
  // The fast integer reader accumulated every digit before rejecting more than 18: a 19-digit
  // value above 2^63-1 (and -2^63 itself, accumulated as +2^63) overflowed int64 (UBSan:
  // signed-integer-overflow). Such integers now fall through to simdjson: exact when they fit
  // in int64, absent (as any non-integer) when they do not.
  const std::string events =
      cpu_op_event("fits", "1", "10", R"("External id": 1234567890123456789)") + "," +
      cpu_op_event("int64_min_thread", "-9223372036854775808", "20", R"("External id": 5)") + "," +
      cpu_op_event("above_int64", "99999999999999999999", "30", R"("External id": 9999999999999999999)") + "," +
      cpu_op_event("thirty_digits", "1", "40", R"("External id": -123456789012345678901234567890)");
  const auto p = write_file("long_ints.json", trace_json(events));
  const trace t = import_kineto(p);
  ASSERT_EQ(t.ops.size(), 4u);
  EXPECT_EQ(op_named(t, "fits").id, 1234567890123456789);
  EXPECT_EQ(op_named(t, "int64_min_thread").thread, std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(op_named(t, "int64_min_thread").id, 5);
  // Out of range: no External id (rafter numbers those ops after the largest one), no thread.
  EXPECT_EQ(op_named(t, "above_int64").thread, -1);
  EXPECT_EQ(op_named(t, "above_int64").id, 1234567890123456790);
  EXPECT_EQ(op_named(t, "thirty_digits").id, 1234567890123456791);
  EXPECT_EQ(t.source.counters.at("ops_without_external_id"), 2);
  std::filesystem::remove(p);
}

TEST(kineto_importer, a_kernel_without_args_device_takes_its_pid_and_says_so) {
  const auto p = write_file("nodevice.json", trace_json(
      R"({"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 100, "dur": 5, "args": {"stream": 7}})"));
  const trace t = import_kineto(p);
  ASSERT_EQ(t.kernels.size(), 1u);
  EXPECT_EQ(t.kernels[0].device, 0);
  EXPECT_EQ(t.source.counters.at("kernels_device_from_pid"), 1);
  std::string warnings;
  for (const auto& w : t.source.warnings) warnings += w + "\n";
  EXPECT_NE(warnings.find("1 kernel has no args.device: the event's pid is taken as the device"), std::string::npos) << warnings;
  std::filesystem::remove(p);
}

TEST(kineto_importer, timestamps_overflowing_once_shifted_by_base_time_are_an_error) {
  // Timestamps are relative to baseTimeNanoseconds; the sum was not checked (UB on overflow,
  // and in practice negative epoch timestamps). The largest sum that fits is kept exactly.
  const std::int64_t max = trace::max_abs_timestamp_ns;
  {
    const auto p = write_file("base_fits.json", trace_json(kernel_event("1", "0", ""),
                                                           R"(, "baseTimeNanoseconds": )" + std::to_string(max - 1000)));
    const trace t = import_kineto(p);
    ASSERT_EQ(t.kernels.size(), 1u);
    EXPECT_EQ(t.kernels[0].start_ns, max);
    EXPECT_EQ(t.kernels[0].end_ns, max);
    std::filesystem::remove(p);
  }
  {
    const auto p = write_file("base_overflows.json", trace_json(kernel_event("1", "0", ""),
                                                                R"(, "baseTimeNanoseconds": )" + std::to_string(max - 999)));
    const std::string e = import_error(p);
    EXPECT_NE(e.find(p.string() + ": field 'baseTimeNanoseconds': timestamps leave +-2^62 ns"), std::string::npos) << e;
    std::filesystem::remove(p);
  }
  {
    // No base time: an event starting within the bound and ending beyond it blames its duration.
    const auto p = write_file("dur_overflows.json", trace_json(kernel_event(std::to_string(max / 1000 - 2), "100000000", "")));
    const std::string e = import_error(p);
    EXPECT_NE(e.find(p.string() + ": field 'dur': an event ends beyond +-2^62 ns"), std::string::npos) << e;
    std::filesystem::remove(p);
  }
  {
    // A start beyond the bound is skipped and counted, with the bound said.
    const auto p = write_file("ts_beyond.json", trace_json(kernel_event(std::to_string(max / 1000 + 5), "1", "") + "," +
                                                           kernel_event("10", "1", "")));
    const trace t = import_kineto(p);
    EXPECT_EQ(t.kernels.size(), 1u);
    std::string warnings;
    for (const auto& w : t.source.warnings) warnings += w + "\n";
    EXPECT_NE(warnings.find("1 event with a missing or non-numeric timestamp, or one beyond +-2^62 ns"), std::string::npos) << warnings;
    std::filesystem::remove(p);
  }
}

TEST(kineto_importer, external_ids_leaving_no_room_for_synthetic_op_ids_are_an_error) {
  // Ops without an External id are numbered from the largest External id + 1, which overflowed
  // past 2^63-1. One below it still leaves room for one synthetic id, not for two; 2^63-1 itself
  // is a valid id when every op has one.
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  {
    const auto p = write_file("ext_fits.json", trace_json(cpu_op_event("a", "1", "10", R"("External id": )" + std::to_string(max - 1)) +
                                                          "," + cpu_op_event("b", "1", "20", "")));
    const trace t = import_kineto(p);
    ASSERT_EQ(t.ops.size(), 2u);
    EXPECT_EQ(op_named(t, "a").id, max - 1);
    EXPECT_EQ(op_named(t, "b").id, max);
    std::filesystem::remove(p);
  }
  {
    const auto p = write_file("ext_max.json", trace_json(cpu_op_event("a", "1", "10", R"("External id": )" + std::to_string(max))));
    const trace t = import_kineto(p);
    ASSERT_EQ(t.ops.size(), 1u);
    EXPECT_EQ(op_named(t, "a").id, max);
    std::filesystem::remove(p);
  }
  {
    const auto p = write_file("ext_max_and_one.json", trace_json(cpu_op_event("a", "1", "10", R"("External id": )" + std::to_string(max)) +
                                                                 "," + cpu_op_event("b", "1", "20", "")));
    const std::string e = import_error(p);
    EXPECT_NE(e.find(p.string() + ": field 'External id': an External id of " + std::to_string(max) +
                     " leaves no room for rafter's own ids of 1 op without one"),
              std::string::npos)
        << e;
    std::filesystem::remove(p);
  }
  {
    const auto p = write_file("ext_full.json", trace_json(cpu_op_event("a", "1", "10", R"("External id": )" + std::to_string(max - 1)) +
                                                          "," + cpu_op_event("b", "1", "20", "") + "," +
                                                          cpu_op_event("c", "1", "30", "")));
    const std::string e = import_error(p);
    EXPECT_NE(e.find(p.string() + ": field 'External id': an External id of " + std::to_string(max - 1) +
                     " leaves no room for rafter's own ids of 2 ops without one"),
              std::string::npos)
        << e;
    std::filesystem::remove(p);
  }
}

// ---- real traces (facts derived independently with Python; see each test) ----

bool have_fixture(const std::string& name) { return std::filesystem::exists(k_fixtures + name); }

#define REQUIRE_FIXTURE(name)                                                                         \
  if (!have_fixture(name)) GTEST_SKIP() << "fixture " << k_fixtures << name << " is absent (../shared not present)"

struct device_time {
  std::int64_t sum = 0;
  std::int64_t kernels = 0;
};

std::map<int, device_time> kernel_time(const trace& t) {
  std::map<int, device_time> out;
  for (const auto& k : t.kernels) {
    out[k.device].sum += k.end_ns - k.start_ns;
    ++out[k.device].kernels;
  }
  return out;
}

// The numbers below were computed with python3 (json with parse_float=decimal.Decimal, gzip) on
// the fixtures: events with ph "X", ts > 0 and dur >= 0 counted by cat; ns = round(Decimal(us)
// * 1000); start = baseTimeNanoseconds (0 when absent) + ts ns; kernel device = args.device.

TEST(kineto_importer_fixtures, h100_qwen_inference) {
  REQUIRE_FIXTURE("h100_qwen1.5-0.5b_inference.json.gz");
  const trace t = import_kineto(k_fixtures + "h100_qwen1.5-0.5b_inference.json.gz");
  EXPECT_EQ(t.kernels.size(), 1465u);
  EXPECT_EQ(t.copies.size(), 1u + 241u);  // gpu_memcpy + gpu_memset
  EXPECT_EQ(t.ranges.size(), 2u);         // user_annotation + gpu_user_annotation
  EXPECT_EQ(t.ops.size(), 4186u);
  const auto time = kernel_time(t);
  ASSERT_EQ(time.size(), 1u);
  EXPECT_EQ(time.at(0).sum, 45432698);
  EXPECT_EQ(t.kernels.front().start_ns, 1752839461731622250);
  ASSERT_EQ(t.devices.size(), 1u);
  EXPECT_EQ(t.devices[0].name, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(t.source.counters.at("skipped_events"), 0);

  // Python: 48 kernels carry the External id of an aten::mm with Input Dims [[8944, 1024],
  // [1024, 2816]]; each such op launched exactly one kernel. 2 * 8944 * 2816 * 1024 = 51581550592.
  std::map<std::int64_t, const trace_op*> ops;
  for (const auto& o : t.ops) ops[o.id] = &o;
  int gemms = 0;
  for (const auto& k : t.kernels) {
    if (!k.op_id) continue;
    const trace_op* op = ops.at(*k.op_id);
    if (op->name != "aten::mm" || op->inputs->dims != std::vector<std::vector<std::int64_t>>{{8944, 1024}, {1024, 2816}}) continue;
    ++gemms;
    ASSERT_TRUE(k.estimate.has_value()) << k.name;
    EXPECT_EQ(k.estimate->formula, "gemm");
    EXPECT_EQ(k.estimate->precision, "bf16");
    EXPECT_EQ(k.estimate->flop, 51581550592.0);
    EXPECT_EQ(k.estimate->share, 1.0);
    EXPECT_EQ(k.name.rfind("sm90_xmma_gemm_bf16bf16_bf16f32", 0), 0u) << k.name;
  }
  EXPECT_EQ(gemms, 48);

  // Concatenations: the tensor list's shapes are kept and the element size comes from the
  // kernel's name (CatArrayBatchedCopy<OpaqueType<2u>, ...>). Python: the first aten::cat with
  // a launched kernel has Input Dims [[[16, 16, 559, 32], [16, 16, 559, 32]], []].
  int cats = 0;
  for (const auto& k : t.kernels) {
    if (!k.op_id || ops.at(*k.op_id)->name != "aten::cat") continue;
    const op_inputs& in = *ops.at(*k.op_id)->inputs;
    ASSERT_EQ(in.list_dims.size(), 2u);
    ASSERT_TRUE(k.estimate.has_value()) << k.name;
    EXPECT_EQ(k.estimate->formula, "concat");
    if (in.list_dims[0] == std::vector<std::vector<std::int64_t>>{{16, 16, 559, 32}, {16, 16, 559, 32}}) {
      ++cats;
      EXPECT_EQ(k.estimate->bytes, 2.0 * 2.0 * 2 * 16 * 16 * 559 * 32);
    }
  }
  EXPECT_GT(cats, 0);
}

TEST(kineto_importer_fixtures, a100_alexnet_counters_give_fp32_flop) {
  REQUIRE_FIXTURE("a100_alexnet_cupti_counters.json.gz");
  const trace t = import_kineto(k_fixtures + "a100_alexnet_cupti_counters.json.gz");
  // Python: 77 cuda_profiler_range events and no kernel events; 77 cudaLaunchKernel calls.
  ASSERT_EQ(t.kernels.size(), 77u);
  EXPECT_EQ(t.devices.size(), 8u);
  EXPECT_EQ(t.ops.size(), 375u);
  // Python: sum over ranges of fadd + fmul + 2 * ffma = 79679454712; 57 ranges are non-zero;
  // the largest is 18263449600 (the second range, named "__missing__").
  double total = 0.0;
  int nonzero = 0;
  double largest = 0.0;
  for (const auto& k : t.kernels) {
    EXPECT_FALSE(k.measured_times);
    ASSERT_TRUE(k.metrics.has_value());
    ASSERT_EQ(k.metrics->raw.size(), 9u);
    const auto it = k.metrics->flop.find("fp32.cuda_core");
    ASSERT_NE(it, k.metrics->flop.end()) << "configs/ncu_metrics.json found?";
    total += it->second;
    nonzero += it->second > 0 ? 1 : 0;
    largest = std::max(largest, it->second);
    EXPECT_TRUE(k.correlation_id.has_value());
  }
  EXPECT_EQ(total, 79679454712.0);
  EXPECT_EQ(nonzero, 57);
  EXPECT_EQ(largest, 18263449600.0);
  EXPECT_EQ(t.kernels[1].name, "__missing__");
  EXPECT_EQ(t.kernels[1].metrics->flop.at("fp32.cuda_core"), 18263449600.0);
}

TEST(kineto_importer_fixtures, a100_ddp_nccl_kernels_carry_their_collectives) {
  REQUIRE_FIXTURE("a100_ddp_nccl.json.gz");
  const trace t = import_kineto(k_fixtures + "a100_ddp_nccl.json.gz");
  // Python: 21 NCCL kernels, each with Collective name, In/Out msg nelems, Group size 2 and a
  // dtype: 15 allreduce (Float), 6 broadcast (3 Float, 3 Long).
  std::map<std::string, int> by_name;
  for (const auto& k : t.kernels) {
    if (!k.collective) continue;
    ++by_name[k.collective->name];
    EXPECT_EQ(k.collective->ranks, 2);
    EXPECT_GT(k.collective->in_bytes, 0.0);
  }
  EXPECT_EQ(by_name, (std::map<std::string, int>{{"allreduce", 15}, {"broadcast", 6}}));
  EXPECT_EQ(t.source.counters.count("collectives_incomplete"), 0u);
}

TEST(kineto_importer_fixtures, counts_and_kernel_time_of_the_other_traces) {
  struct expected {
    const char* file;
    std::size_t kernels, copies, ranges, ops;
    int device;
    std::int64_t kernel_ns;
    std::int64_t first_start_ns;
  };
  // Python as above; copies = gpu_memcpy + gpu_memset, ranges = user_annotation + gpu_user_annotation.
  const expected cases[] = {
      {"a100_ddp_nccl.json.gz", 2700, 960 + 114, 72, 14346, 0, 162532340, 1716423322422880181},
      {"a100_trace_diff_control.json.gz", 8568, 228 + 654, 288, 40506, 3, 446813000, 1661203462600478000},
      {"h100_bert-small_inference.json.gz", 60, 1, 2, 479, 0, 307197, 1752830083333430849},
      {"v100_trace_diff_test.json.gz", 9876, 4856 + 900, 288, 31236, 1, 801858000, 1661938466265584000},
  };
  int ran = 0;
  for (const auto& c : cases) {
    if (!have_fixture(c.file)) continue;
    ++ran;
    const trace t = import_kineto(k_fixtures + c.file);
    EXPECT_EQ(t.kernels.size(), c.kernels) << c.file;
    EXPECT_EQ(t.copies.size(), c.copies) << c.file;
    EXPECT_EQ(t.ranges.size(), c.ranges) << c.file;
    EXPECT_EQ(t.ops.size(), c.ops) << c.file;
    const auto time = kernel_time(t);
    ASSERT_EQ(time.size(), 1u) << c.file;
    EXPECT_EQ(time.begin()->first, c.device) << c.file;
    EXPECT_EQ(time.begin()->second.sum, c.kernel_ns) << c.file;
    ASSERT_FALSE(t.kernels.empty());
    EXPECT_EQ(t.kernels.front().start_ns, c.first_start_ns) << c.file;
  }
  if (ran == 0) GTEST_SKIP() << "fixtures in " << k_fixtures << " are absent (../shared not present)";
}

}  // namespace
}  // namespace rafter

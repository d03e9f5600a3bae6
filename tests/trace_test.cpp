#include "core/trace.hpp"

#include <cstdio>
#include <unistd.h>
#include <fstream>
#include <limits>
#include <sstream>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/file_reader.hpp"

namespace rafter {
namespace {

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("rafter_trace_test_" + std::to_string(::getpid()) + "_" + name);
}

std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

trace sample_trace() {
  trace t;
  t.source.tool = "kineto";
  t.source.version = "schemaVersion 1";
  t.source.file = "in.json";
  t.source.recorded = {"kernels", "copies", "ops"};
  t.source.not_recorded = {"kernel counters"};
  t.source.warnings = {"1 event with negative duration skipped"};
  t.source.counters["skipped_events"] = 1;
  trace_device d;
  d.id = 0;
  d.name = "NVIDIA H100 80GB HBM3";
  d.cc_major = 9;
  d.cc_minor = 0;
  d.sm_count = 132;
  d.memory_bytes = 85018279936.0;
  t.devices.push_back(d);

  trace_op op;
  op.id = 18434;
  op.name = "aten::mm";
  op.thread = 25286;
  t.ops.push_back(op);
  t.ops[0].start_ns = 1752839462371731896;  // a large absolute epoch timestamp in ns
  t.ops[0].end_ns = 1752839462371731997;
  t.ops[0].inputs = interned_op_inputs(op_inputs{{{8944, 1024}, {1024, 2816}}, {"c10::BFloat16", "c10::BFloat16"}, {"", ""}, {}});

  trace_kernel k;
  k.id = 1;
  k.name = "sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n <tile> & co";
  k.device = 0;
  k.stream = 7;
  k.start_ns = 1752839462371732001;
  k.end_ns = 1752839462371990001;
  k.grid = dim3_value{70, 22, 1};
  k.block = dim3_value{384, 1, 1};
  k.registers_per_thread = 168;
  k.shared_bytes = 213000;
  k.correlation_id = 675771;
  k.op_id = 18434;
  k.launch = kernel_launch{3113936, 1752839462371731990};
  kernel_estimate e;
  e.formula = "gemm";
  e.precision = "bf16";
  e.flop = 2.0 * 8944 * 2816 * 1024;
  e.bytes = 2.0 * (8944.0 * 1024 + 1024.0 * 2816 + 8944.0 * 2816);
  e.op_id = 18434;
  k.estimate = e;
  kernel_metrics m;
  m.flop["fp32.cuda_core"] = 2.5e9;
  m.raw["smsp__sass_thread_inst_executed_op_ffma_pred_on.sum"] = 1.25e9;
  k.metrics = m;
  t.kernels.push_back(k);
  trace_kernel k2 = k;
  k2.id = 2;
  k2.op_id.reset();
  k2.launch.reset();
  k2.estimate.reset();
  k2.metrics.reset();
  k2.measured_times = false;
  k2.start_ns = k2.end_ns;
  t.kernels.push_back(k2);

  trace_copy c;
  c.id = 3;
  c.kind = "d2h";
  c.device = 0;
  c.stream = 7;
  c.bytes = 4096;
  c.start_ns = 100;
  c.end_ns = 200;
  c.memory = "pinned";
  t.copies.push_back(c);
  trace_range r;
  r.id = 4;
  r.name = "ProfilerStep#6";
  r.domain = "user_annotation";
  r.thread = 25286;
  r.start_ns = 0;
  r.end_ns = 1000;
  r.depth = 0;
  t.ranges.push_back(r);
  r.id = 5;
  r.device = 0;
  r.depth = 1;
  t.ranges.push_back(r);
  return t;
}

TEST(trace, round_trips_through_json) {
  const trace t = sample_trace();
  const json j = to_json(t);
  EXPECT_EQ(j.at("schema"), "rafter.trace/1");
  EXPECT_EQ(j.begin().key(), "schema");
  const trace back = trace_from_json(j, "mem.json");
  EXPECT_EQ(to_json(back).dump(), j.dump());
  ASSERT_EQ(back.kernels.size(), 2u);
  EXPECT_EQ(back.kernels[0].start_ns, 1752839462371732001);  // int64 kept exactly, not via double
  EXPECT_EQ(back.kernels[0].grid, (dim3_value{70, 22, 1}));
  ASSERT_TRUE(back.kernels[0].launch);
  EXPECT_EQ(back.kernels[0].launch->thread, 3113936);
  EXPECT_EQ(back.kernels[0].launch->start_ns, 1752839462371731990);
  EXPECT_FALSE(back.kernels[1].launch);
  EXPECT_FALSE(back.kernels[1].measured_times);
  EXPECT_EQ(back.ops[0].inputs->dims[1][1], 2816);
  EXPECT_EQ(back.kernels[0].estimate->flop, 2.0 * 8944 * 2816 * 1024);
}

TEST(trace, op_inputs_round_trip_as_the_same_json_and_are_shared) {
  trace t = sample_trace();
  trace_op second = t.ops[0];  // same inputs, other id
  second.id = 18435;
  second.inputs = interned_op_inputs(op_inputs{{{8944, 1024}, {1024, 2816}}, {"c10::BFloat16", "c10::BFloat16"}, {"", ""}, {}});
  t.ops.push_back(second);
  trace_op scalars;  // only scalar arguments recorded, one of them text that needs escaping
  scalars.id = 7;
  scalars.name = "aten::sum";
  scalars.inputs = interned_op_inputs(op_inputs{{}, {}, {"[1, -1]", "True", "a \"quoted\" \\ path"}, {}});
  t.ops.push_back(scalars);
  trace_op bare;  // nothing recorded
  bare.id = 8;
  bare.name = "aten::empty";
  t.ops.push_back(bare);
  trace_op empty_shape;  // a scalar input: an empty shape is kept, not dropped
  empty_shape.id = 9;
  empty_shape.name = "aten::add";
  empty_shape.inputs = interned_op_inputs(op_inputs{{{4, 4}, {}}, {"float", "Scalar"}, {"", "1"}, {}});
  t.ops.push_back(empty_shape);
  trace_op cat;  // a tensor list with its shapes
  cat.id = 10;
  cat.name = "aten::cat";
  cat.inputs = interned_op_inputs(op_inputs{{{}, {}}, {"TensorList", "Scalar"}, {"", "-1"}, {{{1, 559, 32}, {1, 559, 32}}, {}}});
  t.ops.push_back(cat);

  const json j = to_json(t);
  EXPECT_EQ(j.at("ops").at(0).dump(),
            R"({"id":18434,"name":"aten::mm","thread":25286,"start_ns":1752839462371731896,"end_ns":1752839462371731997,)"
            R"("input_dims":[[8944,1024],[1024,2816]],"input_types":["c10::BFloat16","c10::BFloat16"],"concrete_inputs":["",""]})");
  EXPECT_EQ(j.at("ops").at(2).dump(),
            R"({"id":7,"name":"aten::sum","thread":-1,"start_ns":0,"end_ns":0,"concrete_inputs":["[1, -1]","True","a \"quoted\" \\ path"]})");
  EXPECT_EQ(j.at("ops").at(3).dump(), R"({"id":8,"name":"aten::empty","thread":-1,"start_ns":0,"end_ns":0})");
  EXPECT_EQ(j.at("ops").at(4).at("input_dims").dump(), "[[4,4],[]]");
  EXPECT_FALSE(j.at("ops").at(4).contains("input_list_dims"));
  EXPECT_EQ(j.at("ops").at(5).at("input_list_dims").dump(), "[[[1,559,32],[1,559,32]],[]]");

  const trace back = trace_from_json(j, "mem.json");
  EXPECT_EQ(to_json(back).dump(), j.dump());
  ASSERT_EQ(back.ops.size(), 6u);
  EXPECT_TRUE(back.ops[5].inputs == t.ops[5].inputs);
  EXPECT_EQ(back.ops[5].inputs->list_dims.at(0).at(1), (std::vector<std::int64_t>{1, 559, 32}));
  // A value with fewer list entries than inputs is written padded, so it reads back.
  trace short_lists = sample_trace();
  short_lists.kernels.clear();
  short_lists.ops = {t.ops[5]};
  short_lists.ops[0].inputs = interned_op_inputs(op_inputs{{{}, {}}, {"TensorList", "Scalar"}, {"", "-1"}, {{{2, 3}}}});
  EXPECT_EQ(to_json(short_lists).at("ops").at(0).at("input_list_dims").dump(), "[[[2,3]],[]]");
  EXPECT_NO_THROW((void)trace_from_json(to_json(short_lists), "short.json"));
  // The same shapes without the list are another signature.
  EXPECT_FALSE(back.ops[5].inputs == interned_op_inputs(op_inputs{{{}, {}}, {"TensorList", "Scalar"}, {"", "-1"}, {}}));
  EXPECT_TRUE(back.ops[0].inputs == back.ops[1].inputs);  // one shared signature
  EXPECT_EQ(&*back.ops[0].inputs, &*t.ops[0].inputs);     // the one the writer held
  EXPECT_FALSE(back.ops[0].inputs == back.ops[4].inputs);
  EXPECT_EQ(back.ops[2].inputs->concrete.at(2), "a \"quoted\" \\ path");
  EXPECT_TRUE(back.ops[2].inputs->dims.empty());
  EXPECT_TRUE(back.ops[3].inputs.empty());
  EXPECT_TRUE(back.ops[3].inputs == interned_op_inputs());
  EXPECT_EQ(back.ops[4].inputs->dims, (std::vector<std::vector<std::int64_t>>{{4, 4}, {}}));
  EXPECT_EQ(back.ops[4].inputs->types, (std::vector<std::string>{"float", "Scalar"}));
  EXPECT_TRUE(back.ops[0].name == back.ops[1].name);
  EXPECT_EQ(back.kernels[0].name.identity(), t.kernels[0].name.identity());
}

TEST(trace, saves_and_loads_plain_and_gzip) {
  const trace t = sample_trace();
  for (const char* name : {"t.json", "t.json.gz"}) {
    const auto path = temp_path(name);
    save_trace(path, t);
    const std::string bytes = read_bytes(path);
    const bool gz = std::string(name).size() > 7;
    ASSERT_GE(bytes.size(), 2u);
    EXPECT_EQ(bytes[0] == '\x1f' && bytes[1] == '\x8b', gz) << name;
    const trace back = load_trace(path);
    EXPECT_EQ(to_json(back).dump(), to_json(t).dump()) << name;
    std::filesystem::remove(path);
  }
}

TEST(trace, save_writes_each_kernel_as_its_json_value_dumps) {
  // save_trace writes kernels without building their JSON values: every line must be the
  // compact dump of kernel_json, byte for byte, whatever optional fields a kernel has.
  trace t = sample_trace();
  trace_kernel k = t.kernels[0];
  k.demangled = "void gemm<\"t\">(\x01 \xff)";  // escaped, a control character, invalid UTF-8
  k.static_shared_bytes = 1024;
  k.dynamic_shared_bytes = 0;
  k.graph_id = 3;
  k.graph_node_id = std::numeric_limits<std::int64_t>::max();
  k.launch = kernel_launch{-1, std::numeric_limits<std::int64_t>::min()};
  k.start_ns = -5;
  k.measured_times = false;
  k.collective = kernel_collective{"allreduce", 1e9, 1e9, 8};
  k.estimate->flop_share = 0.25;
  k.metrics->sm_clock_hz = 1.98e9;
  k.metrics->bytes["dram"] = 1.0 / 3.0;
  k.id = 10;
  t.kernels.push_back(k);
  trace_kernel bare;  // every optional field absent
  bare.id = 11;
  bare.name = "";
  bare.block = dim3_value{0, 4294967295u, 1};
  t.kernels.push_back(bare);
  const auto path = temp_path("lines.json");
  save_trace(path, t);
  const std::string text = read_bytes(path);
  std::filesystem::remove(path);
  const json doc = to_json(t);
  std::size_t at = text.find("\"kernels\": [\n");
  ASSERT_NE(at, std::string::npos);
  at += 13;
  for (std::size_t i = 0; i < t.kernels.size(); ++i) {
    const std::size_t end = text.find('\n', at);
    std::string line = text.substr(at, end - at);
    line = line.substr(line.find_first_not_of(' '));
    if (line.back() == ',') line.pop_back();
    EXPECT_EQ(line, doc["kernels"][i].dump(-1, ' ', false, json::error_handler_t::replace)) << "kernel " << i;
    at = end + 1;
  }
  EXPECT_EQ(text.substr(at, 4), "  ],");
}

TEST(trace, escapes_and_replaces_invalid_utf8_on_save) {
  trace t = sample_trace();
  t.kernels[0].name = std::string("bad \xff name \"quoted\"");
  const auto path = temp_path("utf8.json");
  save_trace(path, t);
  const trace back = load_trace(path);
  EXPECT_EQ(back.kernels[0].name, "bad \xEF\xBF\xBD name \"quoted\"");
  std::filesystem::remove(path);
}

std::string error_of(const json& j) {
  try {
    (void)trace_from_json(j, "t.json");
  } catch (const input_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(trace, validation_names_file_and_field) {
  const json good = to_json(sample_trace());
  {
    json j = good;
    j["kernels"][1]["end_ns"] = j["kernels"][1]["start_ns"].get<std::int64_t>() - 1;
    EXPECT_NE(error_of(j).find("t.json: field 'kernels[1].end_ns': end before start"), std::string::npos) << error_of(j);
  }
  {
    json j = good;
    j["kernels"][0]["start_ns"] = -9000000000000000000LL;  // its span to the other kernels would overflow int64
    EXPECT_NE(error_of(j).find("field 'kernels[0].start_ns': out of range: timestamps must lie within +-2^62 ns"),
              std::string::npos) << error_of(j);
  }
  {
    json j = good;
    j["kernels"][0]["launch"] = json{{"thread", 1}, {"start_ns", 4611686018427387905LL}};  // 2^62 + 1
    EXPECT_NE(error_of(j).find("field 'kernels[0].launch.start_ns': out of range"), std::string::npos) << error_of(j);
  }
  {
    json j = good;
    j["kernels"][1]["id"] = 1;
    EXPECT_NE(error_of(j).find("field 'kernels[1].id': duplicate id 1"), std::string::npos) << error_of(j);
  }
  {
    json j = good;
    j["kernels"][0]["device"] = 3;
    EXPECT_NE(error_of(j).find("field 'kernels[0].device': unknown device 3"), std::string::npos) << error_of(j);
  }
  {
    json j = good;
    j["kernels"][0]["op_id"] = 99;
    EXPECT_NE(error_of(j).find("field 'kernels[0].op_id': unknown op 99"), std::string::npos) << error_of(j);
  }
  {
    json j = good;
    j["kernels"][0]["grid"] = json::array({1, 0, 1});
    EXPECT_NE(error_of(j).find("field 'kernels[0].grid[1]'"), std::string::npos) << error_of(j);
  }
  {
    json j = good;
    j["copies"][0]["kind"] = "sideways";
    EXPECT_NE(error_of(j).find("field 'copies[0].kind': unknown copy kind"), std::string::npos) << error_of(j);
  }
  {
    json j = good;
    j["copies"][0]["bytes"] = -1;
    EXPECT_NE(error_of(j).find("field 'copies[0].bytes': must not be negative"), std::string::npos) << error_of(j);
  }
  {
    json j = good;
    j["kernels"][0]["start_ns"] = 1.5;
    EXPECT_NE(error_of(j).find("field 'kernels[0].start_ns': expected an integer"), std::string::npos) << error_of(j);
  }
  {
    json j = good;
    j["kernels"][0]["estimate"]["flop"] = -2;
    EXPECT_NE(error_of(j).find("field 'kernels[0].estimate.flop'"), std::string::npos) << error_of(j);
  }
  {
    json j = good;
    j["ops"][0]["input_dims"][0][0] = "x";
    EXPECT_NE(error_of(j).find("field 'ops[0].input_dims[0][0]'"), std::string::npos) << error_of(j);
  }
  {
    json j = good;
    j["ops"][0]["input_list_dims"] = json::array({json::array()});  // 1 entry for 2 inputs
    EXPECT_NE(error_of(j).find("field 'ops[0].input_list_dims': expected an array of arrays of shapes, one per input_dims entry"),
              std::string::npos)
        << error_of(j);
    j["ops"][0]["input_list_dims"] = json::parse("[[[2, -1]], []]");
    EXPECT_NE(error_of(j).find("field 'ops[0].input_list_dims[0][0][1]'"), std::string::npos) << error_of(j);
  }
  {
    json j = good;
    j["kernels"][0]["collective"] = json::parse(R"({"name": "allreduce", "in_bytes": 8, "out_bytes": 8, "ranks": 2})");
    const trace back = trace_from_json(j, "mem.json");
    ASSERT_TRUE(back.kernels[0].collective);
    EXPECT_EQ(back.kernels[0].collective->out_bytes, 8.0);
    EXPECT_EQ(to_json(back).at("kernels").at(0).at("collective"), j["kernels"][0]["collective"]);
    j["kernels"][0]["estimate"]["flop_share"] = 1.5;
    EXPECT_NE(error_of(j).find("field 'kernels[0].estimate.flop_share': must be between 0 and 1"), std::string::npos) << error_of(j);
    j["kernels"][0]["estimate"]["flop_share"] = 0.0;
    EXPECT_EQ(trace_from_json(j, "mem.json").kernels[0].estimate->flop_share, 0.0);
    j["kernels"][0]["collective"]["ranks"] = 0;
    EXPECT_NE(error_of(j).find("field 'kernels[0].collective.ranks': must be at least 1"), std::string::npos) << error_of(j);
    j["kernels"][0]["collective"]["ranks"] = 2;
    j["kernels"][0]["collective"]["in_bytes"] = -1;
    EXPECT_NE(error_of(j).find("field 'kernels[0].collective.in_bytes'"), std::string::npos) << error_of(j);
  }
  {
    json j = good;
    j.erase("kernels");
    EXPECT_NE(error_of(j).find("field 'kernels': missing required field"), std::string::npos) << error_of(j);
  }
  {
    json j = good;
    j["schema"] = "rafter.machine/1";
    EXPECT_NE(error_of(j).find("not a trace"), std::string::npos) << error_of(j);
  }
  {
    json j = good;
    j["schema"] = "rafter.trace/2";
    EXPECT_NE(error_of(j).find("unsupported major version 2"), std::string::npos) << error_of(j);
  }
}

TEST(trace, load_rejects_truncated_gzip_and_non_json) {
  const trace t = sample_trace();
  const auto gz = temp_path("trunc.json.gz");
  save_trace(gz, t);
  std::string bytes = read_bytes(gz);
  bytes.resize(bytes.size() / 2);
  {
    std::ofstream out(gz, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  try {
    (void)load_trace(gz);
    ADD_FAILURE() << "a truncated gzip file loaded";
  } catch (const input_error& e) {
    EXPECT_NE(std::string(e.what()).find("truncated gzip stream"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(gz.string()), std::string::npos) << e.what();
  }
  std::filesystem::remove(gz);

  const auto bad = temp_path("bad.json");
  {
    std::ofstream out(bad);
    out << "{\"schema\": \"rafter.trace/1\", ";
  }
  try {
    (void)load_trace(bad);
    ADD_FAILURE() << "invalid JSON loaded";
  } catch (const input_error& e) {
    EXPECT_NE(std::string(e.what()).find("not valid JSON (byte"), std::string::npos) << e.what();
  }
  std::filesystem::remove(bad);
}

}  // namespace
}  // namespace rafter

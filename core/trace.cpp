#include "core/trace.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <set>
#include <string_view>
#include <unordered_map>

#include "core/error.hpp"
#include "core/json_file.hpp"
#include "core/json_reader.hpp"
#include "core/machine_profile.hpp"
#include "core/output_file.hpp"

namespace rafter {

namespace {

constexpr std::array<std::string_view, 7> k_copy_kinds{"h2d", "d2h", "d2d", "p2p", "h2h", "memset", "other"};

// ---- writing ----

template <class T>
void put_if(json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}
void put_if(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}
void put_if(json& j, const char* key, const interned_string& v) {
  if (!v.empty()) j[key] = v;
}

json dim3_json(const dim3_value& d) { return json::array({d.x, d.y, d.z}); }

json number_map_json(const std::map<std::string, double>& m) {
  json j = json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j;
}

json metrics_json(const kernel_metrics& m) {
  json j{{"flop", number_map_json(m.flop)}, {"bytes", number_map_json(m.bytes)}, {"raw", number_map_json(m.raw)}};
  put_if(j, "sm_clock_hz", m.sm_clock_hz);
  put_if(j, "duration_s", m.duration_s);
  if (!m.uncounted_flop.empty()) j["uncounted_flop"] = m.uncounted_flop;
  return j;
}

json estimate_json(const kernel_estimate& e) {
  json j{{"formula", e.formula}, {"precision", e.precision}, {"flop", e.flop},
         {"bytes", e.bytes},     {"op_id", e.op_id},         {"share", e.share}};
  put_if(j, "flop_share", e.flop_share);
  return j;
}

json collective_json(const kernel_collective& c) {
  return json{{"name", c.name}, {"in_bytes", c.in_bytes}, {"out_bytes", c.out_bytes}, {"ranks", c.ranks}};
}

json source_json(const trace_source& s) {
  json j{{"tool", s.tool}};
  put_if(j, "version", s.version);
  put_if(j, "file", s.file);
  j["recorded"] = s.recorded;
  j["not_recorded"] = s.not_recorded;
  j["warnings"] = s.warnings;
  json counters = json::object();
  for (const auto& [k, v] : s.counters) counters[k] = v;
  j["counters"] = counters;
  return j;
}

json device_json(const trace_device& d) {
  json j{{"id", d.id}, {"name", d.name}};
  put_if(j, "cc_major", d.cc_major);
  put_if(j, "cc_minor", d.cc_minor);
  put_if(j, "sm_count", d.sm_count);
  put_if(j, "sm_clock_hz", d.sm_clock_hz);
  put_if(j, "memory_clock_hz", d.memory_clock_hz);
  put_if(j, "memory_bytes", d.memory_bytes);
  put_if(j, "memory_bus_bits", d.memory_bus_bits);
  put_if(j, "l2_bytes", d.l2_bytes);
  put_if(j, "shared_memory_per_sm_bytes", d.shared_memory_per_sm_bytes);
  return j;
}

json kernel_json(const trace_kernel& k) {
  json j{{"id", k.id}, {"name", k.name}};
  put_if(j, "demangled", k.demangled);
  j["device"] = k.device;
  j["stream"] = k.stream;
  j["start_ns"] = k.start_ns;
  j["end_ns"] = k.end_ns;
  if (!k.measured_times) j["measured_times"] = false;
  if (k.grid) j["grid"] = dim3_json(*k.grid);
  if (k.block) j["block"] = dim3_json(*k.block);
  put_if(j, "registers_per_thread", k.registers_per_thread);
  put_if(j, "static_shared_bytes", k.static_shared_bytes);
  put_if(j, "dynamic_shared_bytes", k.dynamic_shared_bytes);
  put_if(j, "shared_bytes", k.shared_bytes);
  put_if(j, "correlation_id", k.correlation_id);
  put_if(j, "graph_id", k.graph_id);
  put_if(j, "graph_node_id", k.graph_node_id);
  put_if(j, "op_id", k.op_id);
  if (k.launch) j["launch"] = json{{"thread", k.launch->thread}, {"start_ns", k.launch->start_ns}};
  if (k.metrics) j["metrics"] = metrics_json(*k.metrics);
  if (k.estimate) j["estimate"] = estimate_json(*k.estimate);
  if (k.collective) j["collective"] = collective_json(*k.collective);
  return j;
}

// One kernel as kernel_json(k).dump(-1, ' ', false, replace) writes it, byte for byte, without
// building the JSON value: integers and the interned names (escaped once per distinct name, by
// nlohmann, in `escaped`) are written directly; the rare nested objects go through nlohmann.
// A million kernels at exit: several times faster than the DOM (bench/collector_decode).
class kernel_writer {
public:
  void append(std::string& out, const trace_kernel& k) {
    out += "{\"id\":";
    number(out, k.id);
    out += ",\"name\":";
    out += escaped(k.name);
    if (!k.demangled.empty()) {
      out += ",\"demangled\":";
      out += escaped(k.demangled);
    }
    field(out, "device", k.device);
    field(out, "stream", k.stream);
    field(out, "start_ns", k.start_ns);
    field(out, "end_ns", k.end_ns);
    if (!k.measured_times) out += ",\"measured_times\":false";
    triple(out, "grid", k.grid);
    triple(out, "block", k.block);
    field(out, "registers_per_thread", k.registers_per_thread);
    field(out, "static_shared_bytes", k.static_shared_bytes);
    field(out, "dynamic_shared_bytes", k.dynamic_shared_bytes);
    field(out, "shared_bytes", k.shared_bytes);
    field(out, "correlation_id", k.correlation_id);
    field(out, "graph_id", k.graph_id);
    field(out, "graph_node_id", k.graph_node_id);
    field(out, "op_id", k.op_id);
    if (k.launch) {
      out += ",\"launch\":{\"thread\":";
      number(out, k.launch->thread);
      field(out, "start_ns", k.launch->start_ns);
      out += '}';
    }
    if (k.metrics) nested(out, "metrics", metrics_json(*k.metrics));
    if (k.estimate) nested(out, "estimate", estimate_json(*k.estimate));
    if (k.collective) nested(out, "collective", collective_json(*k.collective));
    out += '}';
  }

private:
  template <class T>
  static void number(std::string& out, T v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
  }
  template <class T>
  static void field(std::string& out, const char* key, T v) {
    out += ",\"";
    out += key;
    out += "\":";
    number(out, v);
  }
  template <class T>
  static void field(std::string& out, const char* key, const std::optional<T>& v) {
    if (v) field(out, key, *v);
  }
  static void triple(std::string& out, const char* key, const std::optional<dim3_value>& d) {
    if (!d) return;
    out += ",\"";
    out += key;
    out += "\":[";
    number(out, d->x);
    out += ',';
    number(out, d->y);
    out += ',';
    number(out, d->z);
    out += ']';
  }
  static void nested(std::string& out, const char* key, const json& value) {
    out += ",\"";
    out += key;
    out += "\":";
    out += value.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  const std::string& escaped(const interned_string& s) {
    auto [it, added] = m_escaped.try_emplace(&s.str());
    if (added) it->second = json(s.str()).dump(-1, ' ', false, json::error_handler_t::replace);
    return it->second;
  }

  std::unordered_map<const std::string*, std::string> m_escaped;  // interned text -> its JSON string
};

json copy_json(const trace_copy& c) {
  json j{{"id", c.id}, {"kind", c.kind}, {"device", c.device}, {"stream", c.stream}, {"bytes", c.bytes},
         {"start_ns", c.start_ns}, {"end_ns", c.end_ns}};
  put_if(j, "correlation_id", c.correlation_id);
  put_if(j, "memory", c.memory);
  return j;
}

json range_json(const trace_range& r) {
  json j{{"id", r.id}, {"name", r.name}};
  put_if(j, "domain", r.domain);
  j["thread"] = r.thread;
  put_if(j, "device", r.device);
  j["start_ns"] = r.start_ns;
  j["end_ns"] = r.end_ns;
  j["depth"] = r.depth;
  return j;
}

json op_json(const trace_op& o) {
  json j{{"id", o.id}, {"name", o.name}, {"thread", o.thread}, {"start_ns", o.start_ns}, {"end_ns", o.end_ns}};
  const op_inputs& in = *o.inputs;
  if (!in.dims.empty()) j["input_dims"] = in.dims;
  if (!in.types.empty()) j["input_types"] = in.types;
  if (!in.concrete.empty()) j["concrete_inputs"] = in.concrete;
  if (!in.list_dims.empty()) j["input_list_dims"] = in.list_dims;  // interning pads it to one entry per input
  put_if(j, "parent_id", o.parent_id);
  return j;
}

std::string schema_text() { return std::string(trace::schema_kind) + "/" + std::to_string(trace::schema_major); }

// ---- reading ----

std::int64_t req_int64(const json_reader& r, const std::string& key) { return r.req_integer(key); }

std::optional<std::int64_t> opt_int64(const json_reader& r, const std::string& key) {
  const auto v = r.opt_integer(key);
  if (!v) return std::nullopt;
  return static_cast<std::int64_t>(*v);
}

std::optional<std::int64_t> opt_non_negative_int64(const json_reader& r, const std::string& key) {
  const auto v = opt_int64(r, key);
  if (v && *v < 0) r.fail(key, "must not be negative, got " + std::to_string(*v));
  return v;
}

/// `key` of `r`, a timestamp within +-trace::max_abs_timestamp_ns.
std::int64_t req_timestamp(const json_reader& r, const std::string& key) {
  const std::int64_t v = req_int64(r, key);
  if (!trace::holds_timestamp(v)) r.fail(key, "out of range: timestamps must lie within +-2^62 ns (146 years), got " + std::to_string(v));
  return v;
}

void read_times(const json_reader& r, std::int64_t& start, std::int64_t& end) {
  start = req_timestamp(r, "start_ns");
  end = req_timestamp(r, "end_ns");
  if (end < start) r.fail("end_ns", "end before start (" + std::to_string(end) + " < " + std::to_string(start) + ")");
}

std::optional<dim3_value> opt_dim3(const json_reader& r, const std::string& key) {
  if (!r.has(key)) return std::nullopt;
  const json& v = r.value().at(key);
  if (!v.is_array() || v.size() != 3) r.fail(key, "expected an array of 3 positive integers [x, y, z]");
  std::array<std::uint32_t, 3> xyz{};
  for (std::size_t i = 0; i < 3; ++i) {
    const json& e = v[i];
    if (!e.is_number_integer() || e.get<long long>() < 1 || e.get<long long>() > 4294967295LL) {
      r.fail(key + "[" + std::to_string(i) + "]", "expected a positive 32-bit integer, got " + e.dump());
    }
    xyz[i] = static_cast<std::uint32_t>(e.get<long long>());
  }
  return dim3_value{xyz[0], xyz[1], xyz[2]};
}

std::map<std::string, double> read_number_map(const json_reader& r, const std::string& key, bool non_negative) {
  std::map<std::string, double> out;
  const auto obj = r.opt_object(key);
  if (!obj) return out;
  for (const auto& [k, v] : obj->value().items()) {
    out[k] = non_negative ? obj->req_non_negative(k) : obj->req_number(k);
    (void)v;
  }
  return out;
}

trace_source read_source(const json_reader& r) {
  trace_source s;
  s.tool = r.req_string("tool");
  if (s.tool.empty()) r.fail("tool", "must name the recording tool");
  s.version = r.opt_string("version").value_or("");
  s.file = r.opt_string("file").value_or("");
  s.recorded = r.opt_string_array("recorded");
  s.not_recorded = r.opt_string_array("not_recorded");
  s.warnings = r.opt_string_array("warnings");
  if (const auto counters = r.opt_object("counters")) {
    for (const auto& [k, v] : counters->value().items()) {
      (void)v;
      s.counters[k] = counters->req_integer(k);
    }
  }
  return s;
}

trace_device read_device(const json_reader& r) {
  trace_device d;
  d.id = r.req_count("id");
  d.name = r.req_string("name");
  d.cc_major = r.opt_count("cc_major");
  d.cc_minor = r.opt_count("cc_minor");
  d.sm_count = r.opt_count("sm_count");
  d.sm_clock_hz = r.opt_non_negative("sm_clock_hz");
  d.memory_clock_hz = r.opt_non_negative("memory_clock_hz");
  d.memory_bytes = r.opt_non_negative("memory_bytes");
  d.memory_bus_bits = r.opt_non_negative("memory_bus_bits");
  d.l2_bytes = r.opt_non_negative("l2_bytes");
  d.shared_memory_per_sm_bytes = r.opt_non_negative("shared_memory_per_sm_bytes");
  return d;
}

kernel_metrics read_metrics(const json_reader& r) {
  kernel_metrics m;
  m.flop = read_number_map(r, "flop", true);
  m.bytes = read_number_map(r, "bytes", true);
  m.raw = read_number_map(r, "raw", false);
  m.sm_clock_hz = r.opt_non_negative("sm_clock_hz");
  m.duration_s = r.opt_non_negative("duration_s");
  m.uncounted_flop = r.opt_string_array("uncounted_flop");
  return m;
}

kernel_estimate read_estimate(const json_reader& r) {
  kernel_estimate e;
  e.formula = r.req_string("formula");
  if (e.formula.empty()) r.fail("formula", "must name a formula of docs/metrics.md");
  e.precision = r.opt_string("precision").value_or("");
  e.flop = r.req_non_negative("flop");
  e.bytes = r.req_non_negative("bytes");
  e.op_id = req_int64(r, "op_id");
  e.share = r.opt_non_negative("share").value_or(1.0);
  if (e.share > 1.0) r.fail("share", "must be between 0 and 1");
  e.flop_share = r.opt_non_negative("flop_share");
  if (e.flop_share && *e.flop_share > 1.0) r.fail("flop_share", "must be between 0 and 1");
  return e;
}

kernel_collective read_collective(const json_reader& r) {
  kernel_collective c;
  c.name = r.req_string("name");
  if (c.name.empty()) r.fail("name", "must name the collective");
  c.in_bytes = r.req_non_negative("in_bytes");
  c.out_bytes = r.req_non_negative("out_bytes");
  c.ranks = r.req_count("ranks");
  if (c.ranks < 1) r.fail("ranks", "must be at least 1");
  return c;
}

trace_kernel read_kernel(const json_reader& r) {
  trace_kernel k;
  k.id = req_int64(r, "id");
  k.name = r.req_string("name");
  k.demangled = r.opt_string("demangled").value_or("");
  k.device = r.req_count("device");
  k.stream = r.opt_integer("stream").value_or(-1);
  read_times(r, k.start_ns, k.end_ns);
  k.measured_times = r.opt_bool("measured_times").value_or(true);
  k.grid = opt_dim3(r, "grid");
  k.block = opt_dim3(r, "block");
  k.registers_per_thread = r.opt_count("registers_per_thread");
  k.static_shared_bytes = opt_non_negative_int64(r, "static_shared_bytes");
  k.dynamic_shared_bytes = opt_non_negative_int64(r, "dynamic_shared_bytes");
  k.shared_bytes = opt_non_negative_int64(r, "shared_bytes");
  k.correlation_id = opt_int64(r, "correlation_id");
  k.graph_id = opt_int64(r, "graph_id");
  k.graph_node_id = opt_int64(r, "graph_node_id");
  k.op_id = opt_int64(r, "op_id");
  if (const auto l = r.opt_object("launch")) k.launch = kernel_launch{req_int64(*l, "thread"), req_timestamp(*l, "start_ns")};
  if (const auto m = r.opt_object("metrics")) k.metrics = read_metrics(*m);
  if (const auto e = r.opt_object("estimate")) k.estimate = read_estimate(*e);
  if (const auto c = r.opt_object("collective")) k.collective = read_collective(*c);
  return k;
}

trace_copy read_copy(const json_reader& r) {
  trace_copy c;
  c.id = req_int64(r, "id");
  c.kind = r.req_string("kind");
  bool known = false;
  std::string expected;
  for (const auto kind : k_copy_kinds) {
    known = known || c.kind == kind;
    expected += (expected.empty() ? "" : ", ") + std::string(kind);
  }
  if (!known) r.fail("kind", "unknown copy kind \"" + c.kind + "\" (expected one of " + expected + ")");
  c.device = r.req_count("device");
  c.stream = r.opt_integer("stream").value_or(-1);
  c.bytes = r.req_non_negative("bytes");
  read_times(r, c.start_ns, c.end_ns);
  c.correlation_id = opt_int64(r, "correlation_id");
  c.memory = r.opt_string("memory").value_or("");
  return c;
}

trace_range read_range(const json_reader& r) {
  trace_range x;
  x.id = req_int64(r, "id");
  x.name = r.req_string("name");
  x.domain = r.opt_string("domain").value_or("");
  x.thread = r.opt_integer("thread").value_or(-1);
  x.device = r.opt_count("device");
  read_times(r, x.start_ns, x.end_ns);
  x.depth = r.opt_count("depth").value_or(0);
  return x;
}

/// One shape: an array of non-negative integers at `at` (a field path for the error).
std::vector<std::int64_t> read_shape(const json_reader& r, const json& value, const std::string& at) {
  if (!value.is_array()) r.fail(at, "expected an array of integers");
  std::vector<std::int64_t> shape;
  for (std::size_t j = 0; j < value.size(); ++j) {
    const json& e = value[j];
    if (!e.is_number_integer() || e.get<long long>() < 0) {
      r.fail(at + "[" + std::to_string(j) + "]", "expected a non-negative integer, got " + e.dump());
    }
    shape.push_back(e.get<std::int64_t>());
  }
  return shape;
}

trace_op read_op(const json_reader& r) {
  trace_op o;
  o.id = req_int64(r, "id");
  o.name = r.req_string("name");
  o.thread = r.opt_integer("thread").value_or(-1);
  read_times(r, o.start_ns, o.end_ns);
  op_inputs in;
  if (r.has("input_dims")) {
    const json& dims = r.value().at("input_dims");
    if (!dims.is_array()) r.fail("input_dims", "expected an array of arrays of integers");
    for (std::size_t i = 0; i < dims.size(); ++i) in.dims.push_back(read_shape(r, dims[i], "input_dims[" + std::to_string(i) + "]"));
  }
  in.types = r.opt_string_array("input_types");
  in.concrete = r.opt_string_array("concrete_inputs");
  if (r.has("input_list_dims")) {
    const json& lists = r.value().at("input_list_dims");
    if (!lists.is_array() || lists.size() != in.dims.size()) {
      r.fail("input_list_dims", "expected an array of arrays of shapes, one per input_dims entry");
    }
    for (std::size_t i = 0; i < lists.size(); ++i) {
      const std::string at = "input_list_dims[" + std::to_string(i) + "]";
      if (!lists[i].is_array()) r.fail(at, "expected an array of shapes");
      auto& list = in.list_dims.emplace_back();
      for (std::size_t j = 0; j < lists[i].size(); ++j) list.push_back(read_shape(r, lists[i][j], at + "[" + std::to_string(j) + "]"));
    }
  }
  o.inputs = interned_op_inputs(in);
  o.parent_id = opt_int64(r, "parent_id");
  return o;
}

template <class T>
std::set<std::int64_t> unique_ids(const std::vector<json_reader>& readers, const std::vector<T>& items) {
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!seen.insert(items[i].id).second) readers[i].fail("id", "duplicate id " + std::to_string(items[i].id));
  }
  return seen;
}

void check_device(const json_reader& r, const std::set<std::int64_t>& devices, int device) {
  if (!devices.empty() && devices.count(device) == 0) {
    r.fail("device", "unknown device " + std::to_string(device) + " (not in devices[])");
  }
}

void check_op(const json_reader& r, const std::string& key, const std::set<std::int64_t>& ops,
              const std::optional<std::int64_t>& id) {
  if (id && ops.count(*id) == 0) r.fail(key, "unknown op " + std::to_string(*id) + " (not in ops[])");
}

// Streams `items` as a JSON array, one compact record per line; `append(text, item)` writes one.
template <class T, class F>
void append_array(output_file& out, const char* key, const std::vector<T>& items, F append, bool last) {
  std::string& text = out.text();
  text += "  \"";
  text += key;
  text += "\": [";
  for (std::size_t i = 0; i < items.size(); ++i) {
    text += i == 0 ? "\n    " : ",\n    ";
    append(text, items[i]);
    out.drain_if_full();
  }
  text += items.empty() ? "]" : "\n  ]";
  text += last ? "\n" : ",\n";
}

// An appender for append_array from a function that builds a record's JSON value.
template <class T>
auto dumped(json (*to_record)(const T&)) {
  return [to_record](std::string& out, const T& item) {
    out += to_record(item).dump(-1, ' ', false, json::error_handler_t::replace);
  };
}

}  // namespace

json to_json(const trace& t) {
  json doc;
  doc["schema"] = schema_text();
  doc["source"] = source_json(t.source);
  json devices = json::array();
  for (const auto& d : t.devices) devices.push_back(device_json(d));
  doc["devices"] = devices;
  json kernels = json::array();
  for (const auto& k : t.kernels) kernels.push_back(kernel_json(k));
  doc["kernels"] = kernels;
  json copies = json::array();
  for (const auto& c : t.copies) copies.push_back(copy_json(c));
  doc["copies"] = copies;
  json ranges = json::array();
  for (const auto& r : t.ranges) ranges.push_back(range_json(r));
  doc["ranges"] = ranges;
  json ops = json::array();
  for (const auto& o : t.ops) ops.push_back(op_json(o));
  doc["ops"] = ops;
  return doc;
}

trace trace_from_json(const json& document, const std::string& file) {
  const json_reader root(document, file, "");
  const schema_tag tag = parse_schema_tag(root.req_string("schema"), file);
  if (tag.kind != trace::schema_kind) {
    root.fail("schema", "this is a \"" + tag.kind + "\" document, not a trace (rafter.trace/1)");
  }
  if (tag.major != trace::schema_major) {
    root.fail("schema", "unsupported major version " + std::to_string(tag.major) + " (this rafter reads rafter.trace/1)");
  }
  trace t;
  t.source = read_source(root.req_object("source"));

  const auto devices = root.opt_object_array("devices");
  for (const auto& r : devices) t.devices.push_back(read_device(r));
  const auto device_ids = unique_ids(devices, t.devices);

  const auto ops = root.opt_object_array("ops");
  for (const auto& r : ops) t.ops.push_back(read_op(r));
  const auto op_ids = unique_ids(ops, t.ops);
  for (std::size_t i = 0; i < ops.size(); ++i) check_op(ops[i], "parent_id", op_ids, t.ops[i].parent_id);

  const auto kernels = root.req_object_array("kernels");
  t.kernels.reserve(kernels.size());
  for (const auto& r : kernels) t.kernels.push_back(read_kernel(r));
  unique_ids(kernels, t.kernels);
  for (std::size_t i = 0; i < kernels.size(); ++i) {
    const trace_kernel& k = t.kernels[i];
    check_device(kernels[i], device_ids, k.device);
    check_op(kernels[i], "op_id", op_ids, k.op_id);
    if (k.estimate) check_op(kernels[i], "estimate.op_id", op_ids, k.estimate->op_id);
  }

  const auto copies = root.opt_object_array("copies");
  for (const auto& r : copies) t.copies.push_back(read_copy(r));
  unique_ids(copies, t.copies);
  for (std::size_t i = 0; i < copies.size(); ++i) check_device(copies[i], device_ids, t.copies[i].device);

  const auto ranges = root.opt_object_array("ranges");
  for (const auto& r : ranges) t.ranges.push_back(read_range(r));
  unique_ids(ranges, t.ranges);
  return t;
}

trace load_trace(const std::filesystem::path& path) { return trace_from_json(read_json_file(path), path.string()); }

void save_trace(const std::filesystem::path& path, const trace& t) {
  output_file out(path);  // streamed a megabyte at a time, compressed for .gz
  std::string& text = out.text();
  text = "{\n  \"schema\": \"" + schema_text() + "\",\n  \"source\": ";
  const std::string source = source_json(t.source).dump(2, ' ', false, json::error_handler_t::replace);
  for (const char c : source) {  // indent the nested object by two spaces
    text += c;
    if (c == '\n') text += "  ";
  }
  text += ",\n";
  append_array(out, "devices", t.devices, dumped(&device_json), false);
  kernel_writer kernels;
  append_array(out, "kernels", t.kernels, [&kernels](std::string& o, const trace_kernel& k) { kernels.append(o, k); }, false);
  append_array(out, "copies", t.copies, dumped(&copy_json), false);
  append_array(out, "ranges", t.ranges, dumped(&range_json), false);
  append_array(out, "ops", t.ops, dumped(&op_json), true);
  text += "}\n";
  out.commit();
}

std::set<std::string> kernel_device_names(const trace& t) {
  std::set<int> used;
  for (const auto& k : t.kernels) used.insert(k.device);
  std::set<std::string> names;
  for (const auto& d : t.devices) {
    if (used.count(d.id) != 0 && !d.name.empty()) names.insert(d.name);
  }
  return names;
}

}  // namespace rafter

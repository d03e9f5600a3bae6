#include "core/machine_profile.hpp"

#include <algorithm>
#include <array>
#include <regex>
#include <set>
#include <span>
#include <string_view>

#include "core/error.hpp"
#include "core/json_file.hpp"
#include "core/json_reader.hpp"

namespace rafter {

namespace {

constexpr std::array<std::string_view, 16> k_precisions{
    "fp64", "fp32", "tf32", "fp16", "bf16", "fp8", "fp6", "fp4",
    "int64", "int32", "int16", "int8", "int4", "mx9", "mx6", "mx4"};
constexpr std::array<std::string_view, 5> k_units{"scalar", "vector", "tensor", "matrix",
                                                  "matrix_library"};
constexpr std::array<std::string_view, 4> k_accesses{"read", "write", "copy", "triad"};

bool is_identifier(const std::string& s) {
  static const std::regex pattern("^[a-z0-9][a-z0-9_.+-]*$");
  return std::regex_match(s, pattern);
}

template <std::size_t N>
std::string one_of(const std::array<std::string_view, N>& values) {
  std::string out;
  for (auto v : values) out += (out.empty() ? "" : ", ") + std::string(v);
  return out;
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& values, const std::string& v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

// ---- writing ----

void put_if(json& j, const char* key, const std::optional<double>& v) {
  if (v) j[key] = *v;
}
void put_if(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}

json stats_json(const sample_stats& s) {
  return json{{"median", s.median}, {"min", s.min}, {"max", s.max}, {"n", s.n}, {"settled", s.settled}};
}

// ---- reading ----

sample_stats read_stats(const json_reader& r) {
  sample_stats s;
  s.median = r.req_number("median");
  s.min = r.req_number("min");
  s.max = r.req_number("max");
  s.n = r.req_count("n");
  s.settled = r.opt_bool("settled").value_or(true);
  if (s.n < 1) r.fail("n", "must be at least 1");
  if (!(s.min <= s.median && s.median <= s.max)) r.fail("median", "must satisfy min <= median <= max");
  return s;
}

figure_source read_source(const json_reader& r) {
  const std::string s = r.req_string("source");
  if (s == "measured") return figure_source::measured;
  if (s == "datasheet") return figure_source::datasheet;
  r.fail("source", "expected \"measured\" or \"datasheet\", got \"" + s + "\"");
}

device_kind read_kind(const json_reader& r) {
  const std::string s = r.req_string("kind");
  if (s == "cpu") return device_kind::cpu;
  if (s == "gpu") return device_kind::gpu;
  if (s == "accelerator") return device_kind::accelerator;
  r.fail("kind", "expected cpu, gpu or accelerator, got \"" + s + "\"");
}

std::optional<double> positive_opt(const json_reader& r, const std::string& key) {
  const auto v = r.opt_non_negative(key);
  if (v && *v == 0.0) r.fail(key, "must be greater than zero");
  return v;
}

void check_datasheet_url(const json_reader& r, figure_source source, const std::string& url) {
  if (source == figure_source::datasheet && url.empty()) {
    r.fail("source_url", "missing: every datasheet figure names its public source");
  }
}

device_info read_device(const json_reader& r) {
  device_info d;
  d.name = r.req_string("name");
  if (d.name.empty()) r.fail("name", "must not be empty");
  d.kind = read_kind(r);
  d.vendor = r.opt_string("vendor").value_or("");
  d.architecture = r.opt_string("architecture").value_or("");
  if (const auto cu = r.opt_count("compute_units")) {
    if (*cu < 1) r.fail("compute_units", "must be at least 1");
    d.compute_units = *cu;
  }
  d.compute_unit_name = r.opt_string("compute_unit_name").value_or("");
  if (const auto clocks = r.opt_object("clocks_hz")) {
    d.base_clock_hz = positive_opt(*clocks, "base");
    d.max_clock_hz = positive_opt(*clocks, "max");
    d.measured_clock_hz = positive_opt(*clocks, "measured");
  }
  d.memory_bytes = positive_opt(r, "memory_bytes");
  d.memory_type = r.opt_string("memory_type").value_or("");
  for (const auto& c : r.opt_object_array("caches")) {
    cache_info info;
    info.level = c.req_string("level");
    info.capacity_bytes = c.req_non_negative("capacity_bytes");
    if (info.capacity_bytes == 0.0) c.fail("capacity_bytes", "must be greater than zero");
    info.instances = c.opt_count("instances").value_or(1);
    if (info.instances < 1) c.fail("instances", "must be at least 1");
    d.caches.push_back(info);
  }
  d.driver_version = r.opt_string("driver_version").value_or("");
  d.toolkit_version = r.opt_string("toolkit_version").value_or("");
  d.obtained = r.req_string("obtained");
  if (d.obtained.empty()) r.fail("obtained", "must say how the numbers were obtained");
  d.source_url = r.opt_string("source_url").value_or("");
  if (const auto env = r.opt_object("environment")) {
    for (const auto& [key, value] : env->value().items()) {
      if (!value.is_string()) env->fail(key, "expected a string, got " + json_type_name(value));
      d.environment[key] = value.get<std::string>();
    }
  }
  return d;
}

compute_ceiling read_compute(const json_reader& r) {
  compute_ceiling c;
  c.id = r.req_string("id");
  if (!is_identifier(c.id)) r.fail("id", "expected a lowercase identifier, got \"" + c.id + "\"");
  c.precision = r.req_string("precision");
  if (!contains(k_precisions, c.precision)) {
    r.fail("precision", "unknown precision \"" + c.precision + "\" (expected one of " + one_of(k_precisions) + ")");
  }
  c.unit = r.req_string("unit");
  if (!contains(k_units, c.unit)) {
    r.fail("unit", "unknown unit \"" + c.unit + "\" (expected one of " + one_of(k_units) + ")");
  }
  c.flop_per_s = r.req_non_negative("flop_per_s");
  if (c.flop_per_s == 0.0) r.fail("flop_per_s", "must be greater than zero");
  c.source = read_source(r);
  c.method = r.opt_string("method").value_or("");
  if (const auto s = r.opt_object("samples")) c.samples = read_stats(*s);
  c.clock_hz = positive_opt(r, "clock_hz");
  c.source_url = r.opt_string("source_url").value_or("");
  c.note = r.opt_string("note").value_or("");
  check_datasheet_url(r, c.source, c.source_url);
  return c;
}

memory_level read_memory(const json_reader& r) {
  memory_level m;
  m.level = r.req_string("level");
  if (!is_identifier(m.level)) r.fail("level", "expected a lowercase identifier, got \"" + m.level + "\"");
  m.read_bytes_per_s = positive_opt(r, "read_bytes_per_s");
  m.write_bytes_per_s = positive_opt(r, "write_bytes_per_s");
  m.copy_bytes_per_s = positive_opt(r, "copy_bytes_per_s");
  m.triad_bytes_per_s = positive_opt(r, "triad_bytes_per_s");
  m.latency_s = positive_opt(r, "latency_s");
  m.latency_cycles = positive_opt(r, "latency_cycles");
  m.capacity_bytes = positive_opt(r, "capacity_bytes");
  m.clock_hz = positive_opt(r, "clock_hz");
  if (!m.read_bytes_per_s && !m.write_bytes_per_s && !m.copy_bytes_per_s && !m.triad_bytes_per_s &&
      !m.latency_s) {
    r.fail("", "a memory level needs at least one bandwidth or a latency");
  }
  m.source = read_source(r);
  m.method = r.opt_string("method").value_or("");
  if (const auto samples = r.opt_object("samples")) {
    for (const auto& [key, value] : samples->value().items()) {
      if (!contains(k_accesses, key) && key != "latency") {
        samples->fail(key, "unknown sample key (expected read, write, copy, triad or latency)");
      }
      if (!value.is_object()) samples->fail(key, "expected an object, got " + json_type_name(value));
      m.samples[key] = read_stats(json_reader(value, r.file(), samples->path_of(key)));
    }
  }
  m.source_url = r.opt_string("source_url").value_or("");
  m.note = r.opt_string("note").value_or("");
  check_datasheet_url(r, m.source, m.source_url);
  return m;
}

link_ceiling read_link(const json_reader& r) {
  link_ceiling l;
  l.id = r.req_string("id");
  if (!is_identifier(l.id)) r.fail("id", "expected a lowercase identifier, got \"" + l.id + "\"");
  l.bytes_per_s = r.req_non_negative("bytes_per_s");
  l.latency_s = positive_opt(r, "latency_s");
  l.source = read_source(r);
  l.method = r.opt_string("method").value_or("");
  if (const auto s = r.opt_object("samples")) l.samples = read_stats(*s);
  l.source_url = r.opt_string("source_url").value_or("");
  l.note = r.opt_string("note").value_or("");
  check_datasheet_url(r, l.source, l.source_url);
  return l;
}

curve read_curve(const json_reader& r) {
  curve c;
  c.id = r.req_string("id");
  c.kind = r.req_string("kind");
  if (c.kind != "bandwidth" && c.kind != "latency") {
    r.fail("kind", "expected \"bandwidth\" or \"latency\", got \"" + c.kind + "\"");
  }
  c.access = r.req_string("access");
  c.y_unit = r.req_string("y_unit");
  const char* expected_unit = c.kind == "bandwidth" ? "B/s" : "s";
  if (c.y_unit != expected_unit) r.fail("y_unit", std::string("a ") + c.kind + " curve has y_unit \"" + expected_unit + "\"");
  for (const auto& p : r.req_object_array("points")) {
    curve_point point;
    point.x = p.req_non_negative("x");
    point.y = read_stats(p);
    if (point.y.min < 0.0) p.fail("min", "must not be negative");
    c.points.push_back(point);
  }
  for (const auto& p : r.opt_object_array("plateaus")) {
    plateau pl;
    pl.level = p.opt_string("level").value_or("");
    pl.x_min = p.req_non_negative("x_min");
    pl.x_max = p.req_non_negative("x_max");
    if (pl.x_max < pl.x_min) p.fail("x_max", "must not be below x_min");
    pl.value = p.req_non_negative("value");
    pl.points = p.req_count("points");
    c.plateaus.push_back(pl);
  }
  return c;
}

template <class T, class Key>
void check_unique(const std::vector<json_reader>& readers, const std::vector<T>& items, Key key,
                  const char* field) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!seen.insert(key(items[i])).second) readers[i].fail(field, "duplicate \"" + key(items[i]) + "\"");
  }
}

}  // namespace

const char* to_string(device_kind kind) noexcept {
  switch (kind) {
    case device_kind::cpu: return "cpu";
    case device_kind::gpu: return "gpu";
    case device_kind::accelerator: return "accelerator";
  }
  return "cpu";
}

const char* to_string(figure_source source) noexcept {
  return source == figure_source::measured ? "measured" : "datasheet";
}

bool compute_ceiling::on_matrix_units() const noexcept {
  return unit == "tensor" || unit == "matrix" || unit == "matrix_library";
}

bool compute_ceiling::on_vector_units() const noexcept { return unit == "vector" || unit == "scalar"; }

std::optional<double> memory_level::roofline_bytes_per_s() const noexcept {
  if (read_bytes_per_s) return read_bytes_per_s;
  if (copy_bytes_per_s) return copy_bytes_per_s;
  if (triad_bytes_per_s) return triad_bytes_per_s;
  return write_bytes_per_s;
}

double link_ceiling::one_direction_bytes_per_s() const noexcept {
  return note.rfind(k_bidirectional_aggregate, 0) == 0 ? bytes_per_s / 2 : bytes_per_s;
}

const memory_level* machine_profile::find_memory(const std::string& level) const noexcept {
  for (const auto& m : memory) if (m.level == level) return &m;
  return nullptr;
}

const compute_ceiling* machine_profile::find_compute(const std::string& id) const noexcept {
  for (const auto& c : compute) if (c.id == id) return &c;
  return nullptr;
}

const link_ceiling* machine_profile::link_for_copy(std::string_view kind) const noexcept {
  static constexpr std::string_view h2d[] = {"h2d_pinned", "h2d", "pcie"};
  static constexpr std::string_view d2h[] = {"d2h_pinned", "d2h", "pcie"};
  static constexpr std::string_view p2p[] = {"p2p", "p2p_*", "nvlink", "infinity_fabric"};
  std::span<const std::string_view> wanted;
  if (kind == "h2d") wanted = h2d;
  else if (kind == "d2h") wanted = d2h;
  else if (kind == "p2p") wanted = p2p;
  for (const auto id : wanted) {
    const link_ceiling* best = nullptr;
    for (const auto& l : links) {
      if (!(l.bytes_per_s > 0.0)) continue;
      const bool match = id == "p2p_*" ? l.id.starts_with("p2p_") : l.id == id;
      if (match && (best == nullptr || l.one_direction_bytes_per_s() > best->one_direction_bytes_per_s())) best = &l;
    }
    if (best != nullptr) return best;
  }
  return nullptr;
}

schema_tag parse_schema_tag(const std::string& text, const std::string& file) {
  static const std::regex pattern(R"(^(rafter\.[a-z_]+)/([1-9][0-9]{0,5})$)");
  std::smatch m;
  if (!std::regex_match(text, m, pattern)) {
    throw input_error(file, "schema", "expected \"rafter.<kind>/<major>\", got \"" + text + "\"");
  }
  return schema_tag{m[1].str(), std::stoi(m[2].str())};
}

json to_json(const machine_profile& p) {
  json doc;
  doc["schema"] = std::string(machine_profile::schema_kind) + "/" + std::to_string(machine_profile::schema_major);
  json gen{{"tool", p.generator.tool}};
  put_if(gen, "version", p.generator.version);
  put_if(gen, "command", p.generator.command);
  put_if(gen, "created_utc", p.generator.created_utc);
  doc["generator"] = gen;

  const device_info& d = p.device;
  json dev{{"name", d.name}, {"kind", to_string(d.kind)}};
  put_if(dev, "vendor", d.vendor);
  put_if(dev, "architecture", d.architecture);
  if (d.compute_units) dev["compute_units"] = *d.compute_units;
  put_if(dev, "compute_unit_name", d.compute_unit_name);
  if (d.base_clock_hz || d.max_clock_hz || d.measured_clock_hz) {
    json clocks = json::object();
    put_if(clocks, "base", d.base_clock_hz);
    put_if(clocks, "max", d.max_clock_hz);
    put_if(clocks, "measured", d.measured_clock_hz);
    dev["clocks_hz"] = clocks;
  }
  put_if(dev, "memory_bytes", d.memory_bytes);
  put_if(dev, "memory_type", d.memory_type);
  if (!d.caches.empty()) {
    json caches = json::array();
    for (const auto& c : d.caches) {
      caches.push_back({{"level", c.level}, {"capacity_bytes", c.capacity_bytes}, {"instances", c.instances}});
    }
    dev["caches"] = caches;
  }
  put_if(dev, "driver_version", d.driver_version);
  put_if(dev, "toolkit_version", d.toolkit_version);
  dev["obtained"] = d.obtained;
  put_if(dev, "source_url", d.source_url);
  if (!d.environment.empty()) {
    json env = json::object();
    for (const auto& [k, v] : d.environment) env[k] = v;
    dev["environment"] = env;
  }
  doc["device"] = dev;

  json compute = json::array();
  for (const auto& c : p.compute) {
    json j{{"id", c.id}, {"precision", c.precision}, {"unit", c.unit}, {"flop_per_s", c.flop_per_s},
           {"source", to_string(c.source)}};
    put_if(j, "method", c.method);
    if (c.samples) j["samples"] = stats_json(*c.samples);
    put_if(j, "clock_hz", c.clock_hz);
    put_if(j, "source_url", c.source_url);
    put_if(j, "note", c.note);
    compute.push_back(j);
  }
  doc["compute"] = compute;

  json memory = json::array();
  for (const auto& m : p.memory) {
    json j{{"level", m.level}};
    put_if(j, "read_bytes_per_s", m.read_bytes_per_s);
    put_if(j, "write_bytes_per_s", m.write_bytes_per_s);
    put_if(j, "copy_bytes_per_s", m.copy_bytes_per_s);
    put_if(j, "triad_bytes_per_s", m.triad_bytes_per_s);
    put_if(j, "latency_s", m.latency_s);
    put_if(j, "latency_cycles", m.latency_cycles);
    put_if(j, "capacity_bytes", m.capacity_bytes);
    put_if(j, "clock_hz", m.clock_hz);
    j["source"] = to_string(m.source);
    put_if(j, "method", m.method);
    if (!m.samples.empty()) {
      json s = json::object();
      for (const auto& [k, v] : m.samples) s[k] = stats_json(v);
      j["samples"] = s;
    }
    put_if(j, "source_url", m.source_url);
    put_if(j, "note", m.note);
    memory.push_back(j);
  }
  doc["memory"] = memory;

  json links = json::array();
  for (const auto& l : p.links) {
    json j{{"id", l.id}, {"bytes_per_s", l.bytes_per_s}};
    put_if(j, "latency_s", l.latency_s);
    j["source"] = to_string(l.source);
    put_if(j, "method", l.method);
    if (l.samples) j["samples"] = stats_json(*l.samples);
    put_if(j, "source_url", l.source_url);
    put_if(j, "note", l.note);
    links.push_back(j);
  }
  doc["links"] = links;

  json curves = json::array();
  for (const auto& c : p.curves) {
    json points = json::array();
    for (const auto& pt : c.points) {
      json pj = stats_json(pt.y);
      json ordered{{"x", pt.x}};
      for (auto& [k, v] : pj.items()) ordered[k] = v;
      points.push_back(ordered);
    }
    json plateaus = json::array();
    for (const auto& pl : c.plateaus) {
      plateaus.push_back({{"level", pl.level}, {"x_min", pl.x_min}, {"x_max", pl.x_max},
                          {"value", pl.value}, {"points", pl.points}});
    }
    curves.push_back({{"id", c.id}, {"kind", c.kind}, {"access", c.access}, {"y_unit", c.y_unit},
                      {"points", points}, {"plateaus", plateaus}});
  }
  doc["curves"] = curves;
  doc["warnings"] = p.warnings;
  return doc;
}

machine_profile machine_profile_from_json(const json& document, const std::string& file) {
  const json_reader root(document, file, "");
  if (document.is_object() && !document.contains("schema") && document.contains("traceEvents")) {
    root.fail("schema", "missing: this is a Chrome/Kineto trace (traceEvents), not a machine profile (rafter.machine/1)");
  }
  const schema_tag tag = parse_schema_tag(root.req_string("schema"), file);
  if (tag.kind != machine_profile::schema_kind) {
    root.fail("schema", "this is a \"" + tag.kind + "\" document, not a machine profile (rafter.machine/1)");
  }
  if (tag.major != machine_profile::schema_major) {
    root.fail("schema", "unsupported major version " + std::to_string(tag.major) +
                            " (this rafter reads rafter.machine/1)");
  }
  machine_profile p;
  if (const auto gen = root.opt_object("generator")) {
    p.generator.tool = gen->opt_string("tool").value_or("rafter");
    p.generator.version = gen->opt_string("version").value_or("");
    p.generator.command = gen->opt_string("command").value_or("");
    p.generator.created_utc = gen->opt_string("created_utc").value_or("");
  }
  p.device = read_device(root.req_object("device"));

  const auto compute = root.req_object_array("compute");
  for (const auto& r : compute) p.compute.push_back(read_compute(r));
  check_unique(compute, p.compute, [](const compute_ceiling& c) { return c.id; }, "id");

  const auto memory = root.req_object_array("memory");
  for (const auto& r : memory) p.memory.push_back(read_memory(r));
  check_unique(memory, p.memory, [](const memory_level& m) { return m.level; }, "level");

  const auto links = root.opt_object_array("links");
  for (const auto& r : links) p.links.push_back(read_link(r));
  check_unique(links, p.links, [](const link_ceiling& l) { return l.id; }, "id");

  const auto curves = root.opt_object_array("curves");
  for (const auto& r : curves) p.curves.push_back(read_curve(r));
  check_unique(curves, p.curves, [](const curve& c) { return c.id; }, "id");

  p.warnings = root.opt_string_array("warnings");
  return p;
}

machine_profile load_machine_profile(const std::filesystem::path& path) {
  // gzip decompressed as traces are, so a trace given as a profile is recognised and said.
  return machine_profile_from_json(read_json_file(path), path.string());
}

void save_machine_profile(const std::filesystem::path& path, const machine_profile& profile) {
  write_json_file(path, to_json(profile));
}

}  // namespace rafter

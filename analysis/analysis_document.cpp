#include "analysis/analysis_document.hpp"

#include <cmath>
#include <limits>

#include "core/atomic_file.hpp"
#include "core/json_file.hpp"
#include "core/json_reader.hpp"

namespace rafter {

namespace {

void put(json& j, const char* key, const std::optional<double>& v) {
  if (v) j[key] = *v;
}
void put(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}

json dim3_json(const dim3_value& d) { return json::array({d.x, d.y, d.z}); }

std::optional<dim3_value> read_dim3(const json_reader& r, const std::string& key) {
  if (!r.has(key)) return std::nullopt;
  const json& v = r.value().at(key);
  if (!v.is_array() || v.size() != 3) r.fail(key, "expected an array of 3 integers");
  dim3_value d;
  std::uint32_t* out[3] = {&d.x, &d.y, &d.z};
  for (std::size_t i = 0; i < 3; ++i) {
    if (!v[i].is_number_integer() || v[i].get<long long>() < 1 || v[i].get<long long>() > 0xffffffffLL) {
      r.fail(key, "expected an array of 3 integers >= 1");
    }
    *out[i] = static_cast<std::uint32_t>(v[i].get<long long>());
  }
  return d;
}

figure_source read_source(const json_reader& r, const std::string& key) {
  const std::string s = r.req_string(key);
  if (s == "measured") return figure_source::measured;
  if (s == "datasheet") return figure_source::datasheet;
  r.fail(key, "expected \"measured\" or \"datasheet\", got \"" + s + "\"");
}

json ceiling_json(const ceiling_entry& c, bool compute) {
  json j;
  j["id"] = c.id;
  if (compute) {
    j["precision"] = c.precision;
    j["unit"] = c.unit;
    j["flop_per_s"] = c.per_s;
  } else {
    j["bytes_per_s"] = c.per_s;
  }
  j["source"] = to_string(c.source);
  put(j, "note", c.note);
  return j;
}

ceiling_entry read_ceiling(const json_reader& r, bool compute) {
  ceiling_entry c;
  c.id = r.req_string("id");
  if (compute) {
    c.precision = r.req_string("precision");
    c.unit = r.req_string("unit");
    c.per_s = r.req_non_negative("flop_per_s");
  } else {
    c.per_s = r.req_non_negative("bytes_per_s");
  }
  c.source = read_source(r, "source");
  c.note = r.opt_string("note").value_or("");
  return c;
}

kernel_class read_class(const json_reader& r, const std::string& key) {
  const std::string s = r.req_string(key);
  const auto c = kernel_class_from_string(s);
  if (!c) r.fail(key, "unknown kernel class \"" + s + "\"");
  return *c;
}

json group_json(const kernel_group& g) {
  json j;
  j["id"] = g.id;
  j["name"] = g.name;
  put(j, "demangled", g.demangled);
  if (g.grid) j["grid"] = dim3_json(*g.grid);
  if (g.block) j["block"] = dim3_json(*g.block);
  j["class"] = to_string(g.cls);
  j["count"] = g.count;
  j["total_s"] = g.total_s;
  j["mean_s"] = g.mean_s;
  j["min_s"] = g.min_s;
  j["max_s"] = g.max_s;
  j["mean_gap_before_s"] = g.mean_gap_before_s;
  j["work"] = to_string(g.work);
  j["work_count"] = g.work_count;
  j["work_time_s"] = g.work_time_s;
  put(j, "estimate_formula", g.estimate_formula);
  j["flop"] = g.flop;
  j["flop_by_kind"] = json::object();
  for (const auto& [k, v] : g.flop_by_kind) j["flop_by_kind"][k] = v;
  put(j, "precision", g.precision);
  put(j, "pipe", g.pipe);
  j["pipe_assumed"] = g.pipe_assumed;
  put(j, "compute_ceiling", g.compute_ceiling);
  put(j, "compute_ceiling_flop_per_s", g.compute_ceiling_flop_per_s);
  put(j, "achieved_flop_per_s", g.achieved_flop_per_s);
  put(j, "compute_fraction", g.compute_fraction);
  j["levels"] = json::array();
  for (const auto& l : g.levels) {
    json lj;
    lj["level"] = l.level;
    lj["bytes"] = l.bytes;
    put(lj, "arithmetic_intensity", l.arithmetic_intensity);
    put(lj, "achieved_bytes_per_s", l.achieved_bytes_per_s);
    put(lj, "bytes_per_s_ceiling", l.bytes_per_s_ceiling);
    put(lj, "attainable_flop_per_s", l.attainable_flop_per_s);
    put(lj, "fraction_of_bandwidth", l.fraction_of_bandwidth);
    j["levels"].push_back(std::move(lj));
  }
  put(j, "attainable_flop_per_s", g.attainable_flop_per_s);
  put(j, "binding", g.binding);
  put(j, "memory_fraction", g.memory_fraction);
  put(j, "memory_level", g.memory_level);
  if (g.collective_count > 0) {
    j["collective"] = g.collective;
    j["collective_count"] = g.collective_count;
    put(j, "bus_bytes_per_s", g.bus_bytes_per_s);
    put(j, "link_ceiling", g.link_ceiling);
    put(j, "link_ceiling_bytes_per_s", g.link_ceiling_bytes_per_s);
    put(j, "link_fraction", g.link_fraction);
  }
  json lim;
  lim["kind"] = to_string(g.limiter.kind);
  put(lim, "detail", g.limiter.detail);
  lim["rule"] = g.limiter.rule;
  j["limiter"] = std::move(lim);
  put(j, "roof_time_s", g.roof_time_s);
  put(j, "opportunity_s", g.opportunity_s);
  j["flags"] = g.flags;
  return j;
}

kernel_group read_group(const json_reader& r) {
  kernel_group g;
  g.id = r.req_integer("id");
  g.name = r.req_string("name");
  g.demangled = r.opt_string("demangled").value_or("");
  g.grid = read_dim3(r, "grid");
  g.block = read_dim3(r, "block");
  g.cls = read_class(r, "class");
  g.count = r.req_integer("count");
  g.total_s = r.req_non_negative("total_s");
  g.mean_s = r.req_non_negative("mean_s");
  g.min_s = r.req_non_negative("min_s");
  g.max_s = r.req_non_negative("max_s");
  g.mean_gap_before_s = r.req_non_negative("mean_gap_before_s");
  const std::string work = r.req_string("work");
  const auto ws = work_source_from_string(work);
  if (!ws) r.fail("work", "expected \"measured\", \"estimate\" or \"none\", got \"" + work + "\"");
  g.work = *ws;
  g.work_count = r.req_integer("work_count");
  g.work_time_s = r.req_non_negative("work_time_s");
  g.estimate_formula = r.opt_string("estimate_formula").value_or("");
  g.flop = r.req_number("flop");
  if (const auto fk = r.opt_object("flop_by_kind")) {
    for (const auto& [k, v] : fk->value().items()) g.flop_by_kind[k] = fk->req_number(k);
  }
  g.precision = r.opt_string("precision").value_or("");
  g.pipe = r.opt_string("pipe").value_or("");
  g.pipe_assumed = r.opt_bool("pipe_assumed").value_or(false);
  g.compute_ceiling = r.opt_string("compute_ceiling").value_or("");
  g.compute_ceiling_flop_per_s = r.opt_non_negative("compute_ceiling_flop_per_s");
  g.achieved_flop_per_s = r.opt_number("achieved_flop_per_s");
  g.compute_fraction = r.opt_number("compute_fraction");
  for (const json_reader& lr : r.opt_object_array("levels")) {
    level_placement l;
    l.level = lr.req_string("level");
    l.bytes = lr.req_number("bytes");
    l.arithmetic_intensity = lr.opt_number("arithmetic_intensity");
    l.achieved_bytes_per_s = lr.opt_number("achieved_bytes_per_s");
    l.bytes_per_s_ceiling = lr.opt_non_negative("bytes_per_s_ceiling");
    l.attainable_flop_per_s = lr.opt_number("attainable_flop_per_s");
    l.fraction_of_bandwidth = lr.opt_number("fraction_of_bandwidth");
    g.levels.push_back(std::move(l));
  }
  g.attainable_flop_per_s = r.opt_number("attainable_flop_per_s");
  g.binding = r.opt_string("binding").value_or("");
  g.memory_fraction = r.opt_number("memory_fraction");
  g.memory_level = r.opt_string("memory_level").value_or("");
  g.collective = r.opt_string("collective").value_or("");
  g.collective_count = r.opt_integer("collective_count").value_or(0);
  if (g.collective_count < 0) r.fail("collective_count", "must be >= 0");
  g.bus_bytes_per_s = r.opt_non_negative("bus_bytes_per_s");
  g.link_ceiling = r.opt_string("link_ceiling").value_or("");
  g.link_ceiling_bytes_per_s = r.opt_non_negative("link_ceiling_bytes_per_s");
  g.link_fraction = r.opt_non_negative("link_fraction");
  const json_reader lim = r.req_object("limiter");
  const std::string kind = lim.req_string("kind");
  const auto lk = limiter_kind_from_string(kind);
  if (!lk) lim.fail("kind", "unknown limiter \"" + kind + "\"");
  g.limiter.kind = *lk;
  g.limiter.detail = lim.opt_string("detail").value_or("");
  g.limiter.rule = lim.req_string("rule");
  g.roof_time_s = r.opt_non_negative("roof_time_s");
  g.opportunity_s = r.opt_non_negative("opportunity_s");
  g.flags = r.opt_string_array("flags");
  return g;
}

json device_json(const device_summary& d) {
  json j;
  j["device"] = d.device;
  j["name"] = d.name;
  j["kernels"] = d.kernels;
  j["copies"] = d.copies;
  j["start_ns"] = d.start_ns;
  j["end_ns"] = d.end_ns;
  j["span_s"] = d.span_s;
  j["busy_s"] = d.busy_s;
  j["kernel_busy_s"] = d.kernel_busy_s;
  j["idle_s"] = d.idle_s;
  j["kernel_time_s"] = d.kernel_time_s;
  j["concurrent_s"] = d.concurrent_s;
  j["max_concurrency"] = d.max_concurrency;
  j["gaps"] = d.gaps;
  j["gap_total_s"] = d.gap_total_s;
  j["gap_histogram"] = json::array();
  for (const auto& b : d.gap_histogram) {
    json bj;
    bj["min_s"] = b.min_s;
    bj["max_s"] = std::isfinite(b.max_s) ? json(b.max_s) : json(nullptr);
    bj["count"] = b.count;
    bj["total_s"] = b.total_s;
    j["gap_histogram"].push_back(std::move(bj));
  }
  j["timeline"] = json::array();
  for (const auto& t : d.timeline) {
    j["timeline"].push_back(json::array({t.busy_fraction, t.dominant_class}));
  }
  return j;
}

device_summary read_device(const json_reader& r) {
  device_summary d;
  d.device = static_cast<int>(r.req_integer("device"));
  d.name = r.req_string("name");
  d.kernels = r.req_integer("kernels");
  d.copies = r.req_integer("copies");
  d.start_ns = r.req_integer("start_ns");
  d.end_ns = r.req_integer("end_ns");
  d.span_s = r.req_non_negative("span_s");
  d.busy_s = r.req_non_negative("busy_s");
  d.kernel_busy_s = r.req_non_negative("kernel_busy_s");
  d.idle_s = r.req_non_negative("idle_s");
  d.kernel_time_s = r.req_non_negative("kernel_time_s");
  d.concurrent_s = r.req_non_negative("concurrent_s");
  d.max_concurrency = static_cast<int>(r.req_integer("max_concurrency"));
  d.gaps = r.req_integer("gaps");
  d.gap_total_s = r.req_non_negative("gap_total_s");
  for (const json_reader& b : r.opt_object_array("gap_histogram")) {
    device_summary::gap_bucket g;
    g.min_s = b.req_non_negative("min_s");
    g.max_s = b.opt_non_negative("max_s").value_or(std::numeric_limits<double>::infinity());
    g.count = b.req_integer("count");
    g.total_s = b.req_non_negative("total_s");
    d.gap_histogram.push_back(g);
  }
  if (r.has("timeline")) {
    const json& tl = r.value().at("timeline");
    if (!tl.is_array()) r.fail("timeline", "expected an array");
    for (std::size_t i = 0; i < tl.size(); ++i) {
      const json& bin = tl[i];
      if (!bin.is_array() || bin.size() != 2 || !bin[0].is_number() || !bin[1].is_string()) {
        r.fail("timeline[" + std::to_string(i) + "]", "expected [busy fraction, dominant class]");
      }
      d.timeline.push_back({bin[0].get<double>(), bin[1].get<std::string>()});
    }
  }
  return d;
}

}  // namespace

json to_json(const analysis_document& a) {
  json j;
  j["schema"] = std::string(analysis_document::schema_kind) + "/" + std::to_string(analysis_document::schema_major);
  json gen;
  gen["tool"] = a.generator.tool;
  put(gen, "version", a.generator.version);
  put(gen, "command", a.generator.command);
  put(gen, "created_utc", a.generator.created_utc);
  j["generator"] = std::move(gen);
  json input;
  input["trace_file"] = a.trace_file;
  input["trace_tool"] = a.trace_tool;
  input["machine_name"] = a.machine_name;
  input["machine_file"] = a.machine_file;
  input["machine_choice"] = a.machine_choice;
  j["input"] = std::move(input);
  json th;
  th["high_throughput"] = a.thresholds.high_throughput;
  th["latency_bound"] = a.thresholds.latency_bound;
  th["balanced"] = a.thresholds.balanced;
  th["short_kernel_s"] = a.thresholds.short_kernel_s;
  th["launch_gap_ratio"] = a.thresholds.launch_gap_ratio;
  th["noise"] = a.thresholds.noise;
  th["min_launch_s"] = a.thresholds.min_launch_s;
  j["thresholds"] = std::move(th);
  json ceilings;
  ceilings["compute"] = json::array();
  for (const auto& c : a.compute) ceilings["compute"].push_back(ceiling_json(c, true));
  ceilings["memory"] = json::array();
  for (const auto& c : a.memory) ceilings["memory"].push_back(ceiling_json(c, false));
  ceilings["links"] = json::array();
  for (const auto& c : a.links) ceilings["links"].push_back(ceiling_json(c, false));
  j["ceilings"] = std::move(ceilings);
  const auto& t = a.totals;
  json tj;
  tj["kernels"] = t.kernels;
  tj["groups"] = t.groups;
  tj["copies"] = t.copies;
  tj["ranges"] = t.ranges;
  tj["kernel_time_s"] = t.kernel_time_s;
  tj["measured_time_s"] = t.measured_time_s;
  tj["estimated_time_s"] = t.estimated_time_s;
  tj["extrapolated_time_s"] = t.extrapolated_time_s;
  tj["unknown_time_s"] = t.unknown_time_s;
  tj["placed_time_s"] = t.placed_time_s;
  tj["placed_fraction"] = t.placed_fraction;
  tj["opportunity_s"] = t.opportunity_s;
  tj["communication_time_s"] = t.communication_time_s;
  tj["collective_time_s"] = t.collective_time_s;
  tj["flagged_groups"] = t.flagged_groups;
  if (t.launch_floor_s) tj["launch_floor_s"] = *t.launch_floor_s;
  j["totals"] = std::move(tj);
  j["devices"] = json::array();
  for (const auto& d : a.devices) j["devices"].push_back(device_json(d));
  j["classes"] = json::array();
  for (const auto& c : a.classes) {
    json cj;
    cj["class"] = to_string(c.cls);
    cj["kernels"] = c.kernels;
    cj["groups"] = c.groups;
    cj["time_s"] = c.time_s;
    cj["fraction"] = c.fraction;
    cj["placed_s"] = c.placed_s;
    cj["opportunity_s"] = c.opportunity_s;
    j["classes"].push_back(std::move(cj));
  }
  j["ranges"] = json::array();
  for (const auto& r : a.ranges) {
    json rj;
    rj["name"] = r.name;
    rj["domain"] = r.domain;
    rj["gpu_side"] = r.gpu_side;
    rj["count"] = r.count;
    rj["wall_s"] = r.wall_s;
    rj["kernels"] = r.kernels;
    rj["kernel_time_s"] = r.kernel_time_s;
    j["ranges"].push_back(std::move(rj));
  }
  j["ranges_omitted"] = a.ranges_omitted;
  j["copies"] = json::array();
  for (const auto& c : a.copies) {
    json cj;
    cj["kind"] = c.kind;
    cj["count"] = c.count;
    cj["bytes"] = c.bytes;
    cj["time_s"] = c.time_s;
    put(cj, "achieved_bytes_per_s", c.achieved_bytes_per_s);
    put(cj, "link", c.link);
    put(cj, "link_bytes_per_s", c.link_bytes_per_s);
    put(cj, "fraction_of_link", c.fraction_of_link);
    j["copies"].push_back(std::move(cj));
  }
  j["groups"] = json::array();
  for (const auto& g : a.groups) j["groups"].push_back(group_json(g));
  j["opportunities"] = a.opportunities;
  j["warnings"] = a.warnings;
  return j;
}

analysis_document analysis_from_json(const json& document, const std::string& file) {
  const json_reader root(document, file, "");
  const schema_tag tag = parse_schema_tag(root.req_string("schema"), file);
  if (tag.kind != analysis_document::schema_kind) {
    root.fail("schema", "this is a \"" + tag.kind + "\" document, not an analysis");
  }
  if (tag.major != analysis_document::schema_major) {
    root.fail("schema", "unsupported major version " + std::to_string(tag.major) + " (this rafter reads rafter.analysis/1)");
  }
  analysis_document a;
  if (const auto gen = root.opt_object("generator")) {
    a.generator.tool = gen->opt_string("tool").value_or("rafter");
    a.generator.version = gen->opt_string("version").value_or("");
    a.generator.command = gen->opt_string("command").value_or("");
    a.generator.created_utc = gen->opt_string("created_utc").value_or("");
  }
  const json_reader input = root.req_object("input");
  a.trace_file = input.req_string("trace_file");
  a.trace_tool = input.req_string("trace_tool");
  a.machine_name = input.req_string("machine_name");
  a.machine_file = input.req_string("machine_file");
  a.machine_choice = input.req_string("machine_choice");
  const json_reader th = root.req_object("thresholds");
  a.thresholds.high_throughput = th.req_non_negative("high_throughput");
  a.thresholds.latency_bound = th.req_non_negative("latency_bound");
  a.thresholds.balanced = th.req_non_negative("balanced");
  a.thresholds.short_kernel_s = th.req_non_negative("short_kernel_s");
  a.thresholds.launch_gap_ratio = th.req_non_negative("launch_gap_ratio");
  a.thresholds.noise = th.req_non_negative("noise");
  a.thresholds.min_launch_s = th.opt_non_negative("min_launch_s").value_or(limiter_thresholds{}.min_launch_s);
  const json_reader ceilings = root.req_object("ceilings");
  for (const auto& c : ceilings.req_object_array("compute")) a.compute.push_back(read_ceiling(c, true));
  for (const auto& c : ceilings.req_object_array("memory")) a.memory.push_back(read_ceiling(c, false));
  for (const auto& c : ceilings.opt_object_array("links")) a.links.push_back(read_ceiling(c, false));
  const json_reader t = root.req_object("totals");
  a.totals.kernels = t.req_integer("kernels");
  a.totals.groups = t.req_integer("groups");
  a.totals.copies = t.req_integer("copies");
  a.totals.ranges = t.req_integer("ranges");
  a.totals.kernel_time_s = t.req_non_negative("kernel_time_s");
  a.totals.measured_time_s = t.req_non_negative("measured_time_s");
  a.totals.estimated_time_s = t.req_non_negative("estimated_time_s");
  a.totals.extrapolated_time_s = t.opt_non_negative("extrapolated_time_s").value_or(0.0);
  a.totals.unknown_time_s = t.req_non_negative("unknown_time_s");
  a.totals.placed_time_s = t.req_non_negative("placed_time_s");
  a.totals.placed_fraction = t.req_non_negative("placed_fraction");
  a.totals.opportunity_s = t.req_non_negative("opportunity_s");
  a.totals.communication_time_s = t.opt_non_negative("communication_time_s").value_or(0.0);  // absent before 2026-12
  a.totals.collective_time_s = t.opt_non_negative("collective_time_s").value_or(0.0);
  a.totals.launch_floor_s = t.opt_non_negative("launch_floor_s");  // absent before 2026-12
  a.totals.flagged_groups = t.req_integer("flagged_groups");
  for (const auto& d : root.opt_object_array("devices")) a.devices.push_back(read_device(d));
  for (const auto& c : root.opt_object_array("classes")) {
    class_time ct;
    ct.cls = read_class(c, "class");
    ct.kernels = c.req_integer("kernels");
    ct.groups = c.req_integer("groups");
    ct.time_s = c.req_non_negative("time_s");
    ct.fraction = c.req_non_negative("fraction");
    ct.placed_s = c.req_non_negative("placed_s");
    ct.opportunity_s = c.req_non_negative("opportunity_s");
    a.classes.push_back(ct);
  }
  for (const auto& r : root.opt_object_array("ranges")) {
    range_time rt;
    rt.name = r.req_string("name");
    rt.domain = r.req_string("domain");
    rt.gpu_side = r.opt_bool("gpu_side").value_or(false);
    rt.count = r.req_integer("count");
    rt.wall_s = r.req_non_negative("wall_s");
    rt.kernels = r.req_integer("kernels");
    rt.kernel_time_s = r.req_non_negative("kernel_time_s");
    a.ranges.push_back(std::move(rt));
  }
  a.ranges_omitted = root.opt_integer("ranges_omitted").value_or(0);
  for (const auto& c : root.opt_object_array("copies")) {
    copy_summary cs;
    cs.kind = c.req_string("kind");
    cs.count = c.req_integer("count");
    cs.bytes = c.req_non_negative("bytes");
    cs.time_s = c.req_non_negative("time_s");
    cs.achieved_bytes_per_s = c.opt_non_negative("achieved_bytes_per_s");
    cs.link = c.opt_string("link").value_or("");
    cs.link_bytes_per_s = c.opt_non_negative("link_bytes_per_s");
    cs.fraction_of_link = c.opt_non_negative("fraction_of_link");
    a.copies.push_back(std::move(cs));
  }
  const auto groups = root.req_object_array("groups");
  a.groups.reserve(groups.size());
  for (std::size_t i = 0; i < groups.size(); ++i) {
    a.groups.push_back(read_group(groups[i]));
    if (a.groups.back().id != static_cast<std::int64_t>(i)) groups[i].fail("id", "must equal the group's position " + std::to_string(i));
  }
  if (root.has("opportunities")) {
    const json& ops = root.value().at("opportunities");
    if (!ops.is_array()) root.fail("opportunities", "expected an array of group ids");
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (!ops[i].is_number_integer() || ops[i].get<long long>() < 0 ||
          ops[i].get<long long>() >= static_cast<long long>(a.groups.size())) {
        root.fail("opportunities[" + std::to_string(i) + "]", "expected a group id");
      }
      a.opportunities.push_back(ops[i].get<std::int64_t>());
    }
  }
  a.warnings = root.opt_string_array("warnings");
  return a;
}

analysis_document load_analysis(const std::filesystem::path& path) {
  return analysis_from_json(read_json_file(path), path.string());
}

void save_analysis(const std::filesystem::path& path, const analysis_document& analysis) {
  write_json_file(path, to_json(analysis));
}

}  // namespace rafter

#include "reports/perfetto_export.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/version.hpp"

namespace rafter {

namespace {

// ---- JSON text -------------------------------------------------------------------------------

/// Length of the well-formed UTF-8 sequence at `s[i]` (2-4), or 0 when it is not one.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const auto continuation = [&](std::size_t k) { return k < s.size() && (byte(k) & 0xC0U) == 0x80U; };
  const unsigned char c = byte(i);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + 1 >= s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = i + 2; k < i + n; ++k) {
    if (!continuation(k)) return 0;
  }
  return n;
}

/// Appends `s` as a JSON string literal: quote, backslash and control characters (and DEL)
/// escaped, valid UTF-8 copied, each byte of invalid UTF-8 replaced by U+FFFD.
void append_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence_length(s, i);
      if (n == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

/// A number, or null when it is not finite (JSON has no NaN or infinity).
void append_number(std::string& out, double v) {
  if (std::isfinite(v)) {
    fmt::format_to(std::back_inserter(out), "{}", v);
  } else {
    out += "null";
  }
}

void append_integer(std::string& out, std::int64_t v) { fmt::format_to(std::back_inserter(out), "{}", v); }

/// `ns` nanoseconds as microseconds with exactly three decimals ("1234.567").
void append_microseconds(std::string& out, std::uint64_t ns) {
  fmt::format_to(std::back_inserter(out), "{}.{:03}", ns / 1000U, ns % 1000U);
}

/// Writes the members of one JSON object, commas included: `add("key")` starts a member.
class object_writer {
public:
  explicit object_writer(std::string& out) : m_out(out) { m_out += '{'; }
  object_writer(const object_writer&) = delete;
  object_writer& operator=(const object_writer&) = delete;
  ~object_writer() { m_out += '}'; }

  /// Appends `"key":` (after a comma when needed); the caller appends the value.
  std::string& key(std::string_view k) {
    if (!m_first) m_out += ',';
    m_first = false;
    append_string(m_out, k);
    m_out += ':';
    return m_out;
  }
  void string(std::string_view k, std::string_view v) { append_string(key(k), v); }
  void integer(std::string_view k, std::int64_t v) { append_integer(key(k), v); }
  void number(std::string_view k, double v) { append_number(key(k), v); }
  void boolean(std::string_view k, bool v) { key(k) += v ? "true" : "false"; }

private:
  std::string& m_out;
  bool m_first = true;
};

void append_dim3(std::string& out, const dim3_value& d) { fmt::format_to(std::back_inserter(out), "[{},{},{}]", d.x, d.y, d.z); }

void append_number_map(std::string& out, const std::map<std::string, double>& values) {
  object_writer o(out);
  for (const auto& [k, v] : values) o.number(k, v);
}

// ---- Layout: processes and threads -----------------------------------------------------------

/// What a thread of the export holds. The order is the order of threads within a stream.
enum class lane_kind : int { annotations = 0, stream = 1, unmeasured = 2, cpu_thread = 3 };

struct lane_key {
  std::uint32_t pid = 0;
  std::int64_t id = 0;  ///< Stream id (GPU processes) or thread id (host).
  lane_kind kind = lane_kind::stream;
  /// 0, or k > 0 for the k-th extra thread holding records that overlap others partially (viewers
  /// drop slices that do not nest; recorded kernels on one stream do overlap by rounding).
  int overlap = 0;
  [[nodiscard]] auto operator<=>(const lane_key&) const = default;
};

/// One record placed on a thread of the export.
struct slice_ref {
  enum class what : std::uint8_t { kernel, copy, range, op };
  std::size_t lane = 0;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  int rank = 0;  ///< Tie-break for equal intervals: ranges by depth, then ops, outermost first.
  what kind = what::kernel;
  std::size_t index = 0;
};

constexpr std::uint32_t host_pid = 1;

std::string stream_label(std::int64_t stream) {
  return stream >= 0 ? fmt::format("stream {}", stream) : std::string("stream unknown");
}

std::string base_lane_name(const lane_key& k) {
  switch (k.kind) {
    case lane_kind::annotations: return stream_label(k.id) + " annotations";
    case lane_kind::stream: return stream_label(k.id);
    case lane_kind::unmeasured: return stream_label(k.id) + " (times not measured)";
    case lane_kind::cpu_thread: return k.id >= 0 ? fmt::format("thread {}", k.id) : std::string("thread unknown");
  }
  return {};
}

std::string lane_name(const lane_key& k) {
  return k.overlap == 0 ? base_lane_name(k) : fmt::format("{} (overlapping {})", base_lane_name(k), k.overlap);
}

std::string device_label(int id, const trace_device* d) {
  std::string name = fmt::format("GPU {}", id);
  if (d == nullptr) return name;
  if (!d->name.empty()) name += ": " + d->name;
  std::vector<std::string> facts;
  if (d->cc_major && d->cc_minor) facts.push_back(fmt::format("CC {}.{}", *d->cc_major, *d->cc_minor));
  if (d->sm_count) facts.push_back(fmt::format("{} SMs", *d->sm_count));
  if (!facts.empty()) name += " (" + fmt::format("{}", fmt::join(facts, ", ")) + ")";
  return name;
}

// ---- Counters --------------------------------------------------------------------------------

/// One counter ("measured FLOP/s") of one device with its series ("fp32.cuda_core", ...): the rate
/// of each series summed over the kernels running at each instant.
struct counter_group {
  std::vector<std::string> series;
  std::map<std::string, std::size_t> index;
  struct change {
    std::int64_t t_ns;
    std::size_t series;
    double rate;  ///< Added at a kernel's start, subtracted at its end.
    int active;   ///< +1 at a start, -1 at an end.
  };
  std::vector<change> changes;

  void add(const std::string& series_name, std::int64_t start_ns, std::int64_t end_ns, double rate) {
    auto [it, inserted] = index.emplace(series_name, series.size());
    if (inserted) series.push_back(series_name);
    changes.push_back({start_ns, it->second, rate, +1});
    changes.push_back({end_ns, it->second, -rate, -1});
  }
};

/// Work or traffic per second of one kernel: `amount / ((end_ns - start_ns) * 1e-9)`.
double per_second(double amount, std::int64_t start_ns, std::int64_t end_ns) {
  return amount / (static_cast<double>(end_ns - start_ns) * 1e-9);
}

// ---- The writer ------------------------------------------------------------------------------

class perfetto_writer {
public:
  explicit perfetto_writer(const trace& t) : m_t(t) {}

  std::string run() {
    find_origin();
    assign_processes();
    place_records();
    build_counters();
    m_out.reserve(m_slices.size() * 320 + 4096);
    m_out += "{\"traceEvents\":[\n";
    write_metadata();
    write_slices();
    write_launch_flows();
    write_counters();
    m_out += "\n],\n\"otherData\":";
    write_other_data();
    m_out += ",\n\"baseTimeNanoseconds\":";
    append_integer(m_out, m_origin_ns);
    m_out += "}\n";
    return std::move(m_out);
  }

private:
  void find_origin() {
    std::optional<std::int64_t> origin;
    const auto see = [&](std::int64_t t) { origin = origin ? std::min(*origin, t) : t; };
    for (const auto& k : m_t.kernels) {
      see(k.start_ns);
      if (k.launch) see(k.launch->start_ns);
    }
    for (const auto& c : m_t.copies) see(c.start_ns);
    for (const auto& r : m_t.ranges) see(r.start_ns);
    for (const auto& o : m_t.ops) see(o.start_ns);
    m_origin_ns = origin.value_or(0);
  }

  /// Nanoseconds since the origin; exact (no overflow) for any t >= origin.
  [[nodiscard]] std::uint64_t since_origin(std::int64_t t_ns) const {
    return static_cast<std::uint64_t>(t_ns) - static_cast<std::uint64_t>(m_origin_ns);
  }

  void assign_processes() {
    std::set<int> ids;
    for (const auto& d : m_t.devices) ids.insert(d.id);
    for (const auto& k : m_t.kernels) ids.insert(k.device);
    for (const auto& c : m_t.copies) ids.insert(c.device);
    for (const auto& r : m_t.ranges) {
      if (r.device) ids.insert(*r.device);
    }
    std::uint32_t pid = host_pid + 1;
    for (int id : ids) m_device_pid.emplace(id, pid++);
    for (const auto& d : m_t.devices) m_device_info.emplace(d.id, &d);
    for (std::size_t i = 0; i < m_t.ops.size(); ++i) m_op_name.emplace(m_t.ops[i].id, &m_t.ops[i].name.str());
  }

  std::size_t lane_of(const lane_key& key) {
    auto [it, inserted] = m_lane_index.emplace(key, m_lanes.size());
    if (inserted) m_lanes.push_back(key);
    return it->second;
  }

  void place_records() {
    m_slices.reserve(m_t.kernels.size() + m_t.copies.size() + m_t.ranges.size() + m_t.ops.size());
    for (std::size_t i = 0; i < m_t.kernels.size(); ++i) {
      const auto& k = m_t.kernels[i];
      const lane_kind kind = k.measured_times ? lane_kind::stream : lane_kind::unmeasured;
      m_slices.push_back({lane_of({m_device_pid.at(k.device), k.stream, kind}), k.start_ns, k.end_ns, 0,
                          slice_ref::what::kernel, i});
    }
    for (std::size_t i = 0; i < m_t.copies.size(); ++i) {
      const auto& c = m_t.copies[i];
      m_slices.push_back({lane_of({m_device_pid.at(c.device), c.stream, lane_kind::stream}), c.start_ns, c.end_ns, 0,
                          slice_ref::what::copy, i});
    }
    for (std::size_t i = 0; i < m_t.ranges.size(); ++i) {
      const auto& r = m_t.ranges[i];
      const lane_key key = r.device ? lane_key{m_device_pid.at(*r.device), r.thread, lane_kind::annotations}
                                    : lane_key{host_pid, r.thread, lane_kind::cpu_thread};
      m_slices.push_back({lane_of(key), r.start_ns, r.end_ns, r.depth, slice_ref::what::range, i});
    }
    for (std::size_t i = 0; i < m_t.ops.size(); ++i) {
      const auto& o = m_t.ops[i];
      m_slices.push_back({lane_of({host_pid, o.thread, lane_kind::cpu_thread}), o.start_ns, o.end_ns,
                          std::numeric_limits<int>::max(), slice_ref::what::op, i});
    }
    std::sort(m_slices.begin(), m_slices.end(), [](const slice_ref& a, const slice_ref& b) {
      return std::tuple(a.lane, a.start_ns, b.end_ns, a.rank, a.kind, a.index) <
             std::tuple(b.lane, b.start_ns, a.end_ns, b.rank, b.kind, b.index);
    });
    move_partial_overlaps();
    // tids: unique across processes and above every pid (Perfetto keys threads by tid alone).
    std::uint32_t tid = static_cast<std::uint32_t>(host_pid + m_device_pid.size() + 1);
    m_tid.assign(m_lanes.size(), 0);
    for (const auto& [key, index] : m_lane_index) m_tid[index] = tid++;
  }

  /// Moves each slice that overlaps an earlier one on its thread without nesting in it to the
  /// first extra thread ("(overlapping k)") where it nests. Slices are sorted by lane, start, end
  /// descending; the result keeps every thread properly nested.
  void move_partial_overlaps() {
    std::vector<std::vector<std::int64_t>> open;  // per sub-thread: ends of the enclosing slices
    std::size_t lane = std::numeric_limits<std::size_t>::max();
    for (auto& s : m_slices) {
      if (s.lane != lane) {
        lane = s.lane;
        open.clear();
      }
      std::size_t k = 0;
      for (;; ++k) {
        if (k == open.size()) open.emplace_back();
        auto& ends = open[k];
        while (!ends.empty() && ends.back() <= s.start_ns) ends.pop_back();
        if (ends.empty() || ends.back() >= s.end_ns) break;
      }
      open[k].push_back(s.end_ns);
      if (k != 0) {
        lane_key key = m_lanes[s.lane];
        key.overlap = static_cast<int>(k);
        s.lane = lane_of(key);
      }
    }
  }

  void build_counters() {
    for (const auto& k : m_t.kernels) {
      if (!k.measured_times || k.end_ns <= k.start_ns) continue;
      const std::uint32_t pid = m_device_pid.at(k.device);
      if (k.metrics) {
        for (const auto& [key, flop] : k.metrics->flop) {
          if (flop > 0) m_counters[{pid, "measured FLOP/s"}].add(key, k.start_ns, k.end_ns, per_second(flop, k.start_ns, k.end_ns));
        }
        for (const auto& [level, bytes] : k.metrics->bytes) {
          if (bytes > 0) m_counters[{pid, "measured bytes/s"}].add(level, k.start_ns, k.end_ns, per_second(bytes, k.start_ns, k.end_ns));
        }
      }
      if (k.estimate) {
        const std::string precision = k.estimate->precision.empty() ? "unknown precision" : k.estimate->precision;
        if (k.estimate->flop > 0) {
          m_counters[{pid, "estimated FLOP/s"}].add(precision, k.start_ns, k.end_ns,
                                                    per_second(k.estimate->flop, k.start_ns, k.end_ns));
        }
        if (k.estimate->bytes > 0) {
          m_counters[{pid, "estimated bytes/s"}].add("dram (minimum)", k.start_ns, k.end_ns,
                                                     per_second(k.estimate->bytes, k.start_ns, k.end_ns));
        }
      }
    }
  }

  void begin_event() {
    if (!m_first_event) m_out += ",\n";
    m_first_event = false;
  }

  void metadata(std::uint32_t pid, std::optional<std::uint32_t> tid, std::string_view name, std::string_view arg,
                const std::string& value) {
    begin_event();
    object_writer e(m_out);
    e.string("ph", "M");
    e.integer("pid", pid);
    if (tid) e.integer("tid", *tid);
    e.string("name", name);
    object_writer a(e.key("args"));
    a.string(arg, value);
  }

  void metadata(std::uint32_t pid, std::optional<std::uint32_t> tid, std::string_view name, std::int64_t sort_index) {
    begin_event();
    object_writer e(m_out);
    e.string("ph", "M");
    e.integer("pid", pid);
    if (tid) e.integer("tid", *tid);
    e.string("name", name);
    object_writer a(e.key("args"));
    a.integer("sort_index", sort_index);
  }

  void write_metadata() {
    std::set<std::uint32_t> used;
    for (const auto& key : m_lanes) used.insert(key.pid);
    for (const auto& [pid, group] : m_counters) used.insert(pid.first);
    if (used.count(host_pid) != 0) {
      metadata(host_pid, std::nullopt, "process_name", "name", "host");
      metadata(host_pid, std::nullopt, "process_sort_index", 0);
    }
    for (const auto& [id, pid] : m_device_pid) {
      const auto info = m_device_info.find(id);
      metadata(pid, std::nullopt, "process_name", "name", device_label(id, info == m_device_info.end() ? nullptr : info->second));
      metadata(pid, std::nullopt, "process_sort_index", static_cast<std::int64_t>(pid));
    }
    std::map<std::uint32_t, std::int64_t> next_sort;
    for (const auto& [key, index] : m_lane_index) {
      metadata(key.pid, m_tid[index], "thread_name", "name", lane_name(key));
      metadata(key.pid, m_tid[index], "thread_sort_index", next_sort[key.pid]++);
    }
  }

  /// Starts a complete event; the caller writes "args".
  void begin_complete(object_writer& e, const slice_ref& s, std::string_view cat, std::string_view name) {
    e.string("ph", "X");
    append_microseconds(e.key("ts"), since_origin(s.start_ns));
    append_microseconds(e.key("dur"), static_cast<std::uint64_t>(s.end_ns) - static_cast<std::uint64_t>(s.start_ns));
    e.integer("pid", m_lanes[s.lane].pid);
    e.integer("tid", m_tid[s.lane]);
    e.string("cat", cat);
    e.string("name", name);
  }

  void write_kernel(const slice_ref& s) {
    const auto& k = m_t.kernels[s.index];
    begin_event();
    object_writer e(m_out);
    begin_complete(e, s, "kernel", k.demangled.empty() ? k.name : k.demangled);
    object_writer a(e.key("args"));
    a.integer("kernel id", k.id);
    if (!k.demangled.empty() && k.demangled != k.name) a.string("mangled name", k.name);
    a.integer("device", k.device);
    a.integer("stream", k.stream);
    if (!k.measured_times) a.boolean("times measured", false);
    if (k.correlation_id) a.integer("correlation", *k.correlation_id);
    if (k.launch) {
      object_writer l(a.key("launch"));
      l.integer("thread", k.launch->thread);
      append_microseconds(l.key("ts"), since_origin(k.launch->start_ns));
    }
    if (k.grid) append_dim3(a.key("grid"), *k.grid);
    if (k.block) append_dim3(a.key("block"), *k.block);
    if (k.registers_per_thread) a.integer("registers per thread", *k.registers_per_thread);
    if (k.static_shared_bytes) a.integer("static shared memory (bytes)", *k.static_shared_bytes);
    if (k.dynamic_shared_bytes) a.integer("dynamic shared memory (bytes)", *k.dynamic_shared_bytes);
    if (k.shared_bytes) a.integer("shared memory (bytes)", *k.shared_bytes);
    if (k.graph_id) a.integer("graph id", *k.graph_id);
    if (k.graph_node_id) a.integer("graph node id", *k.graph_node_id);
    if (k.op_id) {
      a.integer("External id", *k.op_id);
      if (const auto op = m_op_name.find(*k.op_id); op != m_op_name.end()) a.string("op", *op->second);
    }
    if (k.metrics) {
      object_writer m(a.key("metrics"));
      if (!k.metrics->flop.empty()) append_number_map(m.key("flop"), k.metrics->flop);
      if (!k.metrics->bytes.empty()) append_number_map(m.key("bytes"), k.metrics->bytes);
      if (!k.metrics->raw.empty()) append_number_map(m.key("raw"), k.metrics->raw);
      if (k.metrics->sm_clock_hz) m.number("sm clock (Hz)", *k.metrics->sm_clock_hz);
      if (k.metrics->duration_s) m.number("duration (s)", *k.metrics->duration_s);
    }
    if (k.estimate) {
      object_writer x(a.key("estimate"));
      x.string("formula", k.estimate->formula);
      if (!k.estimate->precision.empty()) x.string("precision", k.estimate->precision);
      x.number("flop", k.estimate->flop);
      x.number("bytes", k.estimate->bytes);
      x.number("share", k.estimate->share);
      x.integer("op id", k.estimate->op_id);
    }
    if (k.collective) {
      object_writer c(a.key("collective"));
      c.string("name", k.collective->name);
      c.number("in bytes", k.collective->in_bytes);
      c.number("out bytes", k.collective->out_bytes);
      c.integer("ranks", k.collective->ranks);
    }
  }

  void write_copy(const slice_ref& s) {
    const auto& c = m_t.copies[s.index];
    const bool memset = c.kind == "memset";
    begin_event();
    object_writer e(m_out);
    begin_complete(e, s, memset ? "gpu_memset" : "gpu_memcpy", memset ? std::string("memset") : "memcpy " + c.kind);
    object_writer a(e.key("args"));
    a.integer("copy id", c.id);
    a.string("kind", c.kind);
    a.number("bytes", c.bytes);
    a.integer("device", c.device);
    a.integer("stream", c.stream);
    if (!c.memory.empty()) a.string("memory", c.memory);
    if (c.correlation_id) a.integer("correlation", *c.correlation_id);
  }

  void write_range(const slice_ref& s) {
    const auto& r = m_t.ranges[s.index];
    begin_event();
    object_writer e(m_out);
    begin_complete(e, s, r.domain.empty() ? std::string_view("range") : std::string_view(r.domain), r.name);
    object_writer a(e.key("args"));
    a.integer("range id", r.id);
    if (!r.domain.empty()) a.string("domain", r.domain);
    a.integer(r.device ? "stream" : "thread", r.thread);
    a.integer("depth", r.depth);
  }

  void write_op(const slice_ref& s) {
    const auto& o = m_t.ops[s.index];
    begin_event();
    object_writer e(m_out);
    begin_complete(e, s, "cpu_op", o.name);
    object_writer a(e.key("args"));
    a.integer("External id", o.id);
    a.integer("thread", o.thread);
    if (o.parent_id) a.integer("parent id", *o.parent_id);
    const op_inputs& in = *o.inputs;
    if (!in.dims.empty()) {
      std::string& out = a.key("Input Dims");
      out += '[';
      for (std::size_t i = 0; i < in.dims.size(); ++i) {
        fmt::format_to(std::back_inserter(out), "{}[{}]", i == 0 ? "" : ",", fmt::join(in.dims[i], ","));
      }
      out += ']';
    }
    const auto strings = [&](std::string_view key, const std::vector<std::string>& values) {
      if (values.empty()) return;
      std::string& out = a.key(key);
      out += '[';
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (i != 0) out += ',';
        append_string(out, values[i]);
      }
      out += ']';
    };
    strings("Input type", in.types);
    strings("Concrete Inputs", in.concrete);
  }

  void write_slices() {
    for (const auto& s : m_slices) {
      switch (s.kind) {
        case slice_ref::what::kernel: write_kernel(s); break;
        case slice_ref::what::copy: write_copy(s); break;
        case slice_ref::what::range: write_range(s); break;
        case slice_ref::what::op: write_op(s); break;
      }
    }
  }

  /// One flow per kernel with a launch ("launch" category, id = kernel id): from the launching
  /// call's start on its CPU thread ("ph":"s") to the kernel's start ("ph":"f", bound to the kernel's
  /// slice). Viewers bind the start to the slice enclosing it on that thread (a range or op), so a
  /// kernel launched on a thread without ranges or ops gets no flow: its `args.launch` remains.
  void write_launch_flows() {
    for (const auto& s : m_slices) {
      if (s.kind != slice_ref::what::kernel) continue;
      const auto& k = m_t.kernels[s.index];
      if (!k.launch) continue;
      const auto host = m_lane_index.find(lane_key{host_pid, k.launch->thread, lane_kind::cpu_thread});
      if (host == m_lane_index.end()) continue;
      flow_event("s", host_pid, m_tid[host->second], k.launch->start_ns, k.id);
      flow_event("f", m_lanes[s.lane].pid, m_tid[s.lane], k.start_ns, k.id);
    }
  }

  void flow_event(std::string_view ph, std::uint32_t pid, std::uint32_t tid, std::int64_t t_ns, std::int64_t id) {
    begin_event();
    object_writer e(m_out);
    e.string("ph", ph);
    if (ph == "f") e.string("bp", "e");
    e.integer("id", id);
    append_microseconds(e.key("ts"), since_origin(t_ns));
    e.integer("pid", pid);
    e.integer("tid", tid);
    e.string("cat", "launch");
    e.string("name", "launch");
  }

  void write_counters() {
    for (auto& [where, group] : m_counters) {
      std::stable_sort(group.changes.begin(), group.changes.end(),
                       [](const counter_group::change& a, const counter_group::change& b) { return a.t_ns < b.t_ns; });
      std::vector<double> value(group.series.size(), 0.0);
      std::vector<int> active(group.series.size(), 0);
      for (std::size_t i = 0; i < group.changes.size();) {
        const std::int64_t t = group.changes[i].t_ns;
        for (; i < group.changes.size() && group.changes[i].t_ns == t; ++i) {
          const auto& c = group.changes[i];
          value[c.series] += c.rate;
          active[c.series] += c.active;
          if (active[c.series] == 0) value[c.series] = 0.0;  // no rounding residue between kernels
        }
        begin_event();
        object_writer e(m_out);
        e.string("ph", "C");
        append_microseconds(e.key("ts"), since_origin(t));
        e.integer("pid", where.first);
        e.string("name", where.second);
        object_writer a(e.key("args"));
        for (std::size_t s = 0; s < group.series.size(); ++s) a.number(group.series[s], value[s]);
      }
    }
  }

  void write_other_data() {
    object_writer o(m_out);
    o.string("generator", std::string("rafter ") + version_string + " export --perfetto");
    o.string("schema", "rafter.trace/1");
    o.string("source tool", m_t.source.tool);
    if (!m_t.source.version.empty()) o.string("source version", m_t.source.version);
    if (!m_t.source.file.empty()) o.string("source file", m_t.source.file);
    o.integer("baseTimeNanoseconds", m_origin_ns);
    o.string("time unit", "ts and dur in microseconds since baseTimeNanoseconds, three decimals (ns)");
  }

  const trace& m_t;
  std::string m_out;
  bool m_first_event = true;
  std::int64_t m_origin_ns = 0;
  std::map<int, std::uint32_t> m_device_pid;
  std::unordered_map<int, const trace_device*> m_device_info;
  std::unordered_map<std::int64_t, const std::string*> m_op_name;
  std::map<lane_key, std::size_t> m_lane_index;
  std::vector<lane_key> m_lanes;
  std::vector<std::uint32_t> m_tid;
  std::vector<slice_ref> m_slices;
  std::map<std::pair<std::uint32_t, std::string>, counter_group> m_counters;
};

}  // namespace

std::string perfetto_trace_json(const trace& t) { return perfetto_writer(t).run(); }

}  // namespace rafter

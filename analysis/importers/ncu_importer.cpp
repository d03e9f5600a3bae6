#include "analysis/importers/ncu_importer.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

#include "analysis/importers/ncu_metric_table.hpp"
#include "core/error.hpp"
#include "core/file_reader.hpp"

namespace rafter {

namespace {

// Columns that describe a launch rather than measure it (wide and long forms, old and new ncu,
// plus the per-kernel summary CSVs' "Count").
const std::set<std::string> k_identity_columns = {
    "ID",          "Process ID",  "Process Name", "Host Name",    "Kernel Name", "Kernel Time",
    "Context",     "Stream",      "Block Size",   "Grid Size",    "Device",      "CC",
    "Section Name", "Metric Name", "Metric Unit", "Metric Value", "Rule Name",   "Rule Type",
    "Rule Description", "Estimated Speedup Type", "Estimated Speedup", "Count"};

// A summary row with 'Count' N becomes N records: N - 1 copies of its counters that the file's
// size does not bound. At most this many copied counter values (raw, FLOP and byte entries) per
// file, about half a gigabyte, so that a mistyped Count cannot exhaust memory; NERSC's V100
// summaries copy ~15,000.
constexpr std::size_t k_max_copied_values = 4'000'000;

struct csv_record {
  std::vector<std::string> fields;
  std::size_t line = 0;  // 1-based line the record starts on
};

// One CSV record (RFC 4180 quoting, "" escapes, quoted fields may span lines) from `pos`.
// Returns false at the end of `text`. Throws on an unterminated quote.
bool next_record(const std::string& text, std::size_t& pos, std::size_t& line, csv_record& out,
                 const std::string& file) {
  if (pos >= text.size()) return false;
  out.fields.clear();
  out.line = line;
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  while (pos < text.size()) {
    const char c = text[pos];
    if (quoted) {
      if (c == '"') {
        if (pos + 1 < text.size() && text[pos + 1] == '"') {
          field += '"';
          pos += 2;
          continue;
        }
        quoted = false;
        ++pos;
        continue;
      }
      if (c == '\n') ++line;
      field += c;
      ++pos;
      continue;
    }
    if (c == '"' && field.empty() && !was_quoted) {
      quoted = true;
      was_quoted = true;
      ++pos;
      continue;
    }
    if (c == ',') {
      out.fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
      ++pos;
      continue;
    }
    if (c == '\n' || c == '\r') {
      if (c == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') ++pos;
      ++pos;
      ++line;
      out.fields.push_back(std::move(field));
      return true;
    }
    field += c;
    ++pos;
  }
  if (quoted) {
    throw input_error(file, "line " + std::to_string(out.line), "unterminated quoted field (file ends inside quotes)");
  }
  out.fields.push_back(std::move(field));
  return true;
}

bool blank(const csv_record& r) { return r.fields.size() == 1 && r.fields[0].empty(); }

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

// A decimal number as Nsight Compute prints it, thousands separators allowed ("1,234,567.5").
std::optional<double> parse_number(const std::string& raw) {
  std::string s = trim(raw);
  if (s.empty()) return std::nullopt;
  if (s.find(',') != std::string::npos) {
    // Only digit groups of three after the first comma, before any decimal point.
    std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    const std::size_t dot = s.find('.');
    const std::size_t int_end = dot == std::string::npos ? s.size() : dot;
    std::size_t first = s.find(',', i);
    if (first == i || first - i > 3) return std::nullopt;
    for (std::size_t k = i; k < int_end; ++k) {
      const bool comma_slot = k > first && (k - first) % 4 == 0;
      if (k == first || comma_slot) {
        if (s[k] != ',') return std::nullopt;
      } else if (!std::isdigit(static_cast<unsigned char>(s[k]))) {
        return std::nullopt;
      }
    }
    if ((int_end - first) % 4 != 0) return std::nullopt;
    s.erase(std::remove(s.begin(), s.end(), ','), s.end());
  }
  const char* begin = s.c_str();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(begin, &end);
  if (end != begin + s.size() || errno == ERANGE || !std::isfinite(v)) return std::nullopt;
  // strtod accepts "inf", "nan", hex: only plain decimals are numbers here.
  for (const char c : s) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
      return std::nullopt;
    }
  }
  return v;
}

std::optional<std::int64_t> parse_integer(const std::string& raw) {
  const auto v = parse_number(raw);
  if (!v || std::floor(*v) != *v || std::fabs(*v) > 9.0e15) return std::nullopt;
  return static_cast<std::int64_t>(*v);
}

// "(16, 8, 1)" -> {16, 8, 1}; nothing unless three positive integers.
std::optional<dim3_value> parse_dim3(const std::string& raw) {
  std::string s = trim(raw);
  if (s.size() < 2 || s.front() != '(' || s.back() != ')') return std::nullopt;
  s = s.substr(1, s.size() - 2);
  std::array<std::uint32_t, 3> xyz{};
  std::size_t begin = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const std::size_t comma = s.find(',', begin);
    if ((i < 2) != (comma != std::string::npos)) return std::nullopt;
    const std::string part = trim(s.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin));
    std::uint32_t v = 0;
    const auto r = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || r.ec != std::errc() || r.ptr != part.data() + part.size() || v == 0) return std::nullopt;
    xyz[i] = v;
    begin = comma + 1;
  }
  return dim3_value{xyz[0], xyz[1], xyz[2]};
}

// One profiled launch (or one aggregated summary row) before conversion.
struct pending_kernel {
  std::size_t line = 0;
  std::string id_text;
  std::map<std::string, std::string> identity;  // identity column -> text
  struct value {
    std::string unit;
    std::string text;
    bool has_unit = false;  // false: the file gives no unit for it (summary CSVs)
  };
  std::vector<std::pair<std::string, value>> metrics;  // in file order
};

// Counts and examples of recoverable oddities, reported once per file.
struct tally {
  std::map<std::string, std::int64_t> counts;
  std::map<std::string, std::string> examples;
  void add(const std::string& what, const std::string& example) {
    if (counts[what]++ == 0) examples[what] = example;
  }
};

class ncu_reader {
public:
  ncu_reader(const std::filesystem::path& path, ncu_import_options options)
      : m_path(path), m_file(path.string()), m_options(std::move(options)),
        m_table(m_options.metric_table ? ncu_metric_table::load(*m_options.metric_table)
                                       : ncu_metric_table::load_default()) {}

  trace run() {
    read_text();
    find_header();
    if (has_column("Metric Name") && has_column("Metric Value")) {
      m_long = true;
      read_long();
    } else {
      read_wide();
    }
    return build();
  }

private:
  void read_text() {
    m_text = read_file_content(m_path);  // gzip-compressed CSVs too
    if (m_text.rfind("\xEF\xBB\xBF", 0) == 0) m_text.erase(0, 3);  // UTF-8 byte order mark
  }

  // Skips ==PROF==/==WARNING== lines and program output before the header row.
  void find_header() {
    std::size_t line = 1;
    while (m_pos < m_text.size()) {
      const std::size_t eol = m_text.find('\n', m_pos);
      const std::size_t next = eol == std::string::npos ? m_text.size() : eol + 1;
      std::string physical = m_text.substr(m_pos, next - m_pos);
      if (physical.rfind("==", 0) != 0 && physical.find("Kernel Name") != std::string::npos) {
        std::size_t p = 0, l = line;
        csv_record rec;
        try {
          next_record(physical, p, l, rec, m_file);
        } catch (const input_error&) {
          rec.fields.clear();
        }
        if (std::find(rec.fields.begin(), rec.fields.end(), "Kernel Name") != rec.fields.end()) {
          m_header = rec.fields;
          m_header_line = line;
          for (std::size_t i = 0; i < m_header.size(); ++i) {
            if (!m_column.emplace(m_header[i], i).second) {
              throw input_error(m_file, "line " + std::to_string(line), "duplicate column \"" + m_header[i] + "\"");
            }
          }
          m_pos = next;
          m_line = line + 1;
          return;
        }
      }
      if (physical.rfind("==", 0) != 0 && !trim(physical).empty() && physical != "\r\n") ++m_preamble_lines;
      m_pos = next;
      ++line;
    }
    throw input_error(m_file, "", "not an Nsight Compute CSV: no header row with a \"Kernel Name\" column");
  }

  [[nodiscard]] bool has_column(const std::string& name) const { return m_column.count(name) != 0; }
  [[nodiscard]] const std::string& cell(const csv_record& r, const std::string& name) const {
    static const std::string empty;
    const auto it = m_column.find(name);
    return it == m_column.end() ? empty : r.fields[it->second];
  }

  // Next data record, skipping ==PROF== lines and blank lines; checks the field count.
  bool next_data(csv_record& rec) {
    while (true) {
      if (m_pos >= m_text.size()) return false;
      if (m_text.compare(m_pos, 2, "==") == 0) {
        const std::size_t eol = m_text.find('\n', m_pos);
        m_pos = eol == std::string::npos ? m_text.size() : eol + 1;
        ++m_line;
        continue;
      }
      if (!next_record(m_text, m_pos, m_line, rec, m_file)) return false;
      if (blank(rec)) continue;
      if (rec.fields.size() != m_header.size()) {
        throw input_error(m_file, "line " + std::to_string(rec.line),
                          "expected " + std::to_string(m_header.size()) + " fields as in the header (line " +
                              std::to_string(m_header_line) + "), got " + std::to_string(rec.fields.size()));
      }
      return true;
    }
  }

  void read_wide() {
    std::vector<std::size_t> metric_columns;
    for (std::size_t i = 0; i < m_header.size(); ++i) {
      const std::string& name = m_header[i];
      if (k_identity_columns.count(name) != 0) continue;
      if (name.find("__") != std::string::npos) {
        metric_columns.push_back(i);
      } else {
        m_ignored_columns.push_back(name);
      }
    }
    if (metric_columns.empty()) {
      throw input_error(m_file, "line " + std::to_string(m_header_line),
                        "no metric columns (Nsight Compute metric names look like \"dram__bytes.sum\")");
    }
    m_summary = has_column("Count") && !has_column("ID");
    csv_record rec;
    std::vector<std::string> units;
    bool first = true;
    while (next_data(rec)) {
      if (first) {
        first = false;
        // Row 2 of `--page raw` holds units: its identity cells are empty.
        if (cell(rec, "Kernel Name").empty() && cell(rec, "ID").empty()) {
          units = rec.fields;
          m_units_row = true;
          continue;
        }
      }
      pending_kernel k;
      k.line = rec.line;
      k.id_text = cell(rec, "ID");
      for (const auto& name : k_identity_columns) {
        if (has_column(name)) k.identity[name] = cell(rec, name);
      }
      for (const std::size_t i : metric_columns) {
        pending_kernel::value v;
        v.text = rec.fields[i];
        v.has_unit = m_units_row;
        if (m_units_row) v.unit = units[i];
        k.metrics.emplace_back(m_header[i], std::move(v));
      }
      m_kernels.push_back(std::move(k));
    }
    if (m_kernels.empty()) throw input_error(m_file, "", "no kernel rows after the header");
  }

  void read_long() {
    std::unordered_map<std::string, std::size_t> by_id;
    std::set<std::string> current_metrics;  // without an ID column: the metrics of the last kernel
    csv_record rec;
    const bool has_id = has_column("ID");
    // The kernel columns of a row (not the per-metric ones): read only where a kernel may start.
    const auto identity_of = [&](const csv_record& r) {
      std::map<std::string, std::string> identity;
      for (const auto& name : k_identity_columns) {
        if (has_column(name) && name != "Section Name" && name.rfind("Metric", 0) != 0 && name.rfind("Rule", 0) != 0 &&
            name.rfind("Estimated", 0) != 0) {
          identity[name] = cell(r, name);
        }
      }
      return identity;
    };
    while (next_data(rec)) {
      std::string name = cell(rec, "Metric Name");
      if (name.find("__") == std::string::npos) {
        const auto label = m_table.labels().find(name);
        if (label != m_table.labels().end()) name = label->second;
      }
      std::size_t index = m_kernels.size();
      std::optional<std::map<std::string, std::string>> identity;
      if (has_id) {
        index = by_id.emplace(cell(rec, "ID"), m_kernels.size()).first->second;
      } else if (!m_kernels.empty() && !current_metrics.count(name) && m_kernels.back().identity == (identity = identity_of(rec))) {
        // No ID column: a kernel's rows are consecutive; a new kernel starts where the kernel's
        // columns change or a metric repeats.
        index = m_kernels.size() - 1;
      }
      if (index == m_kernels.size()) {
        pending_kernel k;
        k.line = rec.line;
        k.id_text = has_id ? cell(rec, "ID") : "";
        k.identity = identity ? std::move(*identity) : identity_of(rec);
        m_kernels.push_back(std::move(k));
        current_metrics.clear();
      }
      if (name.empty()) continue;
      if (!has_id) current_metrics.insert(name);
      pending_kernel::value v;
      v.text = cell(rec, "Metric Value");
      v.unit = cell(rec, "Metric Unit");
      v.has_unit = has_column("Metric Unit");
      m_kernels[index].metrics.emplace_back(std::move(name), std::move(v));
    }
    if (m_kernels.empty()) throw input_error(m_file, "", "no metric rows after the header");
  }

  // Converts one pending kernel into the model; `attributes`/`numeric_attributes` get the device
  // attributes. `launches` gets how many launches the record stands for: 1, or a summary row's
  // 'Count', in which case the counters and duration in the returned record are already one
  // launch's equal share (the row's sums divided by 'Count').
  trace_kernel convert(const pending_kernel& p, std::size_t ordinal, std::map<std::string, std::string>& attributes,
                       std::map<std::string, double>& numeric_attributes, std::int64_t& launches) {
    trace_kernel k;
    const std::string at = "line " + std::to_string(p.line);
    if (!p.id_text.empty()) {
      const auto id = parse_integer(p.id_text);
      if (!id) throw input_error(m_file, at + ", column 'ID'", "expected an integer, got \"" + p.id_text + "\"");
      k.id = *id;
    } else {
      k.id = static_cast<std::int64_t>(ordinal);
    }
    auto ident = [&](const std::string& name) -> std::string {
      const auto it = p.identity.find(name);
      return it == p.identity.end() ? std::string() : it->second;
    };
    k.name = ident("Kernel Name");
    if (k.name.rfind("_Z", 0) != 0) k.demangled = k.name;
    if (const std::string d = ident("Device"); !d.empty()) {
      const auto v = parse_integer(d);
      if (!v || *v < 0 || *v > std::numeric_limits<int>::max()) {
        throw input_error(m_file, at + ", column 'Device'", "expected a device index, got \"" + d + "\"");
      }
      k.device = static_cast<int>(*v);
    }
    if (const std::string s = ident("Stream"); !s.empty()) {
      if (const auto v = parse_integer(s)) k.stream = *v;
    }
    for (const char* shape : {"Grid Size", "Block Size"}) {
      const std::string text = ident(shape);
      if (text.empty()) continue;
      const auto d = parse_dim3(text);
      if (!d) {
        m_tally.add("launch shapes that are not \"(x, y, z)\"", text);
        continue;
      }
      (std::string(shape) == "Grid Size" ? k.grid : k.block) = d;
    }

    kernel_metrics m;
    launches = 1;
    if (m_summary) {
      const auto count = parse_integer(ident("Count"));
      if (!count || *count < 1) {
        throw input_error(m_file, at + ", column 'Count'",
                          "expected a positive whole number of launches, got \"" + ident("Count") + "\"");
      }
      launches = *count;
    }
    for (const auto& [name, v] : p.metrics) {
      const auto number = parse_number(v.text);
      if (!number) {
        if (trim(v.text).empty() || trim(v.text) == "n/a") continue;
        if (name.rfind("device__attribute_", 0) == 0) {
          attributes.emplace(name, v.text);
        } else {
          m_tally.add("non-numeric metric values skipped", name + " = \"" + v.text + "\"");
        }
        continue;
      }
      double scale = 1.0;
      if (v.has_unit) {
        const auto s = m_table.unit_scale(trim(v.unit));
        if (!s) {
          m_tally.add("metrics with units this importer does not know, skipped", name + " [" + v.unit + "]");
          continue;
        }
        scale = *s;
      } else if (name.find("time_duration") != std::string::npos) {
        m_tally.add("time metrics without a unit, skipped", name);
        continue;
      }
      double value = *number * scale;
      // A summary row holds each counter summed over its 'Count' launches (rates too: the
      // `.per_second` column is the sum of the per-launch rates). The file keeps no per-launch
      // values, so each launch gets an equal share: the sum / Count (the mean rate, for rates).
      if (launches > 1 && name.rfind("device__attribute_", 0) != 0) value /= static_cast<double>(launches);
      if (name.rfind("device__attribute_", 0) == 0) {
        numeric_attributes.emplace(name, value);
        const bool has_own_unit = v.has_unit && !trim(v.unit).empty();
        for (const auto& a : m_table.device_attributes()) {
          if (a.counter == name && a.scale && !has_own_unit) numeric_attributes[name] = *number * *a.scale;
        }
        continue;  // device properties, not kernel metrics
      }
      const auto [it, inserted] = m.raw.emplace(name, value);
      if (!inserted && it->second != value) m_tally.add("metrics recorded twice with different values (first kept)", name);
    }

    for (const auto& [field, counter] : m_table.kernel_fields()) {
      const auto it = m.raw.find(counter);
      if (it == m.raw.end() || it->second < 0.0 || std::floor(it->second) != it->second) continue;
      const auto v = static_cast<std::int64_t>(it->second);
      if (field == "registers_per_thread" && v <= std::numeric_limits<int>::max()) k.registers_per_thread = static_cast<int>(v);
      if (field == "static_shared_bytes") k.static_shared_bytes = v;
      if (field == "dynamic_shared_bytes") k.dynamic_shared_bytes = v;
    }

    std::optional<compute_capability> cc = parse_compute_capability(ident("CC"));
    if (!cc) {
      const auto major = numeric_attributes.find("device__attribute_compute_capability_major");
      const auto minor = numeric_attributes.find("device__attribute_compute_capability_minor");
      if (major != numeric_attributes.end() && minor != numeric_attributes.end()) {
        cc = compute_capability{static_cast<int>(major->second), static_cast<int>(minor->second)};
      }
    }
    if (cc) {
      m_seen_cc = true;
    } else if (m_options.assumed_cc) {
      cc = m_options.assumed_cc;
      m_assumed_cc = true;
    }
    for (const auto& note : m_table.apply(m, cc)) m_notes[note] += launches;

    if (const auto it = m.raw.find(m_table.duration_counter()); it != m.raw.end() && it->second >= 0.0) {
      m.duration_s = it->second;
    } else {
      const auto cycles = m.raw.find(m_table.cycles_counter());
      const auto rate = m.raw.find(m_table.cycles_per_second_counter());
      if (cycles != m.raw.end() && rate != m.raw.end() && rate->second > 0.0 && cycles->second >= 0.0) {
        m.duration_s = cycles->second / rate->second;
        m_duration_from_cycles = true;
      }
    }
    for (const auto& counter : m_table.sm_clock_counters()) {
      const auto it = m.raw.find(counter);
      if (it != m.raw.end() && it->second > 0.0) {
        m.sm_clock_hz = it->second;
        break;
      }
    }
    if (!m.flop.empty()) m_any_flop = true;
    for (const auto& [level, bytes] : m.bytes) {
      (void)bytes;
      m_levels.insert(level);
    }
    k.metrics = std::move(m);
    return k;
  }

  trace build() {
    trace t;
    t.source.tool = "ncu";
    t.source.file = m_file;
    std::map<int, trace_device> devices;
    std::set<std::int64_t> ids;
    std::int64_t cursor = 0;
    std::size_t missing_duration = 0;
    std::size_t copied_values = 0;  // counter values of the launches summary rows expanded to
    for (std::size_t i = 0; i < m_kernels.size(); ++i) {
      std::map<std::string, std::string> attributes;
      std::map<std::string, double> numeric_attributes;
      std::int64_t launches = 1;
      trace_kernel k = convert(m_kernels[i], t.kernels.size(), attributes, numeric_attributes, launches);
      const std::string at = "line " + std::to_string(m_kernels[i].line);
      const std::size_t per_launch = k.metrics->raw.size() + k.metrics->flop.size() + k.metrics->bytes.size() + 1;
      const double copies = static_cast<double>(launches - 1) * static_cast<double>(per_launch);
      if (copies > static_cast<double>(k_max_copied_values - copied_values)) {
        throw input_error(m_file, at + ", column 'Count'",
                          "Count " + std::to_string(launches) + " is too large: rafter keeps one record per launch (" +
                              std::to_string(per_launch) + " counter values each), and the file's launches would pass " +
                              std::to_string(k_max_copied_values) + " copied values");
      }
      copied_values += static_cast<std::size_t>(copies);
      // Nsight Compute replays each kernel alone: lay them end to end in file order. A summary
      // row's launches split its summed duration into equal whole-nanosecond parts.
      std::int64_t row_ns = 0;
      if (k.metrics->duration_s) {
        // Durations are laid end to end from 0 ns: a sum past 2^62 ns (146 years, the bound on a
        // rafter.trace/1 timestamp) is not a measurement.
        const double ns = std::round(*k.metrics->duration_s * static_cast<double>(launches) * 1e9);
        if (!(ns <= static_cast<double>(trace::max_abs_timestamp_ns - cursor))) {
          throw input_error(m_file, at,
                            "kernel duration " + std::to_string(*k.metrics->duration_s * static_cast<double>(launches)) +
                                " s is out of range (kernels laid end to end pass 2^62 ns)");
        }
        row_ns = static_cast<std::int64_t>(ns);
      } else {
        k.measured_times = false;
        missing_duration += static_cast<std::size_t>(launches);
      }
      note_device(devices, k, m_kernels[i], attributes, numeric_attributes);
      // rest * (j + 1) < launches^2 <= k_max_copied_values^2: no overflow.
      const std::int64_t whole = row_ns / launches, rest = row_ns % launches;
      const std::int64_t row_start = cursor;
      for (std::int64_t j = 0; j < launches; ++j) {
        trace_kernel launch = j + 1 == launches ? std::move(k) : k;
        if (j > 0) launch.id = static_cast<std::int64_t>(t.kernels.size());  // summary rows have no ID column
        launch.start_ns = row_start + whole * j + rest * j / launches;
        launch.end_ns = row_start + whole * (j + 1) + rest * (j + 1) / launches;
        if (!ids.insert(launch.id).second) {
          throw input_error(m_file, at + ", column 'ID'", "duplicate ID " + std::to_string(launch.id));
        }
        t.kernels.push_back(std::move(launch));
      }
      cursor = row_start + row_ns;
    }
    for (auto& [id, d] : devices) t.devices.push_back(std::move(d));

    auto& s = t.source;
    s.recorded.push_back("kernels");
    s.recorded.push_back("metrics");
    if (!t.devices.empty()) s.recorded.push_back("devices");
    s.recorded.push_back(std::string("form: ") +
                         (m_long ? "long CSV (one row per kernel and metric)"
                                 : m_summary ? "per-kernel summary CSV (one row per kernel name, counters summed over 'Count' launches)"
                                             : m_units_row ? "wide --page raw CSV with a units row" : "wide CSV without units"));
    s.not_recorded.push_back(m_duration_from_cycles
                                 ? "timeline: kernels serialized by replay; start times synthetic (durations from "
                                   "sm__cycles_elapsed.avg / sm__cycles_elapsed.avg.per_second)"
                                 : "timeline: kernels serialized by replay; start times synthetic");
    if (missing_duration > 0) {
      s.not_recorded.push_back("kernel durations: " + std::to_string(missing_duration) + " of " +
                               std::to_string(t.kernels.size()) + " kernels have no duration metric (" +
                               m_table.duration_counter() + "); they get zero-length placeholder times");
    }
    if (has_column("Kernel Time")) {
      s.not_recorded.push_back("'Kernel Time' (old ncu) is a wall-clock launch stamp with 1 s resolution, not a "
                               "duration; not used");
    }
    if (m_summary) {
      s.not_recorded.push_back("per-launch values: each row sums its 'Count' launches; every launch is given an equal "
                               "share (the row's counters and duration divided by Count, the mean of its rates)");
    }
    if (m_levels.empty()) {
      s.not_recorded.push_back("no memory traffic metrics (no DRAM, L2 or L1 byte counters in the file); bytes left empty");
    } else {
      for (const char* level : {"dram", "l2", "l1"}) {
        if (m_levels.count(level) == 0) s.not_recorded.push_back(std::string("bytes.") + level + ": no counters for this level");
      }
    }
    if (!m_any_flop) s.not_recorded.push_back("no FLOP counters (no SASS FP instruction or weighted tensor-pipe counters)");
    if (m_assumed_cc) {
      s.warnings.push_back(assumed_architecture_text(m_options) + "; the file does not name the architecture");
    }
    if (!m_seen_cc) s.not_recorded.push_back("GPU architecture (no CC column or compute capability attributes)");
    if (t.devices.empty()) s.not_recorded.push_back("device properties");
    s.not_recorded.push_back("copies, NVTX ranges, framework ops (Nsight Compute profiles kernels only)");
    for (const auto& [note, n] : m_notes) {
      s.not_recorded.push_back(note_for_kernels(note, n));
    }
    if (m_preamble_lines > 0) {
      s.warnings.push_back(std::to_string(m_preamble_lines) + " lines of program output before the CSV header skipped");
      s.counters["skipped_lines"] = static_cast<std::int64_t>(m_preamble_lines);
    }
    if (!m_ignored_columns.empty()) {
      std::string names;
      for (const auto& c : m_ignored_columns) names += (names.empty() ? "" : ", ") + c;
      s.warnings.push_back(std::to_string(m_ignored_columns.size()) +
                           " columns that are not Nsight Compute metrics ignored: " + names);
    }
    for (const auto& [what, n] : m_tally.counts) {
      s.warnings.push_back(std::to_string(n) + " " + what + " (e.g. " + m_tally.examples[what] + ")");
    }
    return t;
  }

  void note_device(std::map<int, trace_device>& devices, const trace_kernel& k, const pending_kernel& p,
                   const std::map<std::string, std::string>& attributes,
                   const std::map<std::string, double>& numeric_attributes) {
    const bool known = p.identity.count("Device") != 0 || p.identity.count("CC") != 0 || !attributes.empty() ||
                       !numeric_attributes.empty();
    if (!known || devices.count(k.device) != 0) return;
    trace_device d;
    d.id = k.device;
    if (const auto cc = parse_compute_capability(p.identity.count("CC") ? p.identity.at("CC") : "")) {
      d.cc_major = cc->major;
      d.cc_minor = cc->minor;
    }
    for (const auto& a : m_table.device_attributes()) {
      if (a.field == "name") {
        if (const auto it = attributes.find(a.counter); it != attributes.end()) d.name = it->second;
        continue;
      }
      const auto it = numeric_attributes.find(a.counter);
      if (it == numeric_attributes.end() || it->second < 0.0) continue;
      const double v = it->second;
      const auto as_int = [&]() -> std::optional<int> {
        if (std::floor(v) != v || v > std::numeric_limits<int>::max()) return std::nullopt;
        return static_cast<int>(v);
      };
      if (a.field == "cc_major") d.cc_major = as_int();
      if (a.field == "cc_minor") d.cc_minor = as_int();
      if (a.field == "sm_count") d.sm_count = as_int();
      if (a.field == "sm_clock_hz") d.sm_clock_hz = v;
      if (a.field == "memory_clock_hz") d.memory_clock_hz = v;
      if (a.field == "memory_bus_bits") d.memory_bus_bits = v;
      if (a.field == "memory_bytes") d.memory_bytes = v;
      if (a.field == "l2_bytes") d.l2_bytes = v;
      if (a.field == "shared_memory_per_sm_bytes") d.shared_memory_per_sm_bytes = v;
    }
    devices.emplace(k.device, std::move(d));
  }

  std::filesystem::path m_path;
  std::string m_file;
  ncu_import_options m_options;
  ncu_metric_table m_table;
  std::string m_text;
  std::size_t m_pos = 0;
  std::size_t m_line = 1;
  std::size_t m_preamble_lines = 0;
  std::vector<std::string> m_header;
  std::size_t m_header_line = 0;
  std::map<std::string, std::size_t> m_column;
  bool m_long = false;
  bool m_summary = false;
  bool m_units_row = false;
  bool m_duration_from_cycles = false;
  bool m_any_flop = false;
  bool m_seen_cc = false;
  bool m_assumed_cc = false;
  std::set<std::string> m_levels;
  std::vector<std::string> m_ignored_columns;
  std::vector<pending_kernel> m_kernels;
  std::map<std::string, std::int64_t> m_notes;
  tally m_tally;
};

}  // namespace

trace import_ncu(const std::filesystem::path& path) { return import_ncu(path, ncu_import_options{}); }

trace import_ncu(const std::filesystem::path& path, const ncu_import_options& options) {
  return ncu_reader(path, options).run();
}

std::string assumed_architecture_text(const ncu_import_options& options) {
  const auto& cc = options.assumed_cc.value();
  return "compute capability " + std::to_string(cc.major) + "." + std::to_string(cc.minor) + " (sm_" +
         std::to_string(cc.major) + std::to_string(cc.minor) + ") assumed from " +
         (options.assumed_cc_origin.empty() ? std::string("the caller") : options.assumed_cc_origin);
}

std::string note_for_kernels(const std::string& note, std::int64_t kernels) {
  return note + " (" + std::to_string(kernels) + (kernels == 1 ? " kernel)" : " kernels)");
}

}  // namespace rafter

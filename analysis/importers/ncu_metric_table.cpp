#include "analysis/importers/ncu_metric_table.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include <fmt/format.h>

#include "core/config_paths.hpp"
#include "core/error.hpp"
#include "core/json_file.hpp"
#include "core/json_reader.hpp"

namespace rafter {

namespace {

constexpr const char* k_schema = "rafter.ncu_metrics/1";

compute_capability req_cc(const json_reader& r, const std::string& key) {
  const std::string text = r.req_string(key);
  const auto cc = parse_compute_capability(text);
  if (!cc) r.fail(key, "expected a compute capability \"major.minor\", got \"" + text + "\"");
  return *cc;
}

std::vector<ncu_metric_table::entry> read_entries(const json_reader& root, const std::string& key) {
  std::vector<ncu_metric_table::entry> out;
  std::set<std::string> seen_counters;
  for (const json_reader& e : root.req_object_array(key)) {
    ncu_metric_table::entry entry;
    entry.key = e.req_string("key");
    if (entry.key.empty()) e.fail("key", "must not be empty");
    if (e.req_string("source").empty()) e.fail("source", "must say where the weights come from");
    if (const auto arch = e.opt_object("architectures")) {
      entry.min_cc = req_cc(*arch, "min");
      entry.max_cc = req_cc(*arch, "max");
      if (*entry.max_cc < *entry.min_cc) arch->fail("max", "below min");
    }
    for (const json_reader& a : e.req_object_array("alternatives")) {
      ncu_metric_table::alternative alt;
      for (const json_reader& t : a.req_object_array("terms")) {
        ncu_metric_table::term term;
        term.counter = t.req_string("counter");
        if (term.counter.find("__") == std::string::npos) t.fail("counter", "not an Nsight Compute metric name");
        term.weight = t.req_number("weight");
        if (!(term.weight > 0.0)) t.fail("weight", "must be positive");
        alt.terms.push_back(std::move(term));
      }
      if (alt.terms.empty()) a.fail("terms", "must not be empty");
      entry.alternatives.push_back(std::move(alt));
    }
    if (entry.alternatives.empty()) e.fail("alternatives", "must not be empty");
    out.push_back(std::move(entry));
  }
  return out;
}

bool in_range(const ncu_metric_table::entry& e, const compute_capability& cc) {
  return (!e.min_cc || *e.min_cc <= cc) && (!e.max_cc || cc <= *e.max_cc);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string format_counter(double v) { return fmt::format("{:g}", v); }

}  // namespace

std::optional<compute_capability> parse_compute_capability(const std::string& text) {
  const auto dot = text.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 >= text.size()) return std::nullopt;
  compute_capability cc;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto r1 = std::from_chars(begin, begin + dot, cc.major);
  auto r2 = std::from_chars(begin + dot + 1, end, cc.minor);
  if (r1.ec != std::errc() || r1.ptr != begin + dot || r2.ec != std::errc() || r2.ptr != end) return std::nullopt;
  if (cc.major < 0 || cc.minor < 0) return std::nullopt;
  return cc;
}

std::optional<compute_capability> parse_gpu_architecture(const std::string& text) {
  if (text.rfind("sm_", 0) != 0) return parse_compute_capability(text);
  const auto named = compute_capabilities_named_in(text);
  // The whole text must be the one token: "sm_70", "sm_90a".
  if (named.size() != 1) return std::nullopt;
  std::size_t end = 3;
  while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
  if (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) ++end;
  if (end != text.size()) return std::nullopt;
  return named.front();
}

std::vector<compute_capability> compute_capabilities_named_in(const std::string& text) {
  std::vector<compute_capability> out;
  for (std::size_t at = text.find("sm_"); at != std::string::npos; at = text.find("sm_", at + 3)) {
    if (at > 0 && std::isalnum(static_cast<unsigned char>(text[at - 1]))) continue;  // "xsm_70" is no token
    std::size_t end = at + 3;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    const std::size_t digits = end - (at + 3);
    if (digits < 2 || digits > 4) continue;
    // The last digit is the minor version: sm_70 -> 7.0, sm_121 -> 12.1.
    const compute_capability cc{std::stoi(text.substr(at + 3, digits - 1)), text[end - 1] - '0'};
    if (std::find(out.begin(), out.end(), cc) == out.end()) out.push_back(cc);
  }
  return out;
}

ncu_metric_table ncu_metric_table::load(const std::filesystem::path& file) {
  const json document = read_json_file(file);
  const json_reader root(document, file.string(), "");
  if (!document.is_object()) root.fail("", "expected a JSON object");
  if (root.req_string("schema") != k_schema) root.fail("schema", std::string("expected \"") + k_schema + "\"");

  ncu_metric_table t;
  t.m_flop = read_entries(root, "flop");
  t.m_bytes = read_entries(root, "bytes");
  for (const json_reader& u : root.opt_object_array("unweighted")) {
    unweighted w;
    w.prefix = u.req_string("prefix");
    w.suffix = u.opt_string("suffix").value_or("");
    w.note = u.req_string("note");
    if (w.prefix.empty()) u.fail("prefix", "must not be empty");
    t.m_unweighted.push_back(std::move(w));
  }

  const json_reader duration = root.req_object("duration");
  t.m_duration_counter = duration.req_string("counter");
  t.m_cycles_counter = duration.req_string("cycles");
  t.m_cycles_per_second_counter = duration.req_string("cycles_per_second");
  t.m_sm_clock_counters = root.opt_string_array("sm_clock_hz");

  if (const auto labels = root.opt_object("labels")) {
    const json_reader map = labels->req_object("map");
    for (const auto& [label, value] : map.value().items()) {
      (void)value;
      t.m_labels[label] = map.req_string(label);
    }
  }
  if (const auto fields = root.opt_object("kernel_fields")) {
    for (const auto& [field, value] : fields->value().items()) {
      (void)value;
      if (field != "registers_per_thread" && field != "static_shared_bytes" && field != "dynamic_shared_bytes") {
        fields->fail(field, "unknown kernel field (expected registers_per_thread, static_shared_bytes or "
                            "dynamic_shared_bytes)");
      }
      t.m_kernel_fields[field] = fields->req_string(field);
    }
  }
  if (const auto attrs = root.opt_object("device_attributes")) {
    static const std::set<std::string> k_fields = {"name", "cc_major", "cc_minor", "sm_count", "sm_clock_hz",
                                                   "memory_clock_hz", "memory_bus_bits", "memory_bytes", "l2_bytes",
                                                   "shared_memory_per_sm_bytes"};
    for (const json_reader& a : attrs->req_object_array("map")) {
      device_attribute d;
      d.counter = a.req_string("counter");
      d.field = a.req_string("field");
      if (k_fields.count(d.field) == 0) a.fail("field", "unknown device field \"" + d.field + "\"");
      d.scale = a.opt_non_negative("scale");
      t.m_device_attributes.push_back(std::move(d));
    }
  }

  const json_reader units = root.req_object("units");
  const json_reader prefixes = units.req_object("prefixes");
  for (const auto& [prefix, value] : prefixes.value().items()) {
    (void)value;
    if (prefix.size() != 1) prefixes.fail(prefix, "a unit prefix is one character");
    t.m_unit_prefixes[prefix] = prefixes.req_non_negative(prefix);
  }
  t.m_unit_words = units.opt_string_array("words");
  if (t.m_unit_words.empty()) units.fail("words", "must list the unit words");
  return t;
}

ncu_metric_table ncu_metric_table::load_default() {
  const auto dir = find_config_dir();
  if (!dir) {
    throw input_error("configs/ncu_metrics.json", "",
                      "no configs directory found (set RAFTER_CONFIG_DIR); the counter -> FLOP table is needed");
  }
  return load(*dir / "ncu_metrics.json");
}

std::optional<double> ncu_metric_table::unit_scale(const std::string& unit) const {
  if (unit.empty()) return 1.0;
  double scale = 1.0;
  bool denominator = false;
  std::size_t begin = 0;
  while (begin <= unit.size()) {
    const std::size_t slash = unit.find('/', begin);
    const std::string part = unit.substr(begin, slash == std::string::npos ? std::string::npos : slash - begin);
    double factor = 0.0;
    auto is_word = [&](const std::string& w) {
      for (const auto& known : m_unit_words) {
        if (known == w) return true;
      }
      return false;
    };
    if (is_word(part)) {
      factor = 1.0;
    } else if (part.size() > 1 && is_word(part.substr(1))) {
      const auto p = m_unit_prefixes.find(part.substr(0, 1));
      if (p == m_unit_prefixes.end()) return std::nullopt;
      factor = p->second;
    } else {
      return std::nullopt;
    }
    scale = denominator ? scale / factor : scale * factor;
    if (slash == std::string::npos) break;
    if (denominator) return std::nullopt;  // "a/b/c" is not a unit Nsight Compute writes.
    denominator = true;
    begin = slash + 1;
  }
  return scale;
}

std::vector<std::string> ncu_metric_table::apply(kernel_metrics& metrics,
                                                 const std::optional<compute_capability>& cc) const {
  std::vector<std::string> notes;
  std::set<std::string> accounted;  // counters used, or already explained by a note
  auto uncounted = [&](bool flop, const std::string& key) {
    if (flop && std::find(metrics.uncounted_flop.begin(), metrics.uncounted_flop.end(), key) == metrics.uncounted_flop.end()) {
      metrics.uncounted_flop.push_back(key);
    }
  };
  auto run = [&](const std::vector<entry>& entries, std::map<std::string, double>& out, const char* what, bool flop) {
    for (const entry& e : entries) {
      const bool gated = e.min_cc || e.max_cc;
      if (gated && !cc) {
        std::vector<std::string> present;
        bool work = false;
        for (const auto& alt : e.alternatives) {
          for (const auto& t : alt.terms) {
            if (const auto it = metrics.raw.find(t.counter); it != metrics.raw.end()) {
              present.push_back(t.counter);
              accounted.insert(t.counter);
              work = work || it->second != 0.0;
            }
          }
        }
        if (!present.empty()) {
          notes.push_back(e.key + " " + what + ": the weight of " + join(present) +
                          " " + k_architecture_not_named);
        }
        if (work) uncounted(flop, e.key);
        continue;
      }
      if (gated && !in_range(e, *cc)) continue;
      if (out.count(e.key) != 0) continue;
      const alternative* partial = nullptr;
      std::vector<std::string> missing;
      bool done = false;
      for (const auto& alt : e.alternatives) {
        double sum = 0.0;
        std::vector<std::string> absent;
        std::vector<std::string> negative;  // counters count events: below zero, the file is wrong
        for (const auto& t : alt.terms) {
          const auto it = metrics.raw.find(t.counter);
          if (it == metrics.raw.end()) {
            absent.push_back(t.counter);
          } else {
            if (it->second < 0.0) negative.push_back(t.counter + " = " + format_counter(it->second));
            sum += t.weight * it->second;
          }
        }
        if (absent.empty()) {
          for (const auto& t : alt.terms) accounted.insert(t.counter);
          done = true;
          if (!negative.empty()) {
            notes.push_back(e.key + " " + what + ": negative counter values (" + join(negative) + "), not counted");
            uncounted(flop, e.key);
            break;
          }
          out[e.key] = sum;
          break;
        }
        if (partial == nullptr && absent.size() < alt.terms.size()) {
          partial = &alt;
          missing = absent;
        }
      }
      if (!done && partial != nullptr) {
        bool work = false;
        for (const auto& t : partial->terms) {
          accounted.insert(t.counter);
          if (const auto it = metrics.raw.find(t.counter); it != metrics.raw.end()) work = work || it->second != 0.0;
        }
        notes.push_back(e.key + " " + what + ": incomplete counters (missing " + join(missing) + ")");
        if (work) uncounted(flop, e.key);
      }
    }
  };
  run(m_flop, metrics.flop, "FLOP", /*flop=*/true);
  run(m_bytes, metrics.bytes, "bytes", /*flop=*/false);

  for (const auto& [counter, value] : metrics.raw) {
    if (value == 0.0 || accounted.count(counter) != 0) continue;
    for (const auto& u : m_unweighted) {
      if (counter.rfind(u.prefix, 0) == 0 && ends_with(counter, u.suffix)) {
        notes.push_back(counter + ": " + u.note);
        uncounted(/*flop=*/true, counter);  // every unweighted counter counts FLOP-like work
        break;
      }
    }
  }
  return notes;
}

}  // namespace rafter

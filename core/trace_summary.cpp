#include "core/trace_summary.hpp"

#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/file_reader.hpp"

namespace rafter {

namespace {

// The JSON object that starts at text[open] ('{'), or an empty view when it does not end in text.
std::string_view object_at(std::string_view text, std::size_t open) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character, whatever it is
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return text.substr(open, i + 1 - open);
    }
  }
  return {};
}

std::string thousands(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return n < 0 ? "-" + digits : digits;
}

}  // namespace

std::string trace_summary::describe() const {
  auto get = [&](const char* key) -> std::optional<std::int64_t> {
    const auto it = counters.find(key);
    return it == counters.end() ? std::nullopt : std::optional<std::int64_t>(it->second);
  };
  std::vector<std::string> counts;
  if (const auto k = get("kernels")) counts.push_back(thousands(*k) + (*k == 1 ? " kernel" : " kernels"));
  if (const auto m = get("kernels_with_metrics")) counts.push_back(thousands(*m) + " with counters");
  if (const auto c = get("copies")) counts.push_back(thousands(*c) + (*c == 1 ? " copy" : " copies"));
  std::string out;
  for (const auto& c : counts) out += (out.empty() ? "" : ", ") + c;
  if (const auto d = get("dropped_records")) {
    out += fmt::format("{}{} record{} dropped", out.empty() ? "" : "; ", thousands(*d), *d == 1 ? "" : "s");
  }
  if (warnings > 0) out += fmt::format("{}{} warning{}", out.empty() ? "" : "; ", warnings, warnings == 1 ? "" : "s");
  return out;
}

std::optional<trace_summary> read_trace_summary(const std::filesystem::path& path, std::size_t prefix_bytes) {
  std::string text;
  try {
    text = read_file_prefix(path, prefix_bytes);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  const std::size_t schema = text.find("\"rafter.trace/");
  const std::size_t key = text.find("\"source\"");
  if (schema == std::string::npos || key == std::string::npos) return std::nullopt;
  const std::size_t open = text.find('{', key);
  if (open == std::string::npos) return std::nullopt;
  const std::string_view object = object_at(text, open);
  if (object.empty()) return std::nullopt;
  const auto source = nlohmann::json::parse(object, nullptr, false);
  if (source.is_discarded() || !source.is_object()) return std::nullopt;
  trace_summary s;
  if (const auto it = source.find("counters"); it != source.end() && it->is_object()) {
    for (const auto& [name, value] : it->items()) {
      if (value.is_number_integer()) s.counters[name] = value.get<std::int64_t>();
    }
  }
  if (const auto it = source.find("warnings"); it != source.end() && it->is_array()) s.warnings = it->size();
  return s;
}

}  // namespace rafter

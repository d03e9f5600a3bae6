#include "analysis/importers/import_trace.hpp"

#include <cctype>
#include <cstring>
#include <string>

#include "analysis/importers/assumed_architecture_weights.hpp"
#include "analysis/importers/kineto_importer.hpp"
#include "analysis/importers/ncu_importer.hpp"
#include "analysis/importers/nsys_importer.hpp"
#include "core/error.hpp"
#include "core/file_reader.hpp"

namespace rafter {

namespace {

constexpr std::size_t k_sniff_bytes = 64 * 1024;

bool starts_with(const std::string& s, const char* prefix) { return s.compare(0, std::strlen(prefix), prefix) == 0; }

/// Whether a JSON object's top-level "schema" (within the sniffed prefix) names a rafter document.
bool has_rafter_schema(const std::string& text) {
  for (std::size_t at = text.find("\"schema\""); at != std::string::npos; at = text.find("\"schema\"", at + 1)) {
    std::size_t i = at + 8;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size() || text[i] != ':') continue;
    ++i;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (text.compare(i, 8, "\"rafter.") == 0) return true;
  }
  return false;
}

}  // namespace

trace_format detect_trace_format(const std::filesystem::path& path) {
  const std::string head = read_file_prefix(path, k_sniff_bytes);
  if (head.empty()) throw input_error(path.string(), "", "empty file: not a trace of any format rafter imports");
  if (head.size() >= 16 && std::memcmp(head.data(), "SQLite format 3\0", 16) == 0) return trace_format::nsys;
  std::size_t i = starts_with(head, "\xEF\xBB\xBF") ? 3 : 0;
  while (i < head.size() && std::isspace(static_cast<unsigned char>(head[i]))) ++i;
  if (i < head.size() && head[i] == '{') return has_rafter_schema(head) ? trace_format::rafter : trace_format::kineto;
  const std::string first_line = head.substr(i, head.find('\n', i) - i);
  if (head.find("==PROF==") != std::string::npos ||
      (first_line.find("Kernel Name") != std::string::npos &&
       (first_line.find("\"ID\"") != std::string::npos || first_line.find("__") != std::string::npos))) {
    // Raw ncu exports carry "ID"; per-kernel summaries carry metric columns (`dram__bytes.sum`).
    return trace_format::ncu;
  }
  if (first_line.find("__") != std::string::npos && first_line.find(',') != std::string::npos) {
    throw input_error(path.string(), "line 1",
                      "a CSV with Nsight Compute metric columns but no \"Kernel Name\" column, which names the kernels: "
                      "export with `ncu --csv --page raw` or `ncu --csv --print-summary per-kernel`");
  }
  throw input_error(path.string(), "",
                    "unknown format at byte " + std::to_string(i) +
                        ": not a Kineto JSON, rafter trace, Nsight Systems SQLite export or Nsight Compute CSV");
}

trace import_trace(const std::filesystem::path& path, std::optional<trace_format> format, const ncu_import_options& ncu) {
  const trace_format f = format ? *format : detect_trace_format(path);
  switch (f) {
    case trace_format::rafter: {
      trace t = load_trace(path);
      weigh_with_assumed_architecture(t, ncu);
      return t;
    }
    case trace_format::kineto: return import_kineto(path);
    case trace_format::nsys: return import_nsys(path);
    case trace_format::ncu: return import_ncu(path, ncu);
  }
  throw usage_error("unknown trace format");
}

}  // namespace rafter

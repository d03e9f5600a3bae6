#include "analysis/importers/trace_format.hpp"

#include "core/error.hpp"

namespace rafter {

const char* to_string(trace_format format) noexcept {
  switch (format) {
    case trace_format::rafter: return "rafter";
    case trace_format::kineto: return "kineto";
    case trace_format::nsys: return "nsys";
    case trace_format::ncu: return "ncu";
  }
  return "unknown";
}

std::optional<trace_format> trace_format_from_name(const std::string& name) {
  if (name == "auto") return std::nullopt;
  for (const trace_format f : {trace_format::rafter, trace_format::kineto, trace_format::nsys, trace_format::ncu}) {
    if (name == to_string(f)) return f;
  }
  throw usage_error("--format: unknown format \"" + name + "\" (expected auto, kineto, nsys, ncu or rafter)");
}

}  // namespace rafter

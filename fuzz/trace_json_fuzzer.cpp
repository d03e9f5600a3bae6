// libFuzzer target: trace_from_json (rafter.trace/1) on arbitrary JSON.
// Contracts checked: every JSON document either reads or throws `input_error`; and a trace that
// reads writes back (to_json) as a document that reads again to the same JSON (what rafter
// writes, rafter reads). Bytes that are not JSON are not rafter's concern here (nlohmann's parser).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "core/error.hpp"
#include "core/trace.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const rafter::json document = rafter::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return 0;
  rafter::trace t;
  try {
    t = rafter::trace_from_json(document, "fuzz.json");
  } catch (const rafter::input_error&) {
    return 0;
  }
  const rafter::json written = rafter::to_json(t);
  try {
    const rafter::json again = rafter::to_json(rafter::trace_from_json(written, "written.json"));
    if (again != written) {
      std::fprintf(stderr, "round trip changed the trace:\n%s\n%s\n", written.dump().c_str(), again.dump().c_str());
      std::abort();
    }
  } catch (const rafter::input_error& e) {
    std::fprintf(stderr, "rafter cannot read the trace it wrote: %s\n%s\n", e.what(), written.dump().c_str());
    std::abort();
  }
  return 0;
}

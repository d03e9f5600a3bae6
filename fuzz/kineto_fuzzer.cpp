// libFuzzer target: import_kineto on arbitrary bytes (plain or gzip Chrome-trace JSON).
// Contract checked: every input either imports or throws `input_error`; anything else (another
// exception, a sanitizer report, a hang) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "analysis/importers/kineto_importer.hpp"
#include "core/error.hpp"
#include "fuzz/fuzz_input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static rafter::fuzz::fuzz_input_file file(".json");
  const auto& path = file.write(data, size);
  try {
    const rafter::trace t = rafter::import_kineto(path);
    (void)t;
  } catch (const rafter::input_error& e) {
    if (rafter::fuzz::verbose()) std::fprintf(stderr, "input_error: %s\n", e.what());
  }
  return 0;
}

// libFuzzer target: import_nsys on arbitrary bytes written to a file (SQLite opens paths only).
// Contract checked: every input either imports or throws `input_error`; anything else (another
// exception, a sanitizer report, a hang) is a bug. Seeds are small valid nsys exports, so the
// mutations reach table and column handling, not only the SQLite header check.
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "analysis/importers/nsys_importer.hpp"
#include "core/error.hpp"
#include "fuzz/fuzz_input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static rafter::fuzz::fuzz_input_file file(".sqlite");
  const auto& path = file.write(data, size);
  try {
    const rafter::trace t = rafter::import_nsys(path);
    (void)t;
  } catch (const rafter::input_error& e) {
    if (rafter::fuzz::verbose()) std::fprintf(stderr, "input_error: %s\n", e.what());
  }
  return 0;
}

// Times rafter's Kineto importer on one file, in this process only (the driver,
// bench/ingest/ingest_bench.py, measures peak RSS and CPU time of the whole process from outside).
// Prints one JSON line: {"seconds": wall time of import_kineto, "kernels": ..., "copies": ...,
// "ranges": ..., "ops": ..., "skipped": events counted as oddities}. Exit 2 on bad input.
#include <chrono>
#include <cstdint>
#include <cstdio>

#include "analysis/importers/kineto_importer.hpp"
#include "core/error.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s KINETO_TRACE(.json|.json.gz)\n", argv[0]);
    return 2;
  }
  try {
    const auto start = std::chrono::steady_clock::now();
    const rafter::trace t = rafter::import_kineto(argv[1]);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    std::int64_t skipped = 0;
    for (const auto& [name, count] : t.source.counters) skipped += name.find("skipped") != std::string::npos ? count : 0;
    std::printf("{\"seconds\": %.6f, \"kernels\": %zu, \"copies\": %zu, \"ranges\": %zu, \"ops\": %zu, \"skipped\": %lld}\n",
                elapsed.count(), t.kernels.size(), t.copies.size(), t.ranges.size(), t.ops.size(),
                static_cast<long long>(skipped));
  } catch (const rafter::error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  return 0;
}

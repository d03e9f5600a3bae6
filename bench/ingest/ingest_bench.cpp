// Times rafter's Kineto importer on one file, in this process only (the driver,
// bench/ingest/ingest_bench.py, measures peak RSS and CPU time of the whole process from outside).
// Prints one JSON line: {"seconds": wall time of import_kineto, "cpu_seconds": this process's user +
// system CPU time during import_kineto (getrusage), "kernels": ..., "copies": ..., "ranges": ...,
// "ops": ..., "skipped": events counted as oddities}. Exit 2 on bad input.
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>

#include "analysis/importers/kineto_importer.hpp"
#include "core/error.hpp"

namespace {

/// User + system CPU seconds of this process so far.
double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  const auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s KINETO_TRACE(.json|.json.gz)\n", argv[0]);
    return 2;
  }
  try {
    const double cpu_start = cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    const rafter::trace t = rafter::import_kineto(argv[1]);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    const double cpu = cpu_seconds() - cpu_start;
    std::int64_t skipped = 0;
    for (const auto& [name, count] : t.source.counters) skipped += name.find("skipped") != std::string::npos ? count : 0;
    std::printf("{\"seconds\": %.6f, \"cpu_seconds\": %.6f, \"kernels\": %zu, \"copies\": %zu, \"ranges\": %zu, \"ops\": %zu, "
                "\"skipped\": %lld}\n",
                elapsed.count(), cpu, t.kernels.size(), t.copies.size(), t.ranges.size(), t.ops.size(),
                static_cast<long long>(skipped));
  } catch (const rafter::error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  return 0;
}

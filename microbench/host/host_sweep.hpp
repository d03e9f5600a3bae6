#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/machine_profile.hpp"
#include "core/progress.hpp"

namespace rafter::host {

/// What `rafter sweep --backend host` measures, parsed once from the command line.
struct sweep_options {
  std::string preset = "quick";  ///< "quick" (about a minute on 2 cores) or "full" (a few minutes).
  bool memory = true;            ///< Bandwidth versus working set: read, write, copy, triad.
  bool latency = true;           ///< Pointer-chase latency versus footprint.
  bool compute = true;           ///< FMA, add+mul and dot-product peaks.
  int threads = 0;               ///< Threads for bandwidth and compute; 0 = one per physical core.
  std::uint64_t seed = 0x5eed;   ///< Seed of the pointer-chase permutations.
  std::string command;           ///< The command line, recorded in the profile.
};

/// Runs the host characterization and returns a `rafter.machine/1` profile of this CPU. Every
/// kernel's result is checked against a host reference before its time counts; a wrong result
/// throws `rafter::error` with exit code 1. Throws `interrupted_error` on Ctrl-C.
[[nodiscard]] machine_profile run_host_sweep(const sweep_options& options, progress& progress);


}  // namespace rafter::host

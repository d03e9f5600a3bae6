#pragma once

#include <string>

namespace rafter::cli {

/// Options of each subcommand, parsed once from the command line and then read-only.

struct sweep_options {
  std::string backend = "host";  ///< host | cuda
  std::string preset = "quick";  ///< quick | full
  std::string suites = "memory,latency,compute";
  int threads = 0;               ///< host: 0 = one per physical core
  int device = 0;                ///< cuda: device index
  std::string output;            ///< -o: the machine profile (JSON)
  std::string html;              ///< --html: optional report
  std::string progress = "auto"; ///< auto | live | plain | quiet
  std::string command_line;      ///< What was typed, recorded in the profile.
  std::string datasheet;         ///< --datasheet: a rafter.machine/1 datasheet to compare with
};

struct report_options {
  std::string input;  ///< A rafter.machine/1 or rafter.analysis/1 document.
  std::string html;
};

struct devices_options {
  std::string backend = "all";  ///< all | host | cuda
  bool datasheets = false;
  bool json = false;
};

}  // namespace rafter::cli

#pragma once

#include <string>
#include <vector>

#include "analysis/ceiling_entry.hpp"

namespace rafter {

/// One of the two documents of a comparison: what it is and the roofs of its machine, so reports
/// draw both rooflines from the comparison alone.
struct comparison_side {
  std::string file;      ///< As given on the command line.
  std::string schema;    ///< "rafter.machine/1", "rafter.analysis/1".
  std::string name;      ///< Device name (for analyses: the machine it was placed on).
  std::string obtained;  ///< How the figures were obtained, in one sentence; or the trace file.
  std::vector<ceiling_entry> compute;  ///< FLOP/s.
  std::vector<ceiling_entry> memory;   ///< Roofline bandwidth per level, B/s.
  std::vector<ceiling_entry> links;    ///< B/s.
};

}  // namespace rafter

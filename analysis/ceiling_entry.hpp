#pragma once

#include <string>

#include "core/machine_profile.hpp"

namespace rafter {

/// One roof of the machine as an analysis records it, so reports draw the roofline from the
/// analysis alone: a compute ceiling (FLOP/s), a memory level or a link (B/s).
struct ceiling_entry {
  std::string id;         ///< Compute ceiling id, memory level or link id.
  std::string precision;  ///< Compute only.
  std::string unit;       ///< Compute only: vector, tensor, ...
  double per_s = 0.0;     ///< FLOP/s for compute, B/s for memory and links.
  figure_source source = figure_source::measured;
  std::string note;
};

}  // namespace rafter

#pragma once

#include <optional>
#include <string>

namespace rafter {

/// One kernel group at one memory level of the hierarchical roofline.
struct level_placement {
  std::string level;  ///< The machine's level name ("hbm", "dram", "l2", "l1").
  double bytes = 0.0;  ///< Traffic at this level over the group's launches that carried work.
  std::optional<double> arithmetic_intensity;    ///< flop / bytes (FLOP/byte); nothing when bytes = 0.
  std::optional<double> achieved_bytes_per_s;    ///< bytes / work time.
  std::optional<double> bytes_per_s_ceiling;     ///< The level's roofline bandwidth; nothing when the profile lacks the level.
  std::optional<double> attainable_flop_per_s;   ///< min(compute ceiling, AI x bandwidth) at this level.
  std::optional<double> fraction_of_bandwidth;   ///< achieved_bytes_per_s / bytes_per_s_ceiling.
};

}  // namespace rafter

#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rafter {

/// Copies (memcpy / memset activity records) of one kind over the trace, against a link ceiling
/// when the machine has one for that kind.
struct copy_summary {
  std::string kind;  ///< "h2d", "d2h", "d2d", "p2p", "memset", ...
  std::int64_t count = 0;
  double bytes = 0.0;
  double time_s = 0.0;  ///< Sum of durations.
  std::optional<double> achieved_bytes_per_s;  ///< bytes / time_s.
  std::string link;  ///< The link ceiling compared against; empty when none applies.
  std::optional<double> link_bytes_per_s;  ///< One direction of the link, B/s.
  std::optional<double> fraction_of_link;
};

}  // namespace rafter

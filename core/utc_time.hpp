#pragma once

#include <string>

namespace rafter {

/// The current time in UTC as ISO 8601 with second resolution ("2026-12-02T15:50:07Z"): the
/// `created_utc` of every document rafter writes.
[[nodiscard]] std::string utc_now();

}  // namespace rafter

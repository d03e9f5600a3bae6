#pragma once

#include <string>

#include "core/machine_profile.hpp"

namespace rafter::cli {

/// A plain-text summary of a profile's ceilings for the terminal (rates in decimal units).
[[nodiscard]] std::string profile_summary(const machine_profile& profile);

}  // namespace rafter::cli

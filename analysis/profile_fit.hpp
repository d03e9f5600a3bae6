#pragma once

#include <optional>
#include <string>

#include "analysis/machine_matcher.hpp"
#include "core/machine_profile.hpp"
#include "core/trace.hpp"

namespace rafter {

/// Whether the machine profile `profile` (read from `profile_file`) can be the machine `t` was
/// recorded on. A warning, in one sentence, when the trace names the devices its kernels ran on and
/// the profile is none of them: its `device.name` is none of theirs, and `profile_file`'s stem is
/// not the datasheet `matcher` picks for any of them. nullopt when they fit, or when the trace
/// names no device (nothing to check). `role` names the profile in the sentence ("--from").
[[nodiscard]] std::optional<std::string> profile_mismatch(const trace& t, const machine_profile& profile,
                                                          const std::string& profile_file, const machine_matcher& matcher,
                                                          const std::string& role);

}  // namespace rafter

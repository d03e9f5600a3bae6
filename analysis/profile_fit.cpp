#include "analysis/profile_fit.hpp"

#include <filesystem>
#include <set>

namespace rafter {

std::optional<std::string> profile_mismatch(const trace& t, const machine_profile& profile,
                                            const std::string& profile_file, const machine_matcher& matcher,
                                            const std::string& role) {
  const std::set<std::string> names = kernel_device_names(t);
  if (names.empty()) return std::nullopt;
  const std::string stem = std::filesystem::path(profile_file).stem().string();
  std::string list;
  std::string datasheets;
  for (const auto& name : names) {
    if (name == profile.device.name) return std::nullopt;
    const auto match = matcher.find(name);
    if (match && match->datasheet == stem) return std::nullopt;
    list += (list.empty() ? "\"" : ", \"") + name + "\"";
    if (match) datasheets += (datasheets.empty() ? "" : ", ") + match->datasheet;
  }
  return "the trace was recorded on " + list + ", but " + role + " is \"" + profile.device.name + "\" (" + profile_file +
         ")" + (datasheets.empty() ? "" : "; the datasheet for the trace's device is " + datasheets) +
         ": every ratio comes from the profile given, not from the device that ran the trace";
}

}  // namespace rafter

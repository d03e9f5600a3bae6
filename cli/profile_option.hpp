#pragma once

#include <filesystem>
#include <string>

namespace rafter::cli {

/// The machine profile a command-line option names: `given` when it is a file, else the datasheet
/// `configs/hardware/<given>.json` ("h100_sxm5"). `option` names the option in messages
/// ("rafter analyze: --machine"). Throws `usage_error` naming both places looked in, or saying
/// the configs/ directory cannot be found when a datasheet name needs it.
[[nodiscard]] std::filesystem::path profile_option_path(const std::string& given, const std::string& option);

/// True when `path` (from profile_option_path) is a datasheet found by name, not the file given.
[[nodiscard]] bool named_datasheet(const std::string& given, const std::filesystem::path& path);

}  // namespace rafter::cli

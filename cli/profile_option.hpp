#pragma once

#include <filesystem>
#include <string>

namespace rafter::cli {

/// The machine profile a command-line option names: `given` when it is a file, else the datasheet
/// `configs/hardware/<given>.json` ("h100_sxm5"). `option` names the option in messages
/// ("rafter analyze: --machine"). Throws `usage_error` naming both places looked in, saying the
/// configs/ directory cannot be found when a datasheet name needs it, or saying why a path cannot
/// be looked at (a loop of symbolic links).
[[nodiscard]] std::filesystem::path profile_option_path(const std::string& given, const std::string& option);

/// The file `given` names for profile_option_path, without throwing: `given` itself when it is
/// not found anywhere (profile_option_path says so later). For checking, before any work, that no
/// output would replace an input named by datasheet ("-o configs/hardware/h100_sxm5.json" beside
/// "--machine h100_sxm5"). Empty for an empty `given`.
[[nodiscard]] std::filesystem::path profile_option_input(const std::string& given);

/// True when `path` (from profile_option_path) is a datasheet found by name, not the file given.
[[nodiscard]] bool named_datasheet(const std::string& given, const std::filesystem::path& path);

}  // namespace rafter::cli

#include "cli/profile_option.hpp"

#include <system_error>

#include "core/config_paths.hpp"
#include "core/error.hpp"

namespace rafter::cli {

namespace {

/// True when `path` exists; throws `usage_error` naming the option when it cannot be looked at
/// (a loop of symbolic links, a name too long, a directory not searchable).
bool exists_or_throw(const std::filesystem::path& path, const std::string& given, const std::string& option) {
  std::error_code ec;
  const bool found = std::filesystem::exists(path, ec);
  if (ec) throw usage_error(option + " " + given + ": cannot look at " + path.string() + ": " + ec.message());
  return found;
}

}  // namespace

std::filesystem::path profile_option_path(const std::string& given, const std::string& option) {
  if (exists_or_throw(given, given, option)) return given;
  const auto configs = find_config_dir();
  if (!configs) {
    throw usage_error(option + " " + given + ": no such file, and the configs/ directory holding datasheets cannot be "
                      "found (set RAFTER_CONFIG_DIR)");
  }
  const std::filesystem::path datasheet = *configs / "hardware" / (given + ".json");
  if (exists_or_throw(datasheet, given, option)) return datasheet;
  throw usage_error(option + " " + given + ": no such file, and no datasheet " + datasheet.string());
}

std::filesystem::path profile_option_input(const std::string& given) {
  if (given.empty()) return {};
  try {
    return profile_option_path(given, "");
  } catch (const error&) {
    return given;  // profile_option_path says why later, naming the option
  }
}

bool named_datasheet(const std::string& given, const std::filesystem::path& path) { return path != given; }

}  // namespace rafter::cli

#include "cli/profile_option.hpp"

#include "core/config_paths.hpp"
#include "core/error.hpp"

namespace rafter::cli {

std::filesystem::path profile_option_path(const std::string& given, const std::string& option) {
  if (std::filesystem::exists(given)) return given;
  const auto configs = find_config_dir();
  if (!configs) {
    throw usage_error(option + " " + given + ": no such file, and the configs/ directory holding datasheets cannot be "
                      "found (set RAFTER_CONFIG_DIR)");
  }
  const std::filesystem::path datasheet = *configs / "hardware" / (given + ".json");
  if (std::filesystem::exists(datasheet)) return datasheet;
  throw usage_error(option + " " + given + ": no such file, and no datasheet " + datasheet.string());
}

bool named_datasheet(const std::string& given, const std::filesystem::path& path) { return path != given; }

}  // namespace rafter::cli

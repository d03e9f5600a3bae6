#pragma once

#include <filesystem>
#include <optional>

namespace rafter {

/// The `configs/` directory rafter reads datasheets and rules from, searched in order:
/// $RAFTER_CONFIG_DIR; `<exe>/configs` and `<exe>/../share/rafter/configs` (installed or bundled);
/// `<exe>/../configs`, `<exe>/../../configs` (build trees); the source tree it was built from.
/// Nothing when none exists.
[[nodiscard]] std::optional<std::filesystem::path> find_config_dir();

}  // namespace rafter

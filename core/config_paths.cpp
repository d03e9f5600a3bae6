#include "core/config_paths.hpp"

#include <cstdlib>
#include <system_error>
#include <vector>

namespace rafter {

std::optional<std::filesystem::path> find_config_dir() {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("RAFTER_CONFIG_DIR"); env != nullptr && *env != '\0') candidates.emplace_back(env);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path dir = exe.parent_path();
    candidates.push_back(dir / "configs");
    candidates.push_back(dir / ".." / "share" / "rafter" / "configs");
    candidates.push_back(dir / ".." / "configs");
    candidates.push_back(dir / ".." / ".." / "configs");
  }
#ifdef RAFTER_SOURCE_CONFIG_DIR
  candidates.emplace_back(RAFTER_SOURCE_CONFIG_DIR);
#endif
  for (const auto& c : candidates) {
    if (fs::is_directory(c / "hardware", ec)) return fs::weakly_canonical(c, ec);
  }
  return std::nullopt;
}

}  // namespace rafter

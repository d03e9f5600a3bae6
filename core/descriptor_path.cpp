#include "core/descriptor_path.hpp"

#include <charconv>
#include <string>
#include <string_view>

namespace rafter {

namespace {

/// N when `p` is /proc/self/fd/N or /dev/fd/N.
std::optional<int> descriptor_of(const std::string& p) {
  for (const std::string_view prefix : {"/proc/self/fd/", "/dev/fd/"}) {
    if (p.compare(0, prefix.size(), prefix) != 0) continue;
    int fd = -1;
    const char* first = p.data() + prefix.size();
    const char* last = p.data() + p.size();
    const auto [end, ec] = std::from_chars(first, last, fd);
    if (ec == std::errc() && end == last && first != last) return fd;
  }
  return std::nullopt;
}

}  // namespace

std::optional<int> descriptor_named_by(std::filesystem::path path) {
  for (int hops = 0; hops < 8; ++hops) {  // /dev/stdout -> /proc/self/fd/1 is one hop; 8 is ample
    if (const auto fd = descriptor_of(path.lexically_normal().string())) return fd;
    std::error_code ec;
    if (!std::filesystem::is_symlink(path, ec)) return std::nullopt;
    const std::filesystem::path target = std::filesystem::read_symlink(path, ec);
    if (ec) return std::nullopt;
    path = target.is_absolute() ? target : path.parent_path() / target;
  }
  return std::nullopt;
}

}  // namespace rafter

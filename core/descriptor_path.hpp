#pragma once

#include <filesystem>
#include <optional>

namespace rafter {

/// The open file descriptor N that `path` names: /dev/fd/N or /proc/self/fd/N, reached directly or
/// through ordinary symbolic links (/dev/stdin -> /proc/self/fd/0, /dev/stdout -> /proc/self/fd/1).
/// Such a path stands for whatever this process has open as N (a pipe, a terminal, a file the
/// shell opened with `>>`), which opening the link's target by name would not reach. Nothing for
/// other paths. Does not check that N is open.
[[nodiscard]] std::optional<int> descriptor_named_by(std::filesystem::path path);

}  // namespace rafter

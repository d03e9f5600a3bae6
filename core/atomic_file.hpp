#pragma once

#include <filesystem>
#include <string_view>

namespace rafter {

/// Writes `contents` to `path` so that readers see either the old file or the whole new one: the
/// bytes go to a temporary file in the same directory, which is renamed over `path` after a flush.
/// Throws `rafter::error` (exit code 2) naming the path when the directory is not writable.
void write_file_atomically(const std::filesystem::path& path, std::string_view contents);

}  // namespace rafter

namespace rafter {

/// Checks, before long work starts, that `path` can be written later: its directory exists and is
/// writable and the path is not a directory. Throws `input_error` naming the path otherwise.
void check_writable_output(const std::filesystem::path& path);

}  // namespace rafter

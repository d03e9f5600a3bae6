#pragma once

#include <filesystem>

#include "core/json.hpp"

namespace rafter {

/// Parses the JSON file at `path` (read by `file_reader`: gzip decompressed, pipes too). Throws
/// `input_error` naming the file when it cannot be read or is not JSON (with the byte offset of
/// the syntax error), or when an object names a key twice (naming its path).
[[nodiscard]] json read_json_file(const std::filesystem::path& path);

/// Writes `document` (2-space indent, trailing newline) atomically; see `write_file_atomically`.
void write_json_file(const std::filesystem::path& path, const json& document);

}  // namespace rafter

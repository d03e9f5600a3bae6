#pragma once

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>

namespace rafter {

/// A file that appears at `path` whole or not at all: its bytes go to a temporary file in the same
/// directory, which `commit()` flushes and renames over `path`. Destroyed uncommitted (an error
/// partway), the temporary file is removed and `path` is untouched. For outputs written a piece
/// at a time (a trace of a million kernels) without holding them whole.
class atomic_file {
public:
  /// Creates the temporary file; throws `input_error` naming `path` when the directory is not writable.
  explicit atomic_file(std::filesystem::path path);
  ~atomic_file();
  atomic_file(const atomic_file&) = delete;
  atomic_file& operator=(const atomic_file&) = delete;

  /// Appends `bytes`; throws `input_error` naming the path when the write fails (a full disk).
  void write(std::string_view bytes);
  /// Flushes, closes and renames the file over `path`; throws `input_error` naming the path.
  void commit();

private:
  [[noreturn]] void fail(int err);

  std::filesystem::path m_path;
  std::string m_temporary;
  int m_fd = -1;
};

/// Writes `contents` to `path` so that readers see either the old file or the whole new one
/// (`atomic_file`). Throws `rafter::error` (exit code 2) naming the path when the directory is not
/// writable.
void write_file_atomically(const std::filesystem::path& path, std::string_view contents);

}  // namespace rafter

namespace rafter {

/// Checks, before long work starts, that `path` can be written later: its directory exists and is
/// writable and the path is not a directory, nor "-" (which would be a file named "-", not
/// stdout: rafter prints to stdout when no output is given). Throws `input_error` naming the path
/// otherwise.
void check_writable_output(const std::filesystem::path& path);

/// check_writable_output for each non-empty path of one command's outputs, and no two of them the
/// same file (the later write would silently replace the earlier). Throws `input_error` naming it.
void check_writable_outputs(std::initializer_list<std::filesystem::path> paths);

}  // namespace rafter

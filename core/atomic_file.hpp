#pragma once

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace rafter {

/// A file that appears at `path` whole or not at all: its bytes go to a temporary file in the same
/// directory, which `commit()` flushes and renames over `path`. Destroyed uncommitted (an error
/// partway), the temporary file is removed and `path` is untouched. For outputs written a piece
/// at a time (a trace of a million kernels) without holding them whole.
///
/// A `path` that is a symbolic link is followed: the file it points to is replaced, the link kept.
/// A `path` that exists and is not a regular file (/dev/null, a named pipe) is written in place, as
/// it comes: it cannot be replaced, and renaming over it would put a file in its stead. So is a
/// `path` naming a descriptor (/dev/stdout, /dev/fd/N, `>(cmd)`): what this process has open as N
/// is written, at its offset (a pipe, or the file of a shell's `> f` or `>> f`).
class atomic_file {
public:
  /// Creates the temporary file; throws `input_error` naming `path` when the directory is not writable.
  explicit atomic_file(std::filesystem::path path);
  ~atomic_file();
  atomic_file(const atomic_file&) = delete;
  atomic_file& operator=(const atomic_file&) = delete;

  /// Appends `bytes`; throws `input_error` naming the path when the write fails (a full disk).
  void write(std::string_view bytes);
  /// Flushes and closes the temporary file, the last step that can run out of space; throws
  /// `input_error` naming the path. `path` is still untouched.
  void finish();
  /// Renames the finished file over `path` (finishing it first if needed); throws `input_error`
  /// naming the path.
  void commit();

private:
  [[noreturn]] void fail(int err);

  std::filesystem::path m_path;    // as given, for messages
  std::filesystem::path m_target;  // what is replaced: `m_path` with symbolic links followed
  std::string m_temporary;         // empty when written in place
  int m_fd = -1;
  enum class state { open, finished, committed, failed } m_state = state::open;
};

/// Writes `contents` to `path` so that readers see either the old file or the whole new one
/// (`atomic_file`). Throws `rafter::error` (exit code 2) naming the path when the directory is not
/// writable.
void write_file_atomically(const std::filesystem::path& path, std::string_view contents);

/// Writes one command's outputs, all or none: each non-empty path's contents are written and
/// flushed to their temporary files before any is renamed into place, so a full disk partway
/// leaves every earlier output as it was. Empty paths are skipped.
void write_files_atomically(std::initializer_list<std::pair<std::filesystem::path, std::string_view>> files);

/// Checks, before long work starts, that `path` can be written later: its directory exists and is
/// writable (a descriptor it names is open for writing) and the path is not a directory, nor "-" (which would be a file named "-", not
/// stdout: rafter prints to stdout when no output is given). Throws `input_error` naming the path
/// otherwise.
void check_writable_output(const std::filesystem::path& path);

/// check_writable_output for each non-empty path of one command's outputs, no two of them the
/// same file (the later write would silently replace the earlier), and none of them one of the
/// command's `inputs` (the output would replace what it was made from). Throws `input_error`
/// naming it.
void check_writable_outputs(std::initializer_list<std::filesystem::path> paths,
                            std::initializer_list<std::filesystem::path> inputs = {});

}  // namespace rafter

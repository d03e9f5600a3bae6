#pragma once

#include <filesystem>
#include <optional>

namespace rafter {

/// Makes an input that names a pipe through a file descriptor (`/dev/stdin` fed by a shell pipe,
/// `/dev/fd/63` from `<(zcat t.json.gz)`, `/proc/self/fd/N`) readable again and again under the
/// same name: the first call reads the pipe to its end into an unlinked temporary file and puts
/// that file in the descriptor's place (dup2), so later opens of the path read the whole content
/// from its start, and readers that open their input twice (format detection, then import) or need
/// a seekable file (SQLite) work. Anything else (a regular file, a character device such as
/// /dev/zero, which may never end) is left alone. A named pipe (mkfifo) cannot be replaced: it
/// throws `input_error` naming the path, as does a failed read or copy.
void make_rereadable(const std::filesystem::path& path);

/// For a `path` naming a descriptor (/dev/stdin, /dev/fd/N, /proc/self/fd/N): `make_rereadable`,
/// then a named temporary copy of its content, which the caller removes. For libraries that open
/// files by name and resolve symbolic links on the way (SQLite follows /dev/stdin to
/// /proc/self/fd/0 to "/tmp/#123 (deleted)", which cannot be opened). Nothing for other paths,
/// nor for a descriptor open on a file that has a name (`< trace.sqlite`): links lead to it.
/// Throws `input_error` naming `path` when the copy fails.
[[nodiscard]] std::optional<std::filesystem::path> named_copy_of_descriptor(const std::filesystem::path& path);

}  // namespace rafter

#pragma once

#include <filesystem>
#include <optional>

namespace rafter {

/// Makes an input that names a pipe through a file descriptor (`/dev/stdin` fed by a shell pipe,
/// `/dev/fd/63` from `<(zcat t.json.gz)`, `/proc/self/fd/N`) readable again and again under the
/// same name: the first call reads the pipe to its end into an unlinked temporary file and puts
/// that file in the descriptor's place (dup2), so later opens of the path read the whole content
/// from its start, and readers that open their input twice (format detection, then import) or need
/// a seekable file (SQLite) work. A named pipe (mkfifo) is opened (waiting for a writer, as any
/// reader of it does) and read to its end once per process into an unlinked temporary file, which
/// `rereadable_path` then names. Anything else (a regular file, a character device such as
/// /dev/zero, which may never end) is left alone. A socket that no descriptor names, a failed
/// read or a failed copy throws `input_error` naming the path.
void make_rereadable(const std::filesystem::path& path);

/// The name under which `path`'s content can be opened again after `make_rereadable`: for a named
/// pipe, its copy (/proc/self/fd/N); `path` itself for everything else.
[[nodiscard]] std::filesystem::path rereadable_path(const std::filesystem::path& path);

/// For a `path` naming a descriptor (/dev/stdin, /dev/fd/N, /proc/self/fd/N): `make_rereadable`,
/// then a named temporary copy of its content, which the caller removes. For libraries that open
/// files by name and resolve symbolic links on the way (SQLite follows /dev/stdin to
/// /proc/self/fd/0 to "/tmp/#123 (deleted)", which cannot be opened). Nothing for other paths,
/// nor for a descriptor open on a file that has a name (`< trace.sqlite`): links lead to it.
/// Throws `input_error` naming `path` when the copy fails.
[[nodiscard]] std::optional<std::filesystem::path> named_copy_of_descriptor(const std::filesystem::path& path);

}  // namespace rafter

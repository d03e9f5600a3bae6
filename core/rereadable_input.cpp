#include "core/rereadable_input.hpp"

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/descriptor_path.hpp"
#include "core/error.hpp"

namespace rafter {

namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what, int err) {
  throw input_error(path.string(), "", what + ": " + std::strerror(err));
}

std::filesystem::path temporary_directory() {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  return ec ? std::filesystem::path("/tmp") : dir;
}

/// An unlinked temporary file open for reading and writing.
int anonymous_file() {
  const std::filesystem::path dir = temporary_directory();
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  std::string name = (dir / "rafter-input-XXXXXX").string();  // file systems without O_TMPFILE
  const int named = ::mkostemp(name.data(), O_CLOEXEC);
  if (named >= 0) ::unlink(name.c_str());
  return named;
}

/// Named pipes (mkfifo) read to their end, by device and inode: the descriptor of each one's
/// unlinked copy, open for the rest of the process.
std::mutex g_named_pipes_mutex;
std::map<std::pair<dev_t, ino_t>, int> g_named_pipes;

std::optional<std::pair<dev_t, ino_t>> named_pipe_key(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISFIFO(st.st_mode)) return std::nullopt;
  return std::make_pair(st.st_dev, st.st_ino);
}

/// Why `copy_all` stopped short: the errno of the failed read or write (0: it did not).
struct copy_failure {
  int err = 0;
  bool reading = false;
};

/// Copies what `in` holds, to its end, onto `out`.
copy_failure copy_all(int in, int out) {
  std::vector<char> buffer(std::size_t{1} << 20);
  for (;;) {
    const ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return {errno, true};
    if (n == 0) return {};
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::write(out, buffer.data() + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return {errno, false};
      done += w;
    }
  }
}

/// Reads `fd` to its end into a new unlinked temporary file; returns that file's descriptor.
int copy_to_anonymous_file(const std::filesystem::path& path, int fd) {
  const int copy = anonymous_file();
  if (copy < 0) fail(path, "cannot create a temporary copy of the pipe", errno);
  if (const copy_failure f = copy_all(fd, copy); f.err != 0) {
    ::close(copy);
    fail(path, f.reading ? "cannot read file" : "cannot write a temporary copy of the pipe", f.err);
  }
  return copy;
}

}  // namespace

void make_rereadable(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !(std::filesystem::is_fifo(status) || std::filesystem::is_socket(status))) return;
  const auto fd = descriptor_named_by(path);
  if (!fd) {
    const auto key = named_pipe_key(path);
    if (!key) throw input_error(path.string(), "", "a socket cannot be read as a file: save its content to a file first");
    std::lock_guard lock(g_named_pipes_mutex);
    if (g_named_pipes.contains(*key)) return;
    // Waits for a writer, as reading a named pipe does, then reads it to its end once.
    const int in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) fail(path, "cannot open file", errno);
    int copy = -1;
    try {
      copy = copy_to_anonymous_file(path, in);
    } catch (...) {
      ::close(in);
      throw;
    }
    ::close(in);
    g_named_pipes.emplace(*key, copy);
    return;
  }
  const int copy = copy_to_anonymous_file(path, *fd);
  // The descriptor keeps its number and loses close-on-exec as dup2 does; opens of
  // /proc/self/fd/N now reopen the copy from its start.
  if (::dup2(copy, *fd) < 0) {
    const int err = errno;
    ::close(copy);
    fail(path, "cannot replace the pipe with its copy", err);
  }
  ::close(copy);
}

std::filesystem::path rereadable_path(const std::filesystem::path& path) {
  const auto key = named_pipe_key(path);
  if (!key) return path;
  std::lock_guard lock(g_named_pipes_mutex);
  const auto it = g_named_pipes.find(*key);
  return it == g_named_pipes.end() ? path : std::filesystem::path("/proc/self/fd/" + std::to_string(it->second));
}

std::optional<std::filesystem::path> named_copy_of_descriptor(const std::filesystem::path& given) {
  make_rereadable(given);
  const std::filesystem::path path = rereadable_path(given);
  const auto fd = descriptor_named_by(path);
  if (!fd) return std::nullopt;
  // A file with a name (`< trace.sqlite`) is reached through the link as it is: no copy of a
  // possibly large export. Pipes made rereadable are unlinked copies (no links left).
  if (struct stat st {}; ::fstat(*fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink > 0) return std::nullopt;
  const int in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);  // reopens the content from its start
  if (in < 0) fail(given, "cannot open file", errno);
  std::string name = (temporary_directory() / "rafter-input-XXXXXX").string();
  const int out = ::mkostemp(name.data(), O_CLOEXEC);
  if (out < 0) {
    const int err = errno;
    ::close(in);
    fail(given, "cannot create a temporary copy", err);
  }
  int err = copy_all(in, out).err;
  ::close(in);
  if (::close(out) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(name.c_str());
    fail(given, "cannot make a temporary copy", err);
  }
  return std::filesystem::path(name);
}

}  // namespace rafter

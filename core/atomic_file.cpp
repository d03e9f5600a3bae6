#include "core/atomic_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/descriptor_path.hpp"
#include "core/error.hpp"

namespace rafter {

namespace fs = std::filesystem;

namespace {

/// `path` with symbolic links followed (the file a rename must replace), a dangling link's target
/// included; `path` itself when it is not a link or a link cannot be read.
fs::path resolved_output(const fs::path& path) {
  fs::path p = path;
  for (int hops = 0; hops < 40; ++hops) {  // 40: the kernel's own limit on nested links
    std::error_code ec;
    if (!fs::is_symlink(p, ec)) return p;
    const fs::path target = fs::read_symlink(p, ec);
    if (ec) return path;
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  return path;
}

/// True when `path` exists and is not a regular file or directory: written in place.
bool written_in_place(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  return !ec && fs::exists(status) && !fs::is_regular_file(status) && !fs::is_directory(status);
}

/// Checks that descriptor `fd` is open for writing; throws `input_error` naming `path` otherwise.
void check_writable_descriptor(const fs::path& path, int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) throw input_error(path.string(), "", "names descriptor " + std::to_string(fd) + ", which is not open");
  if ((flags & O_ACCMODE) == O_RDONLY) {
    throw input_error(path.string(), "", "names descriptor " + std::to_string(fd) + ", which is open for reading only");
  }
}

}  // namespace

atomic_file::atomic_file(fs::path path) : m_path(std::move(path)) {
  if (const auto fd = descriptor_named_by(m_path)) {
    // /dev/stdout, /dev/fd/N, >(cmd): write to what this process has open as N (a pipe, a
    // terminal, a file opened with `>>`), at its offset; its target by name may be "pipe:[123]".
    check_writable_descriptor(m_path, *fd);
    m_fd = ::fcntl(*fd, F_DUPFD_CLOEXEC, 0);
    if (m_fd < 0) throw input_error(m_path.string(), "", std::string("cannot open output file: ") + std::strerror(errno));
    m_target = m_path;
    return;
  }
  m_target = resolved_output(m_path);
  if (written_in_place(m_target)) {
    m_fd = ::open(m_target.c_str(), O_WRONLY | O_CLOEXEC);
    if (m_fd < 0) {
      throw input_error(m_path.string(), "", std::string("cannot open output file: ") + std::strerror(errno));
    }
    return;
  }
  const fs::path dir = m_target.has_parent_path() ? m_target.parent_path() : ".";
  m_temporary = (dir / ("." + m_target.filename().string() + ".tmp.XXXXXX")).string();
  m_fd = ::mkostemp(m_temporary.data(), O_CLOEXEC);  // a program forking meanwhile (the collector) does not inherit it
  if (m_fd < 0) {
    throw input_error(m_path.string(), "", std::string("cannot create output file: ") + std::strerror(errno));
  }
}

atomic_file::~atomic_file() {
  if (m_fd >= 0) ::close(m_fd);
  if (!m_temporary.empty()) std::remove(m_temporary.c_str());  // committed files have none left
}

void atomic_file::fail(int err) {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
  m_state = state::failed;
  if (!m_temporary.empty()) std::remove(m_temporary.c_str());
  m_temporary.clear();
  throw input_error(m_path.string(), "", std::string("cannot write output file: ") + std::strerror(err));
}

void atomic_file::write(std::string_view bytes) {
  if (m_state != state::open) throw input_error(m_path.string(), "", "written after it was finished or failed");
  const char* data = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(m_fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(errno);
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
}

void atomic_file::finish() {
  if (m_state != state::open) throw input_error(m_path.string(), "", "finished twice or after a failure");
  if (!m_temporary.empty()) {  // devices written in place have nothing to flush (fsync on /dev/null fails)
    if (::fsync(m_fd) != 0) fail(errno);
    ::fchmod(m_fd, 0644);
  }
  const int closed = ::close(m_fd);
  m_fd = -1;
  if (closed != 0) fail(errno);
  m_state = state::finished;
}

void atomic_file::commit() {
  if (m_state == state::open) finish();
  if (m_state != state::finished) throw input_error(m_path.string(), "", "committed twice or after a failure");
  m_state = state::committed;
  if (m_temporary.empty()) return;  // written in place
  if (std::rename(m_temporary.c_str(), m_target.c_str()) != 0) {
    const int err = errno;
    m_state = state::failed;
    std::remove(m_temporary.c_str());
    m_temporary.clear();
    throw input_error(m_path.string(), "", std::string("cannot write output file: ") + std::strerror(err));
  }
  m_temporary.clear();
}

void write_file_atomically(const fs::path& path, std::string_view contents) {
  atomic_file file(path);
  file.write(contents);
  file.commit();
}

void write_files_atomically(std::initializer_list<std::pair<fs::path, std::string_view>> files) {
  std::vector<std::unique_ptr<atomic_file>> staged;
  for (const auto& [path, contents] : files) {
    if (path.empty()) continue;
    staged.push_back(std::make_unique<atomic_file>(path));
    staged.back()->write(contents);
    staged.back()->finish();
  }
  for (auto& file : staged) file->commit();
}

void check_writable_output(const fs::path& path) {
  if (path == "-") {
    throw input_error(path.string(), "", "'-' is not taken for stdout: leave the output options out to print to stdout");
  }
  if (path.empty()) throw input_error("<empty output path>", "", "an output option was given an empty file name");
  if (const auto fd = descriptor_named_by(path)) {
    check_writable_descriptor(path, *fd);
    return;
  }
  const fs::path target = resolved_output(path);
  std::error_code ec;
  if (fs::is_directory(target, ec)) throw input_error(path.string(), "", "is a directory, not a file");
  if (written_in_place(target)) {
    if (::access(target.c_str(), W_OK) != 0) throw input_error(path.string(), "", "is not writable");
    return;
  }
  const fs::path dir = target.has_parent_path() ? target.parent_path() : ".";
  if (!fs::is_directory(dir, ec)) throw input_error(path.string(), "", "the output directory does not exist");
  if (::access(dir.c_str(), W_OK) != 0) throw input_error(path.string(), "", "the output directory is not writable");
}

void check_writable_outputs(std::initializer_list<fs::path> paths, std::initializer_list<fs::path> inputs) {
  std::vector<fs::path> seen;
  for (const auto& path : paths) {
    if (path.empty()) continue;
    check_writable_output(path);
    std::error_code ec;
    for (const auto& input : inputs) {
      // Regular files only: /dev/stdin and /dev/stdout may both be the terminal.
      if (!input.empty() && fs::is_regular_file(input, ec) && fs::is_regular_file(path, ec) &&
          fs::equivalent(input, path, ec)) {
        throw input_error(path.string(), "", "is also an input (" + input.string() + "): the output would replace it");
      }
    }
    // /dev/null and /dev/stdout may take two outputs, one after the other.
    if (descriptor_named_by(path) || written_in_place(resolved_output(path))) continue;
    // The file a rename would replace, so that two names meeting through a link (a dangling one
    // included) are one output.
    const fs::path target = fs::absolute(resolved_output(path));
    fs::path same = fs::weakly_canonical(target, ec);
    if (ec) same = target.lexically_normal();
    if (std::find(seen.begin(), seen.end(), same) != seen.end()) {
      throw input_error(path.string(), "", "given for two outputs: one would overwrite the other");
    }
    seen.push_back(same);
  }
}

}  // namespace rafter

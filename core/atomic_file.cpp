#include "core/atomic_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"

namespace rafter {

atomic_file::atomic_file(std::filesystem::path path) : m_path(std::move(path)) {
  const std::filesystem::path dir = m_path.has_parent_path() ? m_path.parent_path() : ".";
  m_temporary = (dir / ("." + m_path.filename().string() + ".tmp.XXXXXX")).string();
  m_fd = ::mkostemp(m_temporary.data(), O_CLOEXEC);  // a program forking meanwhile (the collector) does not inherit it
  if (m_fd < 0) {
    throw input_error(m_path.string(), "", std::string("cannot create output file: ") + std::strerror(errno));
  }
}

atomic_file::~atomic_file() {
  if (m_fd < 0) return;  // committed, or failed and cleaned up
  ::close(m_fd);
  std::remove(m_temporary.c_str());
}

void atomic_file::fail(int err) {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
  std::remove(m_temporary.c_str());
  throw input_error(m_path.string(), "", std::string("cannot write output file: ") + std::strerror(err));
}

void atomic_file::write(std::string_view bytes) {
  if (m_fd < 0) throw input_error(m_path.string(), "", "written after it was committed or failed");
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

void atomic_file::commit() {
  if (m_fd < 0) throw input_error(m_path.string(), "", "committed twice or after a failure");
  if (::fsync(m_fd) != 0) fail(errno);
  ::fchmod(m_fd, 0644);
  const int closed = ::close(m_fd);
  m_fd = -1;
  if (closed != 0 || std::rename(m_temporary.c_str(), m_path.c_str()) != 0) {
    const int err = errno;
    std::remove(m_temporary.c_str());
    throw input_error(m_path.string(), "", std::string("cannot write output file: ") + std::strerror(err));
  }
}

void write_file_atomically(const std::filesystem::path& path, std::string_view contents) {
  atomic_file file(path);
  file.write(contents);
  file.commit();
}

}  // namespace rafter

namespace rafter {

void check_writable_output(const std::filesystem::path& path) {
  if (path == "-") {
    throw input_error(path.string(), "", "'-' is not taken for stdout: leave the output options out to print to stdout");
  }
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw input_error(path.string(), "", "the output directory does not exist");
  if (std::filesystem::is_directory(path, ec)) throw input_error(path.string(), "", "is a directory, not a file");
  if (::access(dir.c_str(), W_OK) != 0) throw input_error(path.string(), "", "the output directory is not writable");
}

void check_writable_outputs(std::initializer_list<std::filesystem::path> paths) {
  std::vector<std::filesystem::path> seen;
  for (const auto& path : paths) {
    if (path.empty()) continue;
    check_writable_output(path);
    const std::filesystem::path same = std::filesystem::absolute(path).lexically_normal();
    if (std::find(seen.begin(), seen.end(), same) != seen.end()) {
      throw input_error(path.string(), "", "given for two outputs: one would overwrite the other");
    }
    seen.push_back(same);
  }
}

}  // namespace rafter

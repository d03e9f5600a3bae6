#include "core/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"

namespace rafter {

void write_file_atomically(const std::filesystem::path& path, std::string_view contents) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  std::string tmpl = (dir / ("." + path.filename().string() + ".tmp.XXXXXX")).string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) {
    throw input_error(path.string(), "", std::string("cannot create output file: ") + std::strerror(errno));
  }
  const char* data = contents.data();
  std::size_t left = contents.size();
  bool ok = true;
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      ok = false;
      break;
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved = errno;
  ::fchmod(fd, 0644);
  ::close(fd);
  if (!ok || std::rename(tmpl.c_str(), path.c_str()) != 0) {
    const int err = ok ? errno : saved;
    std::remove(tmpl.c_str());
    throw input_error(path.string(), "", std::string("cannot write output file: ") + std::strerror(err));
  }
}

}  // namespace rafter

namespace rafter {

void check_writable_output(const std::filesystem::path& path) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw input_error(path.string(), "", "the output directory does not exist");
  if (std::filesystem::is_directory(path, ec)) throw input_error(path.string(), "", "is a directory, not a file");
  if (::access(dir.c_str(), W_OK) != 0) throw input_error(path.string(), "", "the output directory is not writable");
}

}  // namespace rafter

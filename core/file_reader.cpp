#include "core/file_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include "core/error.hpp"
#include "core/gzip_stream.hpp"
#include "core/rereadable_input.hpp"

namespace rafter {

namespace {

/// True when `path` opens as a terminal (a user typing the input, ended with Ctrl-D).
bool is_terminal(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  const bool tty = ::isatty(fd) != 0;
  ::close(fd);
  return tty;
}
constexpr std::size_t k_compressed_chunk = std::size_t{1} << 20;
}  // namespace

struct file_reader::impl {
  std::string name;
  std::FILE* file = nullptr;
  std::uint64_t file_size = 0;
  bool gzip = false;
  bool stream_end = false;   // the current gzip member ended
  bool eof = false;          // no more content
  z_stream z{};
  bool z_open = false;
  std::vector<unsigned char> in;
  std::uint64_t compressed_consumed = 0;  // compressed bytes handed to zlib and consumed
  std::uint64_t position = 0;
  std::string pending;  // plain files: bytes read while sniffing for gzip, returned first

  [[noreturn]] void fail(const std::string& message) const { throw input_error(name, "", message); }

  std::size_t fill_input() {
    const std::size_t n = std::fread(in.data(), 1, in.size(), file);
    if (n == 0 && std::ferror(file)) fail(std::string("cannot read file: ") + std::strerror(errno));
    z.next_in = in.data();
    z.avail_in = static_cast<uInt>(n);
    return n;
  }

  std::size_t read_gzip(char* out, std::size_t size) {
    z.next_out = reinterpret_cast<Bytef*>(out);
    z.avail_out = static_cast<uInt>(size);
    while (z.avail_out > 0 && !eof) {
      if (z.avail_in == 0 && fill_input() == 0) {
        if (stream_end) {
          eof = true;
          break;
        }
        fail("truncated gzip stream (ends at compressed byte " + std::to_string(compressed_consumed) + ")");
      }
      if (stream_end) {
        // Another gzip member follows (concatenated gzip), or trailing garbage.
        if (z.next_in[0] != 0x1f) {
          fail("unexpected data after the gzip stream at compressed byte " + std::to_string(compressed_consumed));
        }
        inflateReset(&z);
        stream_end = false;
      }
      const uInt before = z.avail_in;
      const int rc = inflate(&z, Z_NO_FLUSH);
      compressed_consumed += before - z.avail_in;
      if (rc == Z_STREAM_END) {
        stream_end = true;
      } else if (rc == Z_BUF_ERROR) {
        continue;  // needs more input
      } else if (rc != Z_OK) {
        fail("corrupt gzip data at compressed byte " + std::to_string(compressed_consumed) +
             (z.msg != nullptr ? std::string(" (") + z.msg + ")" : std::string()));
      }
    }
    return size - z.avail_out;
  }
};

file_reader::file_reader(const std::filesystem::path& path) : m_impl(std::make_unique<impl>()) {
  impl& d = *m_impl;
  d.name = path.string();
  make_rereadable(path);  // a piped /dev/stdin or a named pipe can then be read again by the next reader
  const std::filesystem::path opened = rereadable_path(path);
  std::error_code ec;
  if (std::filesystem::is_directory(opened, ec)) d.fail("is a directory, not a file");
  d.file = std::fopen(opened.c_str(), "rb");
  if (d.file == nullptr) d.fail(std::string("cannot open file: ") + std::strerror(errno));
  // 0 for what has no size on disk (a pipe, /dev/stdin); file_size() then reports it so.
  const auto size = std::filesystem::file_size(opened, ec);
  d.file_size = ec ? 0 : static_cast<std::uint64_t>(size);
  // The sniffed bytes are kept, not re-read: a pipe or character device cannot rewind.
  unsigned char magic[2] = {0, 0};
  const std::size_t n = std::fread(magic, 1, 2, d.file);
  if (n < 2 && std::ferror(d.file)) d.fail(std::string("cannot read file: ") + std::strerror(errno));
  d.gzip = n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  if (d.gzip) {
    d.in.resize(k_compressed_chunk);
    if (inflateInit2(&d.z, 16 + MAX_WBITS) != Z_OK) d.fail("cannot initialise zlib");
    d.z_open = true;
    std::copy(magic, magic + n, d.in.begin());
    d.z.next_in = d.in.data();
    d.z.avail_in = static_cast<uInt>(n);
  } else {
    d.pending.assign(magic, magic + n);
  }
}

file_reader::~file_reader() {
  if (m_impl->z_open) inflateEnd(&m_impl->z);
  if (m_impl->file != nullptr) std::fclose(m_impl->file);
}

std::size_t file_reader::read(char* out, std::size_t size) {
  impl& d = *m_impl;
  if (d.eof || size == 0) return 0;
  std::size_t n = 0;
  if (d.gzip) {
    // zlib counts in uInt; keep each call below 1 GiB.
    const std::size_t cap = std::size_t{1} << 30;
    while (n < size && !d.eof) n += d.read_gzip(out + n, std::min(size - n, cap));
  } else {
    n = std::min(size, d.pending.size());
    std::copy_n(d.pending.data(), n, out);
    d.pending.erase(0, n);
    if (n < size) n += std::fread(out + n, 1, size - n, d.file);
    if (n < size) {
      if (std::ferror(d.file)) d.fail(std::string("cannot read file: ") + std::strerror(errno));
      d.eof = true;
    }
  }
  d.position += n;
  return n;
}

bool file_reader::gzip() const noexcept { return m_impl->gzip; }
std::uint64_t file_reader::position() const noexcept { return m_impl->position; }
std::uint64_t file_reader::file_size() const noexcept { return m_impl->file_size; }
const std::string& file_reader::name() const noexcept { return m_impl->name; }

std::string read_file_content(const std::filesystem::path& path) {
  if (std::error_code ec; std::filesystem::is_character_file(path, ec) && !is_terminal(path)) {
    throw input_error(path.string(), "", "is a character device, not a file: it may never end (give a file or a pipe)");
  }
  file_reader reader(path);
  std::string out;
  out.resize(reader.gzip() ? reader.file_size() * 4 + 4096 : reader.file_size() + 4096);
  std::size_t used = 0;
  for (;;) {
    if (used == out.size()) out.resize(out.size() * 2);
    const std::size_t n = reader.read(out.data() + used, out.size() - used);
    if (n == 0) break;
    used += n;
  }
  out.resize(used);
  return out;
}

std::string read_file_prefix(const std::filesystem::path& path, std::size_t size) {
  file_reader reader(path);
  std::string out(size, '\0');
  std::size_t used = 0;
  try {
    while (used < size) {
      const std::size_t n = reader.read(out.data() + used, size - used);
      if (n == 0) break;
      used += n;
    }
  } catch (const input_error&) {
    if (used == 0) throw;  // a prefix of a damaged file is still a prefix
  }
  out.resize(used);
  return out;
}

std::string gzip_compress(const std::string& data) {
  gzip_stream zip;
  std::string out;
  zip.compress(data, out);
  zip.finish(out);
  return out;
}

}  // namespace rafter

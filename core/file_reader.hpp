#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace rafter {

/// Reads a file sequentially in chunks (a pipe named by a descriptor, such as a piped /dev/stdin, is
/// first made rereadable: `make_rereadable`), decompressing it on the fly when it starts with the gzip
/// magic bytes (1f 8b; concatenated gzip members are read in turn). Memory use is bounded by the
/// chunk sizes, not the file size. Errors throw `input_error` naming the file and the position:
/// "truncated gzip stream (ends at compressed byte N)", "corrupt gzip data at compressed byte N".
class file_reader {
public:
  explicit file_reader(const std::filesystem::path& path);
  ~file_reader();
  file_reader(const file_reader&) = delete;
  file_reader& operator=(const file_reader&) = delete;

  /// Fills up to `size` bytes of (decompressed) content; returns 0 only at the end.
  [[nodiscard]] std::size_t read(char* out, std::size_t size);
  /// Whether the file is gzip-compressed.
  [[nodiscard]] bool gzip() const noexcept;
  /// Content bytes returned so far (decompressed bytes for gzip).
  [[nodiscard]] std::uint64_t position() const noexcept;
  /// The file's size on disk (of the copy, for a pipe made rereadable); 0 for a character device.
  [[nodiscard]] std::uint64_t file_size() const noexcept;
  [[nodiscard]] const std::string& name() const noexcept;

private:
  struct impl;
  std::unique_ptr<impl> m_impl;
};

/// The whole (decompressed) content of `path`; see `file_reader`. A character device other than a
/// terminal (/dev/zero, /dev/urandom) is refused with an `input_error` naming it rather than read
/// until memory runs out.
[[nodiscard]] std::string read_file_content(const std::filesystem::path& path);

/// Up to `size` bytes from the start of the (decompressed) content: enough to recognise a format.
[[nodiscard]] std::string read_file_prefix(const std::filesystem::path& path, std::size_t size);

/// `data` compressed as one gzip member (zlib, default level).
[[nodiscard]] std::string gzip_compress(const std::string& data);

}  // namespace rafter

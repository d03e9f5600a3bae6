#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace rafter {

class atomic_file;
class gzip_stream;

/// A text output file written a piece at a time: gzip-compressed when its name ends in ".gz",
/// appearing whole at `commit()` or not at all (atomic_file). The text gathers in `text()` and goes
/// to the file a megabyte at a time (`drain_if_full`), so a trace of a million kernels is never
/// held whole, compressed or not.
class output_file {
public:
  /// Throws `input_error` naming `path` when its directory is not writable.
  explicit output_file(const std::filesystem::path& path);
  ~output_file();
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;

  /// The text not yet written; append to it, then call drain_if_full.
  [[nodiscard]] std::string& text() noexcept { return m_text; }
  /// Writes the gathered text once it reaches a megabyte.
  void drain_if_full() {
    if (m_text.size() >= k_chunk_bytes) drain(false);
  }
  /// Writes the rest and puts the file in place; throws `input_error` naming the path.
  void commit();

  /// `text` written to `path` as one output_file (compressed for ".gz").
  static void write(const std::filesystem::path& path, std::string_view text);

private:
  static constexpr std::size_t k_chunk_bytes = std::size_t{1} << 20;
  void drain(bool last);

  std::unique_ptr<atomic_file> m_file;
  std::unique_ptr<gzip_stream> m_zip;  // null for a plain file
  std::string m_text;
  std::string m_packed;
};

}  // namespace rafter

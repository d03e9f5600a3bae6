#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace rafter::fuzz {

/// Whether RAFTER_FUZZ_VERBOSE is set: harnesses then print the `input_error` each input got
/// (to see why seeds or reproducers are rejected).
inline bool verbose() {
  static const bool on = std::getenv("RAFTER_FUZZ_VERBOSE") != nullptr;
  return on;
}

/// One file per fuzzing process that holds the current input, for importers that read a path.
/// Lives in /dev/shm when it exists (no disk traffic), else in the temporary directory; the name
/// carries the process id so that parallel libFuzzer jobs do not share it. Removed at exit.
class fuzz_input_file {
public:
  explicit fuzz_input_file(const std::string& suffix) {
    const std::filesystem::path shm = "/dev/shm";
    std::error_code ec;
    const std::filesystem::path dir = std::filesystem::is_directory(shm, ec) && ::access(shm.c_str(), W_OK) == 0
                                          ? shm
                                          : std::filesystem::temp_directory_path();
    m_path = dir / ("rafter_fuzz_" + std::to_string(::getpid()) + suffix);
  }
  ~fuzz_input_file() {
    std::error_code ec;
    std::filesystem::remove(m_path, ec);
  }
  fuzz_input_file(const fuzz_input_file&) = delete;
  fuzz_input_file& operator=(const fuzz_input_file&) = delete;

  /// Replaces the file's content with `size` bytes from `data`; aborts when it cannot (a broken
  /// harness must not look like a clean run).
  const std::filesystem::path& write(const std::uint8_t* data, std::size_t size) {
    std::FILE* f = std::fopen(m_path.c_str(), "wb");
    if (f == nullptr || (size > 0 && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
      std::perror(m_path.c_str());
      std::abort();
    }
    return m_path;
  }

private:
  std::filesystem::path m_path;
};

}  // namespace rafter::fuzz

#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace rafter {

/// Gzip compression one piece at a time (one gzip member, zlib's default level): `compress`
/// appends to `out` what is ready after `piece`, `finish` the rest and the trailer. For outputs
/// too large to hold whole before compressing them.
class gzip_stream {
public:
  /// Throws `rafter::error` when zlib cannot start.
  gzip_stream();
  ~gzip_stream();
  gzip_stream(const gzip_stream&) = delete;
  gzip_stream& operator=(const gzip_stream&) = delete;

  /// Throws `rafter::error` when zlib fails or after `finish`.
  void compress(std::string_view piece, std::string& out);
  /// Ends the member; throws `rafter::error` when zlib fails. Nothing may follow.
  void finish(std::string& out);

private:
  struct state;
  void run(std::string_view piece, bool last, std::string& out);
  std::unique_ptr<state> m_state;
};

}  // namespace rafter

#include "core/gzip_stream.hpp"

#include <algorithm>

#include <zlib.h>

#include "core/error.hpp"

namespace rafter {

struct gzip_stream::state {
  z_stream z{};
  bool finished = false;
  std::unique_ptr<unsigned char[]> buffer{new unsigned char[k_buffer_bytes]};  // not on the caller's stack
  static constexpr std::size_t k_buffer_bytes = std::size_t{1} << 16;
};

gzip_stream::gzip_stream() : m_state(std::make_unique<state>()) {
  if (deflateInit2(&m_state->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw error(exit_code::usage, "cannot initialise zlib");
  }
}

gzip_stream::~gzip_stream() { deflateEnd(&m_state->z); }

void gzip_stream::run(std::string_view piece, bool last, std::string& out) {
  if (m_state->finished) throw error(exit_code::usage, "gzip stream written after its end");
  z_stream& z = m_state->z;
  constexpr std::size_t k_max_in = std::size_t{1} << 30;  // zlib counts in uInt
  std::size_t offset = 0;
  int rc = Z_OK;
  do {
    const std::size_t n = std::min(k_max_in, piece.size() - offset);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece.data() + offset));
    z.avail_in = static_cast<uInt>(n);
    offset += n;
    const int flush = last && offset == piece.size() ? Z_FINISH : Z_NO_FLUSH;
    do {
      z.next_out = m_state->buffer.get();
      z.avail_out = static_cast<uInt>(state::k_buffer_bytes);
      rc = deflate(&z, flush);
      if (rc == Z_STREAM_ERROR) throw error(exit_code::usage, "gzip compression failed");
      out.append(reinterpret_cast<const char*>(m_state->buffer.get()), state::k_buffer_bytes - z.avail_out);
    } while (z.avail_out == 0);
  } while (offset < piece.size());
  if (last) {
    m_state->finished = true;
    if (rc != Z_STREAM_END) throw error(exit_code::usage, "gzip compression failed");
  }
}

void gzip_stream::compress(std::string_view piece, std::string& out) { run(piece, false, out); }

void gzip_stream::finish(std::string& out) { run({}, true, out); }

}  // namespace rafter

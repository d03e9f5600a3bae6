#include "core/progress.hpp"

#include <unistd.h>

#include <fmt/format.h>

namespace rafter {

progress::progress(style s, std::FILE* stream) : m_stream(stream) {
  switch (s) {
    case style::automatic: m_live = ::isatty(::fileno(stream)) != 0; break;
    case style::live: m_live = true; break;
    case style::plain: m_live = false; break;
    case style::quiet: m_quiet = true; break;
  }
}

progress::~progress() { finish(); }

void progress::begin(const std::string& phase, int total) {
  m_phase = phase;
  m_total = total;
  if (m_quiet) return;
  if (!m_live) fmt::print(m_stream, "[{}] {} steps\n", m_phase, m_total);
}

void progress::step(int done, const std::string& detail) {
  if (m_quiet) return;
  const std::string line = fmt::format("[{}] {}/{} {}", m_phase, done, m_total, detail);
  if (m_live) {
    fmt::print(m_stream, "\r\033[2K{}", line);
    m_line_open = true;
  } else {
    fmt::print(m_stream, "{}\n", line);
  }
  std::fflush(m_stream);
}

void progress::note(const std::string& line) {
  if (m_quiet) return;
  clear_live();
  fmt::print(m_stream, "{}\n", line);
  std::fflush(m_stream);
}

void progress::finish() {
  if (m_quiet) return;
  if (m_line_open) {
    fmt::print(m_stream, "\n");
    m_line_open = false;
    std::fflush(m_stream);
  }
}

void progress::clear_live() {
  if (m_line_open) {
    fmt::print(m_stream, "\r\033[2K");
    m_line_open = false;
  }
}

}  // namespace rafter

#pragma once

#include <cstdio>
#include <string>

namespace rafter {

/// Progress of long work on stderr: a live, rewritten line when stderr is a terminal, plain
/// lines otherwise (CI logs). Quiet mode prints nothing. Not thread-safe: one owner thread.
class progress {
public:
  enum class style { automatic, live, plain, quiet };

  explicit progress(style s = style::automatic, std::FILE* stream = stderr);
  ~progress();
  progress(const progress&) = delete;
  progress& operator=(const progress&) = delete;

  /// Starts a named phase of `total` steps ("bandwidth", 80).
  void begin(const std::string& phase, int total);
  /// Reports step `done` (1-based) of the current phase with a short detail.
  void step(int done, const std::string& detail);
  /// A line that stays (results, warnings).
  void note(const std::string& line);
  /// Ends the live line, if any.
  void finish();

private:
  void clear_live();

  std::FILE* m_stream;
  bool m_live = false;
  bool m_quiet = false;
  bool m_line_open = false;
  std::string m_phase;
  int m_total = 0;
};

}  // namespace rafter

#pragma once

#include <filesystem>
#include <string>
#include <thread>

#include <csignal>
#include <unistd.h>

namespace rafter::testing {

/// A pipe whose write end a thread fills with `bytes` and then closes; `path()` names the read end
/// as a file (`/dev/fd/N`), as `/dev/stdin` does when a shell pipes into rafter.
class pipe_feed {
public:
  explicit pipe_feed(std::string bytes) : m_bytes(std::move(bytes)) {
    std::signal(SIGPIPE, SIG_IGN);  // a reader that stops early fails the writer's write instead
    if (::pipe(m_fd) != 0) m_fd[0] = m_fd[1] = -1;
    m_writer = std::thread([this] {
      for (std::size_t done = 0; done < m_bytes.size();) {
        const ssize_t n = ::write(m_fd[1], m_bytes.data() + done, m_bytes.size() - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
      }
      ::close(m_fd[1]);
    });
  }
  ~pipe_feed() {
    ::close(m_fd[0]);  // a reader that stopped early: the writer's next write fails and it ends
    m_writer.join();
  }
  pipe_feed(const pipe_feed&) = delete;
  pipe_feed& operator=(const pipe_feed&) = delete;

  [[nodiscard]] std::filesystem::path path() const { return "/dev/fd/" + std::to_string(m_fd[0]); }

private:
  std::string m_bytes;
  int m_fd[2] = {-1, -1};
  std::thread m_writer;
};

}  // namespace rafter::testing

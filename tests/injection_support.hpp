#pragma once
// Test support: runs a body in a forked child (a fresh process, as an injected program is) with
// extra environment variables and its stderr captured, and reports how it exited.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "profiler/cuda_driver.hpp"

namespace rafter::testing {

struct child_result {
  int status = 0;
  std::string err;  ///< Everything the child wrote on stderr.
  [[nodiscard]] bool exited_with(int code) const { return WIFEXITED(status) && WEXITSTATUS(status) == code; }
  [[nodiscard]] std::vector<std::string> err_lines() const {
    std::vector<std::string> lines;
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
};

/// `body` returns the child's exit code; the child leaves through std::exit so atexit handlers run.
inline child_result run_in_child(const std::map<std::string, std::string>& env, const std::function<int()>& body) {
  const auto err_path =
      std::filesystem::temp_directory_path() / ("rafter_child_err_" + std::to_string(::getpid()) + ".txt");
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    close(fd);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::exit(body());
  }
  child_result r;
  waitpid(pid, &r.status, 0);
  std::ifstream in(err_path);
  std::stringstream ss;
  ss << in.rdbuf();
  r.err = ss.str();
  std::filesystem::remove(err_path);
  return r;
}

/// True when a working CUDA driver can be loaded here (then CUPTI may really trace).
inline bool cuda_driver_present() { return rafter::profiler::cuda_driver_loadable(); }

}  // namespace rafter::testing

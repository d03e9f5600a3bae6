#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <string_view>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/option_checks.hpp"
#include "core/atomic_file.hpp"
#include "core/config_paths.hpp"
#include "core/error.hpp"
#include "core/trace.hpp"
#include "core/trace_summary.hpp"
#include "core/version.hpp"
#include "profiler/collector_config.hpp"
#include "profiler/kernel_selector.hpp"

namespace rafter::cli {

namespace {

namespace fs = std::filesystem;

struct trace_options {
  std::string output = "rafter-trace.json";  ///< -o: the rafter.trace/1 document (.json or .json.gz)
  std::string metrics = "none";              ///< none | roofline
  std::string kernels;                       ///< --kernels: regex selecting kernels for counters
  std::optional<std::int64_t> max_kernels;
  std::optional<std::int64_t> skip;
  bool nvtx = false;
  std::vector<std::string> command;  ///< CMD [ARGS...]
};

/// librafter_inject.so: $RAFTER_INJECT_LIBRARY, next to the rafter binary, in ../lib (installed),
/// in ../profiler (build tree), or where this rafter's build put it.
std::optional<fs::path> find_inject_library() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("RAFTER_INJECT_LIBRARY"); env != nullptr && *env != '\0') {
    candidates.emplace_back(env);
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path dir = exe.parent_path();
    candidates.push_back(dir / "librafter_inject.so");
    candidates.push_back(dir / ".." / "lib" / "librafter_inject.so");
    candidates.push_back(dir / ".." / "profiler" / "librafter_inject.so");
  }
#ifdef RAFTER_INJECT_LIBRARY_PATH
  candidates.emplace_back(RAFTER_INJECT_LIBRARY_PATH);
#endif
  for (const auto& c : candidates) {
    if (fs::is_regular_file(c, ec)) return fs::weakly_canonical(fs::absolute(c), ec);
  }
  return std::nullopt;
}

std::string signal_name(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  return abbrev != nullptr ? std::string("SIG") + abbrev : std::to_string(signal);
}

// The traced program while rafter waits for it (0 before the fork and in the child).
volatile sig_atomic_t g_program_pid = 0;

// SIGINT/SIGTERM sent to rafter by a process (kill, a job scheduler) go on to the program, which
// decides how to end; rafter keeps waiting so that the collector's trace is written. A terminal's
// Ctrl-C (sent by the kernel to the whole process group) already reached the program: not resent.
// A signal a process sends to the whole group (kill -- -PGID) reaches the program twice.
void forward_to_program(int signal, siginfo_t* info, void* /*context*/) {
  const int saved_errno = errno;
  const pid_t pid = g_program_pid;
  if (pid > 0 && info != nullptr && (info->si_code == SI_USER || info->si_code == SI_QUEUE) && info->si_pid != pid) {
    kill(pid, signal);
  }
  errno = saved_errno;
}

/// Runs `argv` with `env_additions` in its environment and waits for it. Returns the wait status.
/// Throws `usage_error` when the command cannot be started (nothing ran).
int run_and_wait(const std::vector<std::string>& argv, const std::vector<std::pair<std::string, std::string>>& env_additions) {
  int exec_error[2];
  if (pipe2(exec_error, O_CLOEXEC) != 0) throw error(exit_code::unsupported, std::string("pipe: ") + std::strerror(errno));
  // The program gets Ctrl-C itself (same process group); rafter forwards what is sent to it alone,
  // waits for the program to exit, so the collector can write its trace, and passes its status on.
  struct sigaction forward {};
  forward.sa_sigaction = &forward_to_program;
  forward.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&forward.sa_mask);
  struct sigaction old_int {}, old_term {};
  // Held back from the fork until the program's pid is known (parent) or the program's own
  // handlers are back (child): a signal in between is delivered then, not lost.
  sigset_t forwarded, old_mask;
  sigemptyset(&forwarded);
  sigaddset(&forwarded, SIGINT);
  sigaddset(&forwarded, SIGTERM);
  sigprocmask(SIG_BLOCK, &forwarded, &old_mask);
  sigaction(SIGINT, &forward, &old_int);
  sigaction(SIGTERM, &forward, &old_term);

  const pid_t pid = fork();
  if (pid < 0) {
    const int e = errno;
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    close(exec_error[0]);
    close(exec_error[1]);
    throw error(exit_code::unsupported, std::string("fork: ") + std::strerror(e));
  }
  if (pid > 0) {
    g_program_pid = pid;
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  }
  if (pid == 0) {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    close(exec_error[0]);
    // Variables rafter does not set this time must not leak in from rafter's own environment.
    for (const char* name : {"RAFTER_TRACE_OUTPUT", "RAFTER_TRACE_METRICS", "RAFTER_TRACE_METRICS_FILE",
                             "RAFTER_TRACE_KERNELS", "RAFTER_TRACE_SKIP", "RAFTER_TRACE_MAX_KERNELS",
                             "RAFTER_TRACE_NVTX", "NVTX_INJECTION64_PATH"}) {
      unsetenv(name);
    }
    for (const auto& [name, value] : env_additions) setenv(name.c_str(), value.c_str(), 1);
    setenv("RAFTER_TRACE_ROOT_PID", std::to_string(getpid()).c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    const int e = errno;
    (void)!write(exec_error[1], &e, sizeof e);
    _exit(127);
  }
  close(exec_error[1]);
  int child_errno = 0;
  ssize_t n = 0;
  do {
    n = read(exec_error[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  close(exec_error[0]);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  g_program_pid = 0;
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    throw usage_error("cannot run '" + argv[0] + "': " + std::strerror(child_errno));
  }
  return status;
}

exit_code run_trace(const trace_options& options) {
  profiler::collector_config config;
  config.roofline_metrics = options.metrics == "roofline";
  config.kernel_regex = options.kernels;
  config.skip = options.skip.value_or(0);
  config.max_kernels = options.max_kernels;
  config.nvtx = options.nvtx;
  if (!config.roofline_metrics && (!options.kernels.empty() || options.skip || options.max_kernels)) {
    throw usage_error("--kernels, --skip and --max-kernels choose the kernels that get counters; they need "
                      "--metrics roofline (activity tracing records every kernel)");
  }
  (void)profiler::kernel_selector(config);  // throws usage_error for a bad --kernels regex
  // Buffer sizes are tuned through the environment (RAFTER_TRACE_BUFFER_BYTES,
  // RAFTER_TRACE_DEVICE_BUFFER_BYTES), checked here so that a bad value stops before the program runs.
  const auto tuned = profiler::config_from_environment([](const char* name) {
    const char* v = std::getenv(name);
    const std::string_view n(name);
    return (n == "RAFTER_TRACE_BUFFER_BYTES" || n == "RAFTER_TRACE_DEVICE_BUFFER_BYTES") && v != nullptr && *v != '\0' ? v
                                                                                                                       : nullptr;
  });
  config.buffer_bytes = tuned.buffer_bytes;
  config.device_buffer_bytes = tuned.device_buffer_bytes;

  const fs::path output = options.output;
  check_writable_output(output);
  const auto library = find_inject_library();
  if (!library) {
    throw unsupported_error("rafter trace needs librafter_inject.so (the CUPTI collector, built when CUDA is found); "
                            "it is not next to this rafter nor in its build tree (set RAFTER_INJECT_LIBRARY)");
  }
  if (config.roofline_metrics) {
    const auto dir = find_config_dir();
    if (!dir || !fs::is_regular_file(*dir / "collector_metrics.json")) {
      throw unsupported_error("--metrics roofline needs configs/collector_metrics.json, not found (set RAFTER_CONFIG_DIR)");
    }
    config.metrics_file = *dir / "collector_metrics.json";
  }

  // The collector writes a temporary file; rafter renames it once the program has exited, so a
  // crashed or killed program never leaves half a trace and an older trace is only replaced by a
  // whole one.
  const fs::path dir = output.has_parent_path() ? output.parent_path() : fs::path(".");
  const fs::path partial = dir / fmt::format(".rafter-trace-{}-{}", getpid(), output.filename().string());
  config.output = fs::absolute(partial).lexically_normal();
  auto env = profiler::config_to_environment(config);
  // The program runs unchanged but for these: say so when they replace the user's own.
  for (const char* name : {"CUDA_INJECTION64_PATH", "NVTX_INJECTION64_PATH"}) {
    if (const char* own = std::getenv(name); own != nullptr && *own != '\0') {
      fmt::print(stderr, "rafter: warning: {}={} is replaced{} while tracing\n", name, own,
                 std::string_view(name) == "NVTX_INJECTION64_PATH" && !options.nvtx ? " (unset)" : "");
    }
  }
  env.emplace_back("CUDA_INJECTION64_PATH", library->string());
  if (options.nvtx) env.emplace_back("NVTX_INJECTION64_PATH", library->string());

  std::error_code ec;
  fs::remove(partial, ec);
  const int status = run_and_wait(options.command, env);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;

  if (fs::exists(partial, ec)) {
    fs::rename(partial, output, ec);
    if (ec) throw error(exit_code::unsupported, "cannot move the trace to " + output.string() + ": " + ec.message());
  } else {
    // The collector never ran: the program did not initialize CUDA (or was killed first).
    trace empty;
    empty.source.tool = "rafter";
    empty.source.version = version_string;
    empty.source.not_recorded = {"everything: the collector was not loaded"};
    const std::string warning =
        WIFSIGNALED(status)
            ? fmt::format("the program was killed by {} before the collector wrote its trace; nothing traced",
                          signal_name(WTERMSIG(status)))
            : "no CUDA context was created (the program never initialized CUDA, so CUPTI was never loaded), or the "
              "program left without running its exit handlers (_exit, quick_exit); nothing traced";
    empty.source.warnings.push_back(warning);
    save_trace(output, empty);
    fmt::print(stderr, "rafter: warning: {}\n", warning);
  }
  // What was recorded, from the trace's `source` (its start only: a trace may be hundreds of MB).
  const auto summary = read_trace_summary(output);
  const std::string counts = summary ? summary->describe() : std::string();
  fmt::print(stderr, "rafter trace: wrote {}{}\n", output.string(), counts.empty() ? "" : " (" + counts + ")");
  return static_cast<exit_code>(code);
}

}  // namespace

void add_trace_command(CLI::App& app, command_action& action) {
  auto options = std::make_shared<trace_options>();
  auto* cmd = app.add_subcommand(
      "trace", "Run a CUDA program under the CUPTI collector and write a rafter.trace/1 (exit code: the program's)");
  cmd->add_option("-o,--output", options->output, "Write the trace here (.json or .json.gz)")->capture_default_str();
  cmd->add_option("--metrics", options->metrics,
                  "none: kernels, copies, ranges (activity tracing); roofline: also per-kernel FLOP and bytes "
                  "(CUPTI Range Profiler, kernel replay: kernels run serialized and slower)")
      ->check(CLI::IsMember({"none", "roofline"}));
  cmd->add_option("--kernels", options->kernels, "Counters only for kernels whose name matches this regex");
  cmd->add_option("--max-kernels", options->max_kernels, "Counters for at most N kernel launches")
      ->check(whole_number(0, std::numeric_limits<std::int64_t>::max()));
  cmd->add_option("--skip", options->skip, "Pass over the first N matching launches before counting")
      ->check(whole_number(0, std::numeric_limits<std::int64_t>::max()));
  cmd->add_flag("--nvtx", options->nvtx, "Record NVTX ranges (sets NVTX_INJECTION64_PATH)");
  cmd->add_option("command", options->command, "The program and its arguments, after --")->required();
  cmd->footer(std::string("Example: rafter trace -o decode.json --nvtx -- ./llm --decode 128\n"
                          "Environment: RAFTER_TRACE_BUFFER_BYTES (each host activity buffer, default 8 MiB), "
                          "RAFTER_TRACE_DEVICE_BUFFER_BYTES (CUPTI's device buffers; raise it when the trace reports "
                          "kernels with invalid timestamps)\n") +
              exit_codes_help);
  cmd->callback([&action, options] { action = [options] { return run_trace(*options); }; });
}

}  // namespace rafter::cli

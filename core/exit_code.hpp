#pragma once

namespace rafter {

/// Process exit codes of every rafter command (documented in README.md and `rafter --help`).
enum class exit_code : int {
  ok = 0,            ///< The command did what was asked.
  check_failed = 1,  ///< A check or comparison rule failed (the command itself worked).
  usage = 2,         ///< Bad arguments or bad input file; nothing was written.
  unsupported = 3,   ///< The hardware or environment cannot run this command.
  interrupted = 130  ///< Stopped by SIGINT (Ctrl-C); nothing was written.
};

}  // namespace rafter

#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace rafter::cli {

/// A whole number from `lo` to `hi` written in decimal: "abc", "1.5", "-1" (for lo 0) and "1e3"
/// are refused with one short line, "expected a whole number from 0 to 1024, got \"abc\"".
[[nodiscard]] CLI::Validator whole_number(long long lo, long long hi);

/// Throws `usage_error` when an option of the command that `app` parsed (its chosen subcommands
/// included) was given an empty value: `--html ""` from a script's unset variable would otherwise
/// mean "no HTML" for one command and a file named "" for another. Positional arguments are not
/// checked: a traced program's own arguments may be empty.
void refuse_empty_option_values(const CLI::App& app);

/// Throws `usage_error` when `argv[1]` looks like a command name (no leading '-') and `app` has no
/// such subcommand, listing the commands: CLI11 would say only "A subcommand is required".
void refuse_unknown_command(const CLI::App& app, int argc, const char* const* argv);

}  // namespace rafter::cli

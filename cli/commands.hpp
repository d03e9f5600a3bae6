#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "core/exit_code.hpp"

namespace rafter::cli {

/// What a parsed subcommand does. Runs after parsing; returns the exit code or throws
/// `rafter::error` (whose code is used).
using command_action = std::function<exit_code()>;

/// Help footer shared by every level.
extern const char* const exit_codes_help;

/// Each `add_<name>_command` registers one subcommand on `app` (its options parsed once into an
/// immutable options struct, see cli/options.hpp) and, when the user picks it, stores what to run
/// in `action`. One file per command: cli/cmd_<name>.cpp.
void add_sweep_command(CLI::App& app, command_action& action);
void add_report_command(CLI::App& app, command_action& action);
void add_devices_command(CLI::App& app, command_action& action);
void add_trace_command(CLI::App& app, command_action& action);
void add_import_command(CLI::App& app, command_action& action);
void add_export_command(CLI::App& app, command_action& action);
void add_analyze_command(CLI::App& app, command_action& action);
void add_compare_command(CLI::App& app, command_action& action);
void add_project_command(CLI::App& app, command_action& action);

/// Registers a subcommand that exists but is not implemented yet: it accepts any arguments and
/// answers "rafter NAME: not implemented yet" with exit code 2.
void add_pending_command(CLI::App& app, command_action& action, const char* name, const char* description);

}  // namespace rafter::cli

#include <string>

#include <fmt/format.h>

#include "cli/commands.hpp"

namespace rafter::cli {

void add_pending_command(CLI::App& app, command_action& action, const char* name, const char* description) {
  auto* cmd = app.add_subcommand(name, std::string(description) + " (not implemented yet)");
  cmd->allow_extras();
  cmd->footer(exit_codes_help);
  const std::string command = name;
  cmd->callback([&action, command] {
    action = [command] {
      fmt::print(stderr, "rafter {}: not implemented yet\n", command);
      return exit_code::usage;
    };
  });
}

// Commands whose issues are still open go here (add_pending_command); each moves to its own
// cmd_<name>.cpp when implemented. None are pending now.

}  // namespace rafter::cli

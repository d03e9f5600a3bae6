#include "cli/option_checks.hpp"

#include <charconv>

#include "core/error.hpp"

namespace rafter::cli {

CLI::Validator whole_number(long long lo, long long hi) {
  const std::string range = "from " + std::to_string(lo) + " to " + std::to_string(hi);
  return CLI::Validator(
      [lo, hi, range](std::string& text) -> std::string {
        long long v = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, v);
        if (text.empty() || ec != std::errc() || ptr != end || v < lo || v > hi) {
          return "expected a whole number " + range + ", got \"" + text + "\"";
        }
        return {};
      },
      "INT " + range);
}

namespace {

void check_options(const CLI::App& app) {
  for (const CLI::Option* opt : app.get_options()) {
    if (!opt->nonpositional() || opt->get_type_size_min() < 1) continue;  // positionals and flags
    for (const std::string& value : opt->results()) {
      if (value.empty()) {
        throw usage_error(opt->get_name() + ": an empty value was given (a script's unset variable?); leave the "
                          "option out instead");
      }
    }
  }
  for (const CLI::App* sub : app.get_subcommands()) check_options(*sub);
}

}  // namespace

void refuse_empty_option_values(const CLI::App& app) { check_options(app); }

void refuse_unknown_command(const CLI::App& app, int argc, const char* const* argv) {
  if (argc < 2 || argv[1][0] == '-' || argv[1][0] == '\0') return;
  std::string names;
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == argv[1]) return;
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  throw usage_error(std::string("unknown command \"") + argv[1] + "\"; the commands are " + names);
}

}  // namespace rafter::cli

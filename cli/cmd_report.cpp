#include <memory>

#include <fmt/format.h>

#include "analysis/analysis_document.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/json_file.hpp"
#include "core/json_reader.hpp"
#include "core/machine_profile.hpp"
#include "reports/analysis_report_html.hpp"
#include "reports/machine_report_html.hpp"

namespace rafter::cli {

namespace {

exit_code run_report(const report_options& options) {
  check_writable_outputs({options.html}, {options.input});
  const json document = read_json_file(options.input);
  const json_reader root(document, options.input, "");
  const schema_tag tag = parse_schema_tag(root.req_string("schema"), options.input);
  std::string html;
  if (tag.kind == machine_profile::schema_kind) {
    html = render_machine_html(machine_profile_from_json(document, options.input));
  } else if (tag.kind == analysis_document::schema_kind) {
    // The page `rafter analyze --html` wrote for it, byte for byte.
    html = render_analysis_html(analysis_from_json(document, options.input));
  } else {
    root.fail("schema", "rafter report renders rafter.machine/1 and rafter.analysis/1 documents; \"" + tag.kind +
                            "\" has its HTML from the command that makes it (compare --html, project --html)");
  }
  write_file_atomically(options.html, html);
  fmt::print("report: {}\n", options.html);
  return exit_code::ok;
}

}  // namespace

void add_report_command(CLI::App& app, command_action& action) {
  auto options = std::make_shared<report_options>();
  auto* cmd = app.add_subcommand("report", "Render a rafter document (machine profile or analysis) as a report");
  cmd->add_option("input", options->input, "A rafter.machine/1 or rafter.analysis/1 JSON document")->required();
  cmd->add_option("--html", options->html, "Write a self-contained HTML report here")->required();
  cmd->footer(exit_codes_help);
  cmd->callback([&action, options] { action = [options] { return run_report(*options); }; });
}

}  // namespace rafter::cli

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/json_file.hpp"
#include "core/json_reader.hpp"
#include "core/machine_profile.hpp"
#include "reports/machine_report_html.hpp"

namespace rafter::cli {

exit_code run_report(const report_options& options) {
  const json document = read_json_file(options.input);
  const json_reader root(document, options.input, "");
  const schema_tag tag = parse_schema_tag(root.req_string("schema"), options.input);
  if (tag.kind != machine_profile::schema_kind) {
    root.fail("schema", "rafter report renders rafter.machine/1 documents; \"" + tag.kind + "\" is not supported yet");
  }
  const machine_profile profile = machine_profile_from_json(document, options.input);
  write_file_atomically(options.html, render_machine_html(profile));
  fmt::print("report: {}\n", options.html);
  return exit_code::ok;
}

}  // namespace rafter::cli

#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "analysis/analysis_comparison.hpp"
#include "analysis/analysis_document.hpp"
#include "analysis/analyzer.hpp"
#include "analysis/comparison_rules.hpp"
#include "analysis/importers/import_trace.hpp"
#include "analysis/kernel_classifier.hpp"
#include "analysis/machine_matcher.hpp"
#include "analysis/profile_comparison.hpp"
#include "cli/assumed_architecture.hpp"
#include "cli/commands.hpp"
#include "cli/profile_option.hpp"
#include "core/atomic_file.hpp"
#include "core/config_paths.hpp"
#include "core/error.hpp"
#include "core/json_file.hpp"
#include "core/json_reader.hpp"
#include "core/machine_profile.hpp"
#include "core/trace.hpp"
#include "core/version.hpp"
#include "reports/comparison_report_html.hpp"
#include "reports/comparison_report_json.hpp"
#include "reports/comparison_report_junit.hpp"
#include "reports/comparison_report_markdown.hpp"

namespace rafter::cli {

namespace {

/// Options of `rafter compare`, parsed once.
struct compare_options {
  std::string a;
  std::string b;
  std::vector<std::string> fail_on;  ///< Each a comma-separated list of rules.
  std::string markdown;
  std::string junit;
  std::string json;
  std::string html;
  std::string machine_a;  ///< For a trace A: a profile file or a datasheet name; default: matched by device name.
  std::string machine_b;
};

/// One input, read as what it is.
struct loaded_input {
  std::string kind;  ///< "rafter.machine", "rafter.analysis" (traces are analyzed on reading).
  int major = 0;
  std::optional<machine_profile> profile;
  std::optional<analysis_document> analysis;
  bool from_trace = false;
};

std::filesystem::path config_dir_or_throw() {
  const auto dir = find_config_dir();
  if (!dir) throw usage_error("rafter compare: cannot find the configs/ directory (set RAFTER_CONFIG_DIR)");
  return *dir;
}

/// A trace placed on `machine` (read from `machine_file`, the --machine-a/-b option), or, when
/// none is given, on the datasheet that matches its device name (as `rafter analyze` does).
analysis_document analyze_trace(const std::string& file, const trace& t, const std::optional<machine_profile>& machine,
                                const std::string& machine_file, const char* option_name) {
  const std::filesystem::path configs = config_dir_or_throw();
  const kernel_classifier classifier = kernel_classifier::load(configs / "kernel_classes.json");
  analyze_options options;
  options.trace_file = file;
  options.generator.version = version_string;
  if (machine) {
    options.machine_file = machine_file;
    options.machine_choice = option_name;
    return analyze(t, *machine, classifier, options);
  }
  const std::set<std::string> names = kernel_device_names(t);
  if (names.size() != 1) {
    throw input_error(file, "devices",
                      names.empty() ? "the trace names no device: pass --machine-a / --machine-b PROFILE"
                                    : "the trace's kernels ran on different device models: pass --machine-a / "
                                      "--machine-b PROFILE");
  }
  const machine_matcher matcher = machine_matcher::load(configs / "device_datasheets.json");
  const auto match = matcher.find(*names.begin());
  if (!match) {
    throw input_error(file, "devices", "device \"" + *names.begin() +
                                           "\" matches no datasheet: pass --machine-a / --machine-b PROFILE");
  }
  const std::filesystem::path datasheet = configs / "hardware" / (match->datasheet + ".json");
  options.machine_file = datasheet.string();
  options.machine_choice = "datasheet chosen automatically: device \"" + *names.begin() + "\" matched /" + match->pattern + "/";
  return analyze(t, load_machine_profile(datasheet), classifier, options);
}

/// The schema tag of a rafter JSON document, or nothing for a trace in another tool's format.
std::optional<schema_tag> peek_tag(const std::string& file, std::optional<json>& document) {
  if (detect_trace_format(file) != trace_format::rafter) return std::nullopt;
  document = read_json_file(file);
  const json_reader root(*document, file, "");
  return parse_schema_tag(root.req_string("schema"), file);
}

loaded_input load_input(const std::string& file, const std::optional<schema_tag>& tag, const std::optional<json>& document,
                        const std::string& machine, const char* option_name) {
  loaded_input in;
  if (tag && tag->kind == machine_profile::schema_kind) {
    in.kind = tag->kind;
    in.major = tag->major;
    in.profile = machine_profile_from_json(*document, file);
    return in;
  }
  if (tag && tag->kind == analysis_document::schema_kind) {
    in.kind = tag->kind;
    in.major = tag->major;
    in.analysis = analysis_from_json(*document, file);
    return in;
  }
  if (tag && tag->kind != trace::schema_kind) {
    throw input_error(file, "schema", "rafter compare reads rafter.machine/1, rafter.analysis/1 and traces; \"" +
                                          tag->kind + "\" is not one of them");
  }
  // A given machine is read first: its architecture weighs the counters of Nsight Compute files
  // that name none.
  std::optional<machine_profile> profile;
  std::string profile_file;
  if (!machine.empty()) {
    profile_file = profile_option_path(machine, std::string("rafter compare: ") + option_name).string();
    profile = load_machine_profile(profile_file);
  }
  const trace t = document ? trace_from_json(*document, file)
                           : import_trace(file, std::nullopt,
                                          ncu_assumptions("", profile ? &*profile : nullptr, profile_file, option_name));
  in.kind = analysis_document::schema_kind;
  in.major = analysis_document::schema_major;
  in.analysis = analyze_trace(file, t, profile, profile_file, option_name);
  in.from_trace = true;
  return in;
}

std::string kind_word(const std::optional<schema_tag>& tag) {
  if (!tag) return "a trace";
  if (tag->kind == trace::schema_kind || tag->kind == analysis_document::schema_kind) return "a trace or analysis";
  if (tag->kind == machine_profile::schema_kind) return "a machine profile";
  return "a \"" + tag->kind + "\" document";
}

exit_code run_compare(const compare_options& o) {
  std::vector<comparison_rule> rules;
  for (const auto& text : o.fail_on) {
    for (auto& r : parse_rules(text)) rules.push_back(std::move(r));
  }
  check_writable_outputs({o.markdown, o.junit, o.json, o.html}, {o.a, o.b, profile_option_input(o.machine_a), profile_option_input(o.machine_b)});

  std::optional<json> doc_a;
  std::optional<json> doc_b;
  const auto tag_a = peek_tag(o.a, doc_a);
  const auto tag_b = peek_tag(o.b, doc_b);
  const bool machine_a = tag_a && tag_a->kind == machine_profile::schema_kind;
  const bool machine_b = tag_b && tag_b->kind == machine_profile::schema_kind;
  if (machine_a != machine_b) {
    throw input_error(o.b, "schema", "cannot compare " + kind_word(tag_a) + " (" + o.a + ") with " + kind_word(tag_b) +
                                         ": give two machine profiles, or two traces or analyses");
  }
  if (tag_a && tag_b && tag_a->kind == tag_b->kind && tag_a->major != tag_b->major) {
    throw input_error(o.b, "schema", fmt::format("schema majors differ: {} is {}/{}, this is {}/{}", o.a, tag_a->kind,
                                                 tag_a->major, tag_b->kind, tag_b->major));
  }
  // A machine profile is used only to analyze a trace: given for a profile or an analysis, it
  // would be ignored, so it is refused.
  for (const auto& [tag, machine, file, option] :
       {std::tuple{&tag_a, &o.machine_a, &o.a, "--machine-a"}, std::tuple{&tag_b, &o.machine_b, &o.b, "--machine-b"}}) {
    if (!machine->empty() && *tag && (*tag)->kind != trace::schema_kind) {
      throw usage_error(std::string("rafter compare: ") + option + " analyzes a trace, but " + *file + " is a " +
                        (*tag)->kind + " document, used as it is: leave " + option + " out");
    }
  }
  const loaded_input a = load_input(o.a, tag_a, doc_a, o.machine_a, "--machine-a");
  const loaded_input b = load_input(o.b, tag_b, doc_b, o.machine_b, "--machine-b");

  comparison c = a.profile ? compare_profiles(*a.profile, *b.profile, o.a, o.b)
                           : compare_analyses(*a.analysis, *b.analysis, o.a, o.b);
  if (a.from_trace) c.notes.push_back("A was analyzed on " + a.analysis->machine_file + " (" + a.analysis->machine_choice + ")");
  if (b.from_trace) c.notes.push_back("B was analyzed on " + b.analysis->machine_file + " (" + b.analysis->machine_choice + ")");
  c.rules = evaluate_rules(rules, c.metrics, o.a, o.b);

  // Render everything first, then write: a rendering failure leaves no partial set of files.
  const std::string markdown = render_comparison_markdown(c);
  const std::string junit = o.junit.empty() ? "" : render_comparison_junit(c);
  const std::string json_text = o.json.empty() ? "" : comparison_to_json(c).dump(2) + "\n";
  const std::string html = o.html.empty() ? "" : render_comparison_html(c);
  write_files_atomically({{o.markdown, markdown}, {o.junit, junit}, {o.json, json_text}, {o.html, html}});

  if (o.markdown.empty() && o.junit.empty() && o.json.empty() && o.html.empty()) {
    fmt::print("{}", markdown);
  } else {
    std::size_t both = 0;
    for (const auto& m : c.metrics) both += m.both() ? 1 : 0;
    fmt::print("compare: {} vs {}: {} metrics ({} on both sides)\n", c.a.name, c.b.name, c.metrics.size(), both);
    for (const auto& r : c.rules) fmt::print("rule {}: {}\n", r.rule, r.message);
    for (const auto* out : {&o.markdown, &o.junit, &o.json, &o.html}) {
      if (!out->empty()) fmt::print("wrote {}\n", *out);
    }
  }
  for (const auto& w : c.warnings) fmt::print(stderr, "rafter compare: warning: {}\n", w);
  if (c.any_rule_failed()) {
    std::size_t failed = 0;
    std::size_t inconclusive = 0;
    for (const auto& r : c.rules) {
      failed += fails_gate(r.status) ? 1 : 0;
      inconclusive += r.status == rule_status::inconclusive ? 1 : 0;
    }
    fmt::print(stderr, "rafter compare: {} of {} rule checks failed{}\n", failed, c.rules.size(),
               inconclusive == 0 ? "" : fmt::format(" ({} inconclusive: too noisy to decide)", inconclusive));
    return exit_code::check_failed;
  }
  return exit_code::ok;
}

}  // namespace

void add_compare_command(CLI::App& app, command_action& action) {
  auto options = std::make_shared<compare_options>();
  auto* cmd = app.add_subcommand(
      "compare", "Compare two machine profiles (measured or datasheet), or two traces or analyses, and gate CI on rules");
  cmd->add_option("a", options->a, "Baseline: a rafter.machine/1 profile, or a trace / rafter.analysis/1")->required();
  cmd->add_option("b", options->b, "Candidate: a document of the same kind as A")->required();
  cmd->add_option("--fail-on", options->fail_on,
                  "Rules METRIC:+N% (fails when B rises more than N% over A) or METRIC:-N% (falls more than N%), "
                  "comma-separated or repeated; a '*' segment matches any one segment. Examples: busy_time:+5%, "
                  "class.gemm.time:+3%, memory.hbm.read:-2%, compute.bf16.tensor:-2%. See docs/compare.md")
      ->take_all();
  cmd->add_option("--machine-a", options->machine_a,
                  "When A is a trace: the profile to analyze it on (a file or a datasheet name in configs/hardware/); "
                  "default: the datasheet matching its device name");
  cmd->add_option("--machine-b", options->machine_b, "When B is a trace: as --machine-a");
  cmd->add_option("--markdown", options->markdown, "Write a Markdown report here (printed to stdout when no output is given)");
  cmd->add_option("--junit", options->junit, "Write JUnit XML here: one test case per rule");
  cmd->add_option("--json", options->json, "Write the rafter.comparison/1 JSON here");
  cmd->add_option("--html", options->html, "Write a self-contained HTML report here");
  cmd->footer(std::string(exit_codes_help) + " compare exits 1 when any --fail-on rule fails or is inconclusive (past the limit, but the measurements' "
                                              "spreads overlap: too noisy to decide).");
  cmd->callback([&action, options] { action = [options] { return run_compare(*options); }; });
}

}  // namespace rafter::cli

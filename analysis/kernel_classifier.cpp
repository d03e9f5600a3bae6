#include "analysis/kernel_classifier.hpp"

#include <stdexcept>

#include "analysis/kernel_name.hpp"
#include "core/json_file.hpp"
#include "core/json_reader.hpp"
#include "core/machine_profile.hpp"

namespace rafter {

namespace {
constexpr const char* k_schema_kind = "rafter.kernel_classes";
constexpr int k_schema_major = 1;
}  // namespace

kernel_classifier kernel_classifier::from_json(const json& document, const std::string& file) {
  const json_reader root(document, file, "");
  const schema_tag tag = parse_schema_tag(root.req_string("schema"), file);
  if (tag.kind != k_schema_kind) {
    root.fail("schema", "this is a \"" + tag.kind + "\" document, not a kernel class table (" + k_schema_kind + "/1)");
  }
  if (tag.major != k_schema_major) {
    root.fail("schema", "unsupported major version " + std::to_string(tag.major) + " (this rafter reads " +
                            k_schema_kind + "/1)");
  }
  kernel_classifier out;
  for (const json_reader& rule : root.req_object_array("rules")) {
    classifier_rule r;
    r.pattern = rule.req_string("pattern");
    if (r.pattern.empty()) rule.fail("pattern", "must not be empty");
    const std::string cls = rule.req_string("class");
    const auto parsed = kernel_class_from_string(cls);
    if (!parsed) {
      rule.fail("class", "unknown class \"" + cls +
                             "\" (one of gemm, attention, normalization, elementwise, reduction, communication, copy, other)");
    }
    r.cls = *parsed;
    r.file = file;
    try {
      out.m_compiled.emplace_back(r.pattern);
    } catch (const std::invalid_argument& e) {
      rule.fail("pattern", std::string("not a valid regular expression: ") + e.what());
    }
    out.m_rules.push_back(std::move(r));
  }
  return out;
}

kernel_classifier kernel_classifier::load(const std::filesystem::path& path) {
  return from_json(read_json_file(path), path.string());
}

void kernel_classifier::prepend(const kernel_classifier& first) {
  m_rules.insert(m_rules.begin(), first.m_rules.begin(), first.m_rules.end());
  m_compiled.insert(m_compiled.begin(), first.m_compiled.begin(), first.m_compiled.end());
}

kernel_class kernel_classifier::classify(std::string_view name) const {
  const std::string kernel = normalize_kernel_name(std::string(name));
  for (std::size_t i = 0; i < m_rules.size(); ++i) {
    if (m_compiled[i].search(kernel)) return m_rules[i].cls;
  }
  return kernel_class::other;
}

}  // namespace rafter

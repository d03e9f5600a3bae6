#include "analysis/machine_matcher.hpp"

#include <stdexcept>

#include "core/json_file.hpp"
#include "core/json_reader.hpp"
#include "core/machine_profile.hpp"

namespace rafter {

machine_matcher machine_matcher::from_json(const json& document, const std::string& file) {
  const json_reader root(document, file, "");
  const schema_tag tag = parse_schema_tag(root.req_string("schema"), file);
  if (tag.kind != "rafter.device_datasheets" || tag.major != 1) {
    root.fail("schema", "expected \"rafter.device_datasheets/1\"");
  }
  machine_matcher out;
  for (const json_reader& r : root.req_object_array("rules")) {
    rule x{r.req_string("pattern"), r.req_string("datasheet")};
    if (x.pattern.empty()) r.fail("pattern", "must not be empty");
    if (x.datasheet.empty()) r.fail("datasheet", "must not be empty");
    try {
      out.m_compiled.emplace_back(x.pattern);
    } catch (const std::invalid_argument& e) {
      r.fail("pattern", std::string("not a valid regular expression: ") + e.what());
    }
    out.m_rules.push_back(std::move(x));
  }
  return out;
}

machine_matcher machine_matcher::load(const std::filesystem::path& path) {
  return from_json(read_json_file(path), path.string());
}

std::optional<machine_matcher::match> machine_matcher::find(const std::string& device_name) const {
  for (std::size_t i = 0; i < m_rules.size(); ++i) {
    if (m_compiled[i].search(device_name)) return match{m_rules[i].datasheet, m_rules[i].pattern};
  }
  return std::nullopt;
}

}  // namespace rafter

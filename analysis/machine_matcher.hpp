#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analysis/posix_regex.hpp"
#include "core/json.hpp"

namespace rafter {

/// Device name -> datasheet profile, from an ordered rule table (`rafter.device_datasheets/1`,
/// configs/device_datasheets.json, schema in docs/schemas.md): the first rule whose POSIX extended
/// regex matches the name (case-insensitive, anywhere) wins.
class machine_matcher {
public:
  struct rule {
    std::string pattern;
    std::string datasheet;  ///< File stem in configs/hardware/.
  };
  struct match {
    std::string datasheet;
    std::string pattern;  ///< The rule that matched, for the analysis' "machine_choice".
  };

  /// Throws `input_error` naming `file` and the field on a malformed table or regex.
  [[nodiscard]] static machine_matcher from_json(const json& document, const std::string& file);
  [[nodiscard]] static machine_matcher load(const std::filesystem::path& path);

  [[nodiscard]] std::optional<match> find(const std::string& device_name) const;
  [[nodiscard]] const std::vector<rule>& rules() const noexcept { return m_rules; }

private:
  std::vector<rule> m_rules;
  std::vector<posix_regex> m_compiled;
};

}  // namespace rafter

#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/kernel_class.hpp"
#include "analysis/posix_regex.hpp"
#include "core/json.hpp"

namespace rafter {

/// One rule of a `rafter.kernel_classes/1` table: a POSIX extended regular expression (see
/// `posix_regex`) searched case-insensitively anywhere in the kernel name.
struct classifier_rule {
  std::string pattern;
  kernel_class cls = kernel_class::other;
  std::string file;  ///< The table the rule came from (for messages and reports).
};

/// Ordered regex rules -> kernel class; the first rule that matches wins, `other` when none does.
/// Tables are data (configs/kernel_classes.json, schema in docs/schemas.md); a user's table is
/// placed in front of the default one so its rules win.
class kernel_classifier {
public:
  kernel_classifier() = default;

  /// Validates and compiles a `rafter.kernel_classes/1` document. Throws `input_error` naming
  /// `file` and the field (`rules[3].pattern: not a valid regular expression`).
  [[nodiscard]] static kernel_classifier from_json(const json& document, const std::string& file);
  [[nodiscard]] static kernel_classifier load(const std::filesystem::path& path);

  /// Puts `first`'s rules before this table's.
  void prepend(const kernel_classifier& first);

  /// The class of the first rule matching the kernel's name without its parameter list
  /// (normalize_kernel_name), `other` when no rule matches.
  [[nodiscard]] kernel_class classify(std::string_view name) const;

  [[nodiscard]] const std::vector<classifier_rule>& rules() const noexcept { return m_rules; }

private:
  std::vector<classifier_rule> m_rules;
  std::vector<posix_regex> m_compiled;  ///< Parallel to m_rules.
};

}  // namespace rafter

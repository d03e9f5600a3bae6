#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <regex.h>

namespace rafter {

/// A compiled POSIX extended regular expression (the C library's `regcomp`, GNU flavour: `\b`, `\w`,
/// `\<`, `\>` work; no lookahead, no `\d`), matched case-insensitively anywhere in a text. Used for
/// the rule tables in configs/ because it is 20-50x faster than std::regex on long kernel names.
class posix_regex {
public:
  /// Throws std::invalid_argument with the library's message when `pattern` does not compile.
  /// `groups`: keep what parenthesised groups match (`first_group`); matching is slower with it.
  explicit posix_regex(const std::string& pattern, bool groups = false);

  /// True when the pattern matches somewhere in `text`.
  [[nodiscard]] bool search(std::string_view text) const;
  /// The text of group 1 at the first match, or nothing (no match, the group took no part, or
  /// compiled without `groups`).
  [[nodiscard]] std::optional<std::string> first_group(std::string_view text) const;

private:
  struct deleter {
    void operator()(regex_t* r) const noexcept;
  };
  std::shared_ptr<regex_t> m_regex;  ///< Shared: copies of a table share the compiled automaton.
  bool m_groups = false;
};

}  // namespace rafter

#include "analysis/posix_regex.hpp"

#include <array>
#include <stdexcept>

namespace rafter {

void posix_regex::deleter::operator()(regex_t* r) const noexcept {
  regfree(r);
  delete r;
}

posix_regex::posix_regex(const std::string& pattern, bool groups) : m_groups(groups) {
  auto* r = new regex_t{};
  const int rc = regcomp(r, pattern.c_str(), REG_EXTENDED | REG_ICASE | (groups ? 0 : REG_NOSUB));
  if (rc != 0) {
    std::array<char, 256> message{};
    regerror(rc, r, message.data(), message.size());
    delete r;  // regcomp frees its own state on failure.
    throw std::invalid_argument(message.data());
  }
  m_regex.reset(r, deleter{});
}

bool posix_regex::search(std::string_view text) const {
  // regexec needs a NUL-terminated string; names are short, one copy is cheap next to the match.
  const std::string copy(text);
  return regexec(m_regex.get(), copy.c_str(), 0, nullptr, 0) == 0;
}

std::optional<std::string> posix_regex::first_group(std::string_view text) const {
  if (!m_groups) return std::nullopt;
  const std::string copy(text);
  std::array<regmatch_t, 2> match{};
  if (regexec(m_regex.get(), copy.c_str(), match.size(), match.data(), 0) != 0 || match[1].rm_so < 0) return std::nullopt;
  return copy.substr(static_cast<std::size_t>(match[1].rm_so), static_cast<std::size_t>(match[1].rm_eo - match[1].rm_so));
}

}  // namespace rafter

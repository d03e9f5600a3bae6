#include "analysis/posix_regex.hpp"

#include <array>
#include <stdexcept>

namespace rafter {

void posix_regex::deleter::operator()(regex_t* r) const noexcept {
  regfree(r);
  delete r;
}

posix_regex::posix_regex(const std::string& pattern) {
  auto* r = new regex_t{};
  const int rc = regcomp(r, pattern.c_str(), REG_EXTENDED | REG_ICASE | REG_NOSUB);
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

}  // namespace rafter

#include "analysis/kernel_name.hpp"

#include <cctype>

namespace rafter {

std::string normalize_kernel_name(const std::string& name, bool mask_digits) {
  std::string s = name;
  if (s.rfind("void ", 0) == 0) s.erase(0, 5);
  // Drop the trailing argument list: the last top-level "(...)" that ends the name.
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  if (!s.empty() && s.back() == ')') {
    int depth = 0;
    for (std::size_t i = s.size(); i-- > 0;) {
      if (s[i] == ')') ++depth;
      if (s[i] == '(' && --depth == 0) {
        // Keep "(anonymous namespace)" and friends that are part of a qualified name.
        if (i > 0 && s[i - 1] != ':') s.erase(i);
        break;
      }
    }
  }
  std::string out;
  bool space = false;
  for (const char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    if (mask_digits && std::isdigit(static_cast<unsigned char>(c))) {
      if (out.empty() || out.back() != '#') out += '#';
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace rafter

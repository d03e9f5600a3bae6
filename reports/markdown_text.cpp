#include "reports/markdown_text.hpp"

#include <algorithm>
#include <string_view>

namespace rafter {

namespace {

std::string flatten(std::string text, std::size_t max_chars) {
  for (auto& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (text.size() > max_chars) {
    std::size_t cut = max_chars;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // Keep UTF-8 whole.
    text = text.substr(0, cut) + "...";
  }
  return text;
}

}  // namespace

std::string markdown_code(const std::string& raw, std::size_t max_chars) {
  if (raw.empty()) return "-";
  std::string escaped;
  std::size_t run = 0, longest = 0;
  for (const char c : flatten(raw, max_chars)) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
    if (c == '|') escaped += "\\|";
    else escaped += c;
  }
  const std::string fence(longest + 1, '`');
  // A space inside the fence keeps a backtick at either end of the text from joining it.
  const bool pad = longest > 0 || escaped.front() == ' ' || escaped.back() == ' ';
  return pad ? fence + " " + escaped + " " + fence : fence + escaped + fence;
}

std::string markdown_text(const std::string& raw, std::size_t max_chars) {
  constexpr std::string_view special = "\\`*<>&|";
  std::string out;
  for (const char c : flatten(raw, max_chars)) {
    if (special.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace rafter

#include "reports/html_escape.hpp"

#include <cctype>

namespace rafter {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c; break;
    }
  }
  return out;
}

namespace {

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) noexcept {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

bool is_linkable_url(std::string_view url) noexcept {
  std::size_t prefix = 0;
  if (starts_with_ignoring_case(url, "https://")) {
    prefix = 8;
  } else if (starts_with_ignoring_case(url, "http://")) {
    prefix = 7;
  } else {
    return false;
  }
  if (url.size() == prefix) return false;
  for (const char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
  }
  return true;
}

std::string html_link(std::string_view url, std::string_view text) {
  if (is_linkable_url(url)) {
    return "<a href=\"" + html_escape(url) + "\" rel=\"noopener noreferrer\">" + html_escape(text) + "</a>";
  }
  std::string out = html_escape(text);
  if (!url.empty() && url != text) out += " (" + html_escape(url) + ")";
  return out;
}

}  // namespace rafter

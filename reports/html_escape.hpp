#pragma once

#include <string>
#include <string_view>

namespace rafter {

/// Escaping for HTML and SVG. Every piece of profile text (device names, ids, methods, notes,
/// warnings, URLs) passes through here before it reaches a report.

/// Replaces & < > " ' with character references, so the result is safe both as element text and
/// inside a quoted attribute value. Other bytes (UTF-8 included) pass through unchanged.
[[nodiscard]] std::string html_escape(std::string_view text);

/// True when `url` may become an href: it starts with "https://" or "http://" (case-insensitive)
/// and contains no whitespace or control characters. Anything else (javascript:, data:, relative
/// paths) is shown as text, never linked.
[[nodiscard]] bool is_linkable_url(std::string_view url) noexcept;

/// `<a href="url" rel="noopener noreferrer">text</a>` with both parts escaped when `url` is
/// linkable; otherwise the escaped `text` alone (followed by the escaped URL in parentheses when
/// the URL is non-empty and differs from the text).
[[nodiscard]] std::string html_link(std::string_view url, std::string_view text);

}  // namespace rafter

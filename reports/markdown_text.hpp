#pragma once

#include <cstddef>
#include <string>

namespace rafter {

/// Text in a Markdown code span, safe in a table cell: newlines and tabs become spaces, text past
/// `max_chars` bytes is cut (UTF-8 kept whole) and ends in "...", `|` is escaped (GitHub splits
/// cells before it parses code spans), and the fence is one backtick longer than the longest run
/// of backticks in the text. Empty text is "-".
[[nodiscard]] std::string markdown_code(const std::string& raw, std::size_t max_chars = 100);

/// Plain prose in a Markdown table cell or line, flattened and cut as markdown_code does: the
/// characters Markdown or inline HTML would interpret (\ ` * < > & |) are backslash-escaped, so it
/// renders as written and reads as written in a CI log (`_` is left alone: GitHub ignores it
/// inside words, where names have it).
[[nodiscard]] std::string markdown_text(const std::string& raw, std::size_t max_chars = 1000);

}  // namespace rafter

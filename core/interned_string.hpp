#pragma once

#include <compare>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "core/json.hpp"

namespace rafter {

/// An immutable string kept once per process: one pointer (8 bytes) into a process-wide pool of
/// unique strings. For text that repeats across millions of records (a trace's kernel names:
/// every launch of a kernel carries the same, often 500-byte, demangled template name).
///
/// Contract:
/// - Equal contents <=> the same pool entry, so `==` between two interned strings compares
///   pointers. Ordering (`<=>`) compares contents (deterministic, as `std::string`'s).
/// - The pool only grows and is never freed: an interned string stays valid, at the same
///   address, until the process exits (references from `str()` and views never dangle).
/// - Interning (construction or assignment from text) locks the pool's mutex; it is safe from
///   any number of threads. Copying, comparing and reading never lock.
/// - A default-constructed interned string is "" (never a null pointer).
class interned_string {
public:
  interned_string() noexcept;
  /// Interns `text`: finds the pool's entry equal to it, adding one when there is none.
  explicit interned_string(std::string_view text);
  explicit interned_string(const std::string& text) : interned_string(std::string_view(text)) {}
  explicit interned_string(const char* text) : interned_string(std::string_view(text)) {}

  interned_string& operator=(std::string_view text) { return *this = interned_string(text); }
  interned_string& operator=(const std::string& text) { return *this = interned_string(std::string_view(text)); }
  interned_string& operator=(const char* text) { return *this = interned_string(std::string_view(text)); }

  [[nodiscard]] const std::string& str() const noexcept { return *m_text; }
  [[nodiscard]] std::string_view view() const noexcept { return *m_text; }
  operator const std::string&() const noexcept { return *m_text; }  // NOLINT(google-explicit-constructor)
  operator std::string_view() const noexcept { return *m_text; }    // NOLINT(google-explicit-constructor)

  [[nodiscard]] const char* c_str() const noexcept { return m_text->c_str(); }
  [[nodiscard]] const char* data() const noexcept { return m_text->data(); }
  [[nodiscard]] std::size_t size() const noexcept { return m_text->size(); }
  [[nodiscard]] bool empty() const noexcept { return m_text->empty(); }
  [[nodiscard]] auto begin() const noexcept { return m_text->begin(); }
  [[nodiscard]] auto end() const noexcept { return m_text->end(); }
  [[nodiscard]] std::size_t find(std::string_view s, std::size_t pos = 0) const noexcept { return view().find(s, pos); }
  [[nodiscard]] std::size_t find(char c, std::size_t pos = 0) const noexcept { return view().find(c, pos); }
  [[nodiscard]] std::size_t rfind(std::string_view s, std::size_t pos = std::string_view::npos) const noexcept {
    return view().rfind(s, pos);
  }
  [[nodiscard]] std::size_t rfind(char c, std::size_t pos = std::string_view::npos) const noexcept { return view().rfind(c, pos); }
  [[nodiscard]] bool starts_with(std::string_view s) const noexcept { return view().starts_with(s); }
  [[nodiscard]] bool ends_with(std::string_view s) const noexcept { return view().ends_with(s); }
  /// A copy of part of the text, as `std::string::substr` (throws `std::out_of_range` when `pos > size()`).
  [[nodiscard]] std::string substr(std::size_t pos = 0, std::size_t n = std::string::npos) const { return m_text->substr(pos, n); }

  /// The pool entry's address: equal for equal contents, stable for the process's life.
  [[nodiscard]] const std::string* identity() const noexcept { return m_text; }

  /// Number of distinct strings interned so far in this process (including "").
  [[nodiscard]] static std::size_t pool_size();

  friend bool operator==(const interned_string& a, const interned_string& b) noexcept { return a.m_text == b.m_text; }
  friend std::strong_ordering operator<=>(const interned_string& a, const interned_string& b) noexcept {
    if (a.m_text == b.m_text) return std::strong_ordering::equal;
    return a.view() <=> b.view();
  }
  /// Against plain text: by contents (interns nothing).
  friend bool operator==(const interned_string& a, std::string_view b) noexcept { return a.view() == b; }
  friend std::strong_ordering operator<=>(const interned_string& a, std::string_view b) noexcept { return a.view() <=> b; }

private:
  const std::string* m_text;
};

/// Writes the text.
std::ostream& operator<<(std::ostream& os, const interned_string& s);

/// JSON: a plain string, exactly as `std::string` writes and reads it.
void to_json(json& j, const interned_string& s);
/// Throws `json::type_error` when `j` is not a string, as for `std::string`.
void from_json(const json& j, interned_string& s);

}  // namespace rafter

/// Hashes the pool entry's address (equal strings, equal hashes).
template <>
struct std::hash<rafter::interned_string> {
  std::size_t operator()(const rafter::interned_string& s) const noexcept { return std::hash<const void*>()(s.identity()); }
};

/// Formats as the text, with every `std::string_view` format spec (`{:>20}`, ...).
template <>
struct fmt::formatter<rafter::interned_string> : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(const rafter::interned_string& s, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(s.view(), ctx);
  }
};

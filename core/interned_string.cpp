#include "core/interned_string.hpp"

#include <functional>
#include <mutex>
#include <ostream>
#include <unordered_set>

namespace rafter {

namespace {

/// "" is not in the pool: it is this string, so that a default-constructed interned string needs
/// no pool. A function-local static (not `constinit`: libstdc++'s std::string is not constant-
/// initializable under clang) is ready whenever it is first asked for, static initialization included.
const std::string& empty_text() noexcept {
  static const std::string text;
  return text;
}

struct text_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>()(s); }
};

/// The unique strings. `std::unordered_set` keeps each element in its own node: addresses are
/// stable across rehashing, which is what makes an `interned_string` a plain pointer.
struct string_pool {
  std::mutex mutex;
  std::unordered_set<std::string, text_hash, std::equal_to<>> texts;
};

string_pool& pool() {
  static string_pool* const p = new string_pool();  // never freed: interned strings outlive everything
  return *p;
}

}  // namespace

interned_string::interned_string() noexcept : m_text(&empty_text()) {}

interned_string::interned_string(std::string_view text) : m_text(&empty_text()) {
  if (text.empty()) return;
  string_pool& p = pool();
  const std::lock_guard<std::mutex> lock(p.mutex);
  auto it = p.texts.find(text);
  if (it == p.texts.end()) it = p.texts.emplace(text).first;
  m_text = &*it;
}

std::size_t interned_string::pool_size() {
  string_pool& p = pool();
  const std::lock_guard<std::mutex> lock(p.mutex);
  return p.texts.size() + 1;
}

std::ostream& operator<<(std::ostream& os, const interned_string& s) { return os << s.view(); }

void to_json(json& j, const interned_string& s) { j = s.str(); }

void from_json(const json& j, interned_string& s) {
  if (const auto* text = j.get_ptr<const std::string*>()) s = interned_string(*text);
  else s = interned_string(j.get<std::string>());  // throws json's own "type must be string" error
}

}  // namespace rafter

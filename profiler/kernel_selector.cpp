#include "profiler/kernel_selector.hpp"

#include <cxxabi.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <memory>

#include "core/error.hpp"

namespace rafter::profiler {

namespace {

// The demangled form of an Itanium-mangled name; empty for any other name.
std::string demangle(const std::string& name) {
  if (name.rfind("_Z", 0) != 0) return {};
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status), std::free);
  return status == 0 && out ? std::string(out.get()) : std::string();
}

/// std::regex_search (libstdc++) recurses about once per character it scans past a `.*`: over a
/// template-heavy kernel name of tens of thousands of characters it would overflow the launching
/// thread's stack inside the watched program. The name's first k_match_window characters are
/// searched: they hold the namespace and function name, which the patterns are about.
bool search_window(const std::string& text, const std::regex& r) {
  const auto end = text.begin() + static_cast<std::ptrdiff_t>(std::min(text.size(), kernel_selector::k_match_window));
  return std::regex_search(text.begin(), end, r);
}

}  // namespace

kernel_selector::kernel_selector(const collector_config& config, const std::vector<std::string>& never_replayed)
    : m_skip(config.skip), m_max(config.max_kernels) {
  if (!config.kernel_regex.empty()) {
    try {
      m_regex.emplace(config.kernel_regex, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      throw usage_error("--kernels: not a valid regular expression '" + config.kernel_regex + "': " + e.what());
    }
  }
  if (!never_replayed.empty()) {
    std::string any;
    for (const auto& p : never_replayed) any += (any.empty() ? "(?:" : "|(?:") + p + ")";
    m_never_replayed.emplace(any, std::regex::ECMAScript | std::regex::optimize);
  }
}

kernel_selector::name_match kernel_selector::classify(std::string_view kernel_name) {
  auto [it, fresh] = m_match_cache.try_emplace(std::string(kernel_name));
  if (!fresh) return it->second;
  const std::string& name = it->first;
  const std::string demangled = demangle(name);
  auto found = [&](const std::regex& r) {
    return search_window(name, r) || (!demangled.empty() && search_window(demangled, r));
  };
  it->second.wanted = !m_regex || found(*m_regex);
  it->second.never_replayed = m_never_replayed && found(*m_never_replayed);
  return it->second;
}

kernel_selector::choice kernel_selector::select(std::string_view kernel_name) {
  if (exhausted()) return choice::passed_over;
  const name_match match = classify(kernel_name);
  if (match.never_replayed) return choice::never_replayed;
  if (!match.wanted || m_matched++ < m_skip) return choice::passed_over;
  ++m_selected;
  return choice::selected;
}

}  // namespace rafter::profiler

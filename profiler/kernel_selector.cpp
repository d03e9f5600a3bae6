#include "profiler/kernel_selector.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

#include "core/error.hpp"

namespace rafter::profiler {

kernel_selector::kernel_selector(const collector_config& config) : m_skip(config.skip), m_max(config.max_kernels) {
  if (!config.kernel_regex.empty()) {
    try {
      m_regex.emplace(config.kernel_regex, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      throw usage_error("--kernels: not a valid regular expression '" + config.kernel_regex + "': " + e.what());
    }
  }
}

bool kernel_selector::matches(std::string_view kernel_name) {
  if (!m_regex) return true;
  auto [it, fresh] = m_match_cache.try_emplace(std::string(kernel_name), false);
  if (!fresh) return it->second;
  const std::string& name = it->first;
  bool match = std::regex_search(name, *m_regex);
  if (!match && name.rfind("_Z", 0) == 0) {
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> demangled(abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status),
                                                     std::free);
    if (status == 0 && demangled) match = std::regex_search(demangled.get(), *m_regex);
  }
  it->second = match;
  return match;
}

bool kernel_selector::select(std::string_view kernel_name) {
  if (exhausted() || !matches(kernel_name)) return false;
  if (m_matched++ < m_skip) return false;
  ++m_selected;
  return true;
}

}  // namespace rafter::profiler

#include "analysis/comparison.hpp"

namespace rafter {

bool comparison::any_rule_failed() const noexcept {
  for (const auto& r : rules) {
    if (fails_gate(r.status)) return true;
  }
  return false;
}

const metric_delta* comparison::find(const std::string& name) const noexcept {
  for (const auto& m : metrics) {
    if (m.name == name) return &m;
    for (const auto& alias : m.aliases) {
      if (alias == name) return &m;
    }
  }
  return nullptr;
}

}  // namespace rafter

#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace rafter {

/// The checks a sweep failed. A measurement whose kernel computed a wrong result is dropped, not
/// fatal: `guard` runs one unit of the sweep (one ceiling, one memory figure, one curve point, one
/// link) and turns an `error` with exit code `check_failed` into a record here, so that the rest
/// of the sweep goes on. Every other exception passes through untouched: a CUDA error (which may
/// leave the context unusable), an interruption, a usage error still end the sweep.
class check_failures {
public:
  struct failure {
    std::string id;       ///< The dropped measurement: "fp8.tensor.wgmma", "bandwidth.read at 4 MiB".
    std::string message;  ///< The failed check's what(): "the kernel computed a wrong result: ...".
  };

  /// Runs `measure()`. Returns true when it returned; false when it threw an `error` with exit
  /// code `check_failed`, which is then recorded under `id`. Rethrows anything else.
  template <typename Measure>
  bool guard(const std::string& id, Measure&& measure) {
    try {
      std::forward<Measure>(measure)();
      return true;
    } catch (const error& e) {
      if (e.code() != exit_code::check_failed) throw;
      m_failures.push_back({id, e.what()});
      return false;
    }
  }

  [[nodiscard]] bool empty() const noexcept { return m_failures.empty(); }
  /// In the order they failed.
  [[nodiscard]] const std::vector<failure>& failures() const noexcept { return m_failures; }

  /// The profile warning of `f`: "fp8.tensor.wgmma: the kernel computed a wrong result: ...; not measured".
  [[nodiscard]] static std::string warning(const failure& f) { return f.id + ": " + f.message + "; not measured"; }

  /// One line for the user once the output is written: which measurements failed their check and
  /// that `written` (the files, "p.json and p.html") holds everything else.
  [[nodiscard]] std::string summary(const std::string& written) const {
    std::string ids;
    for (const failure& f : m_failures) ids += (ids.empty() ? "" : ", ") + f.id;
    if (m_failures.size() == 1) {
      return ids + " failed its check (a wrong result); " + written + " written without it (the profile's warnings say why)";
    }
    return std::to_string(m_failures.size()) + " measurements failed their checks (wrong results): " + ids + "; " +
           written + " written without them (the profile's warnings say why)";
  }

private:
  std::vector<failure> m_failures;
};

}  // namespace rafter

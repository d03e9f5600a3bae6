#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace rafter {

/// The checks a sweep failed. A measurement whose kernel computed a wrong result is dropped, not
/// fatal: `guard` runs one unit of the sweep (one ceiling, one memory figure, one curve point, one
/// link) and turns an `error` with exit code `check_failed` into a record here, so that the rest
/// of the sweep goes on. Every other exception passes through `guard` untouched: a CUDA error
/// (which may leave the context unusable), an interruption, a usage error end the phase. A phase
/// run under `run_phase` that ends on an error other than an interruption or a usage error stops
/// the sweep there, keeping what was measured before (written, with a non-zero exit code).
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

  /// Where a sweep stopped early: an error other than a wrong result (a CUDA fault, which may
  /// leave the context unusable) ended the phase `where` and every phase after it.
  struct stop {
    std::string where;    ///< The phase: "compute (wgmma)", "latency".
    std::string message;  ///< The error's what().
    exit_code code;       ///< The error's exit code, which the command returns once the profile is written.
    std::vector<std::string> resumed;  ///< Phases run after the stop all the same (run_phase_after_stop).
  };

  /// Runs the phase `where`. Returns true when it returned; false when it threw an `error` other
  /// than an interruption or a usage error, which is then recorded as the sweep's stop (the
  /// measurements made before it are kept). Returns false without running `phase` once stopped.
  /// Interruptions, usage errors and non-`error` exceptions pass through.
  template <typename Phase>
  bool run_phase(const std::string& where, Phase&& phase) {
    if (m_stop) return false;
    try {
      std::forward<Phase>(phase)();
      return true;
    } catch (const error& e) {
      if (e.code() == exit_code::interrupted || e.code() == exit_code::usage) throw;
      m_stop = stop{where, e.what(), e.code(), {}};
      return false;
    }
  }

  /// Runs the phase `where` even when the sweep has stopped: for a phase that needs nothing the
  /// stopping phase may have broken (the caller has checked that the context is still sound). As
  /// run_phase, except that after a stop the phase runs and, when it returns, is listed in the
  /// stop's `resumed`; an error it throws is recorded as a failure under `where` (the first stop
  /// stays the stop).
  template <typename Phase>
  bool run_phase_after_stop(const std::string& where, Phase&& phase) {
    if (!m_stop) return run_phase(where, std::forward<Phase>(phase));
    try {
      std::forward<Phase>(phase)();
      m_stop->resumed.push_back(where);
      return true;
    } catch (const error& e) {
      if (e.code() == exit_code::interrupted || e.code() == exit_code::usage) throw;
      m_failures.push_back({where, e.what()});
      return false;
    }
  }

  /// True when no measurement was dropped and the sweep did not stop early.
  [[nodiscard]] bool empty() const noexcept { return m_failures.empty() && !m_stop; }
  [[nodiscard]] const std::optional<stop>& stopped() const noexcept { return m_stop; }
  /// The exit code once the output is written: the stop's code, else check_failed.
  [[nodiscard]] exit_code code() const noexcept { return m_stop ? m_stop->code : exit_code::check_failed; }

  /// The profile warning of a stop: "the sweep stopped in compute (wgmma): ...; what follows was not measured".
  [[nodiscard]] static std::string warning(const stop& s) {
    std::string resumed;
    for (const std::string& r : s.resumed) resumed += (resumed.empty() ? "" : ", ") + r;
    return "the sweep stopped in " + s.where + ": " + s.message + "; the rest of the sweep was not measured" +
           (resumed.empty() ? "" : ", except " + resumed + " (run after it: the context stayed usable)");
  }
  /// In the order they failed.
  [[nodiscard]] const std::vector<failure>& failures() const noexcept { return m_failures; }

  /// The profile warning of `f`: "fp8.tensor.wgmma: the kernel computed a wrong result: ...; not measured".
  [[nodiscard]] static std::string warning(const failure& f) { return f.id + ": " + f.message + "; not measured"; }

  /// One line for the user once the output is written: which measurements failed their check and
  /// that `written` (the files, "p.json and p.html") holds everything else.
  [[nodiscard]] std::string summary(const std::string& written) const {
    if (m_stop) {
      std::string line = "the sweep stopped in " + m_stop->where + " (" + m_stop->message + "); " + written +
                         " written with what was measured before";
      if (!m_failures.empty()) line += "; " + std::to_string(m_failures.size()) + " measurement(s) also failed their checks";
      return line;
    }
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
  std::optional<stop> m_stop;
};

}  // namespace rafter

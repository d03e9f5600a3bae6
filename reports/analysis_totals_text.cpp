#include "reports/analysis_totals_text.hpp"

#include <fmt/format.h>

namespace rafter {

std::string extrapolated_text(const analysis_totals& t) {
  if (!(t.extrapolated_time_s > 0.0) || !(t.kernel_time_s > 0.0)) return "";
  return fmt::format("; {:.1f}% of kernel time is launches with no work of their own (no counters or op shapes), placed at "
                     "their group's rate",
                     t.extrapolated_time_s / t.kernel_time_s * 100.0);
}

}  // namespace rafter

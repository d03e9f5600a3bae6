#pragma once

#include "cli/options.hpp"
#include "core/exit_code.hpp"

namespace rafter::cli {

/// Each command returns the process exit code or throws `rafter::error` (whose code is used).
[[nodiscard]] exit_code run_sweep(const sweep_options& options);
[[nodiscard]] exit_code run_report(const report_options& options);
[[nodiscard]] exit_code run_devices(const devices_options& options);

}  // namespace rafter::cli

#include "cli/assumed_architecture.hpp"

#include "core/error.hpp"

namespace rafter::cli {

ncu_import_options ncu_assumptions(const std::string& assume_arch, const machine_profile* profile,
                                   const std::string& profile_file, const std::string& option) {
  ncu_import_options o;
  if (!assume_arch.empty()) {
    o.assumed_cc = parse_gpu_architecture(assume_arch);
    if (!o.assumed_cc) {
      throw usage_error(option + " " + assume_arch + ": expected an architecture such as sm_70, sm_90a or 8.6");
    }
    // Compute capabilities run from 3.0 (Kepler) to 12.x (Blackwell) so far; 99.9 is a typo.
    if (o.assumed_cc->major < 3 || o.assumed_cc->major > 15 || o.assumed_cc->minor > 9) {
      throw usage_error(option + " " + assume_arch + ": no NVIDIA GPU has compute capability " +
                        std::to_string(o.assumed_cc->major) + "." + std::to_string(o.assumed_cc->minor) +
                        " (expected 3.0 to 15.9, such as 7.0, 8.6, 9.0 or 10.0)");
    }
    o.assumed_cc_origin = "--assume-arch " + assume_arch;
    return o;
  }
  if (profile == nullptr) return o;
  const auto named = compute_capabilities_named_in(profile->device.architecture);
  if (named.size() != 1) return o;
  o.assumed_cc = named.front();
  o.assumed_cc_origin = "the machine profile " + profile_file + " (architecture \"" + profile->device.architecture + "\")";
  return o;
}

}  // namespace rafter::cli

#pragma once

#include <string>

#include "analysis/importers/ncu_importer.hpp"
#include "core/machine_profile.hpp"

namespace rafter::cli {

/// The architecture the Nsight Compute importer assumes for a file that names none (NERSC's
/// roofline summaries): `assume_arch` ("sm_70", "7.0"; from --assume-arch) when given, else the
/// compute capability `profile`'s `device.architecture` names ("Volta (sm_70)"; a datasheet or a
/// `rafter sweep --backend cuda` profile), else none. A profile whose architecture names none, or
/// several ("sm_110 ...; sm_101 ..."), gives none. `profile` may be null; `profile_file` names it.
/// `option` is the command and option for the error ("rafter analyze: --assume-arch").
/// Throws `usage_error` when `assume_arch` is given and is not an architecture.
[[nodiscard]] ncu_import_options ncu_assumptions(const std::string& assume_arch, const machine_profile* profile,
                                                 const std::string& profile_file, const std::string& option);


}  // namespace rafter::cli

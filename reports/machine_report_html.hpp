#pragma once

#include <string>

namespace rafter {

struct machine_profile;

/// One self-contained HTML5 page describing a `rafter.machine/1` profile: header (device,
/// provenance, environment, units note), warnings, roofline chart, bandwidth-versus-working-set
/// and latency-versus-footprint charts (when the profile has such curves), and tables of compute
/// ceilings, memory levels and links.
///
/// Contract: no external resources (no src=, no stylesheet or font links, no network); the only
/// hrefs are in-page anchors and datasheet links that pass `is_linkable_url`. Every piece of
/// profile text is escaped. Every quantity is printed through core/units.hpp with its unit. A
/// small inline script makes tables sortable; the page reads fully without it. Missing data gives
/// a sentence instead of an empty chart or table. Deterministic: same profile, same bytes.
[[nodiscard]] std::string render_machine_html(const machine_profile& profile);

}  // namespace rafter

#pragma once

#include <string>

#include "analysis/comparison.hpp"

namespace rafter {

struct machine_profile;

/// Two `rafter.machine/1` profiles side by side (measured or datasheet, any mix). Matching and
/// metric names (docs/compare.md; formulas in docs/metrics.md, "Comparisons"):
///  - compute: by precision and unit, tensor and matrix units being the same kind; each side's
///    highest ceiling of that kind: `compute.<precision>.<unit>`; ceilings with the same id on both
///    sides whose id is longer (`fp64.vector.fma`) also get `compute.<id>`;
///  - memory: by level, each quantity present (read, write, copy, triad in B/s, latency in s):
///    `memory.<level>.<quantity>`; a device's main memory (hbm, else dram) also answers to
///    `memory.main.<quantity>`, and hbm on one side is matched with dram on the other when neither
///    has the other's;
///  - links: by id, `link.<id>` (B/s) and `link.<id>.latency` (s);
///  - ridge points: `ridge.<level>` = top compute ceiling / the level's roofline bandwidth;
///  - LLM balance: `balance.<precision>` = the precision's highest ceiling / main memory bandwidth
///    (FLOP per byte of main memory).
/// Spreads come from each figure's samples (min, max); derived ratios carry the interval of the
/// quotient. Throws `input_error` naming `file_b` when the two profiles have no quantity in common.
[[nodiscard]] comparison compare_profiles(const machine_profile& a, const machine_profile& b, const std::string& file_a,
                                          const std::string& file_b);

}  // namespace rafter

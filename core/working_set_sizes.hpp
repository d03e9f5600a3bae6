#pragma once

#include <cstddef>
#include <vector>

namespace rafter {

/// Working-set sizes of a sweep, in bytes: geometric from `first`, `steps_per_octave` points per
/// doubling, each rounded to a multiple of `granule` (at least one granule), strictly increasing.
/// The last size is the first one at or beyond `last`, unless that exceeds `cap` (what the sweep may
/// allocate): then no size exceeds `cap`, except the first when `first` itself does. Never empty.
[[nodiscard]] std::vector<std::size_t> working_set_sizes(std::size_t first, std::size_t last, std::size_t cap,
                                                         int steps_per_octave, std::size_t granule);

}  // namespace rafter

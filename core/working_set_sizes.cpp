#include "core/working_set_sizes.hpp"

#include <algorithm>
#include <cmath>

namespace rafter {

std::vector<std::size_t> working_set_sizes(std::size_t first, std::size_t last, std::size_t cap, int steps_per_octave,
                                           std::size_t granule) {
  const double ratio = std::pow(2.0, 1.0 / std::max(1, steps_per_octave));
  granule = std::max<std::size_t>(1, granule);
  std::vector<std::size_t> sizes;
  for (double s = static_cast<double>(std::max<std::size_t>(first, 1));; s *= ratio) {
    std::size_t size = static_cast<std::size_t>(std::llround(s / static_cast<double>(granule))) * granule;
    size = std::max(size, granule);
    if (!sizes.empty() && size > cap) break;
    if (sizes.empty() || size > sizes.back()) sizes.push_back(size);
    if (size >= last) break;
  }
  return sizes;
}

}  // namespace rafter

#include "workloads/llm/rope_table.hpp"

#include <cmath>

namespace rafter::llm {

std::vector<float> rope_inverse_frequencies(int head_dim, double theta) {
  std::vector<float> inv(static_cast<std::size_t>(head_dim / 2));
  for (std::size_t i = 0; i < inv.size(); ++i) {
    inv[i] = static_cast<float>(1.0 / std::pow(theta, 2.0 * static_cast<double>(i) / head_dim));
  }
  return inv;
}

}  // namespace rafter::llm

#include "workloads/llm/decode_split.hpp"

#include <algorithm>

namespace rafter::llm {

decode_split plan_decode_split(int batch, int heads, int context_len, int sm_count, int requested_splits) {
  const int tiles = std::max(1, (context_len + attention_key_tile - 1) / attention_key_tile);
  int want = requested_splits;
  if (want <= 0) {
    const int blocks = std::max(1, batch * heads);
    const int target = 2 * std::max(1, sm_count);
    want = (target + blocks - 1) / blocks;
  }
  want = std::clamp(want, 1, std::min(tiles, max_decode_splits));
  const int tiles_per_split = (tiles + want - 1) / want;
  decode_split plan;
  plan.keys_per_split = tiles_per_split * attention_key_tile;
  plan.splits = (tiles + tiles_per_split - 1) / tiles_per_split;
  return plan;
}

}  // namespace rafter::llm

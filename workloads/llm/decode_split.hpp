#pragma once

namespace rafter::llm {

/// Keys one warp of the attention kernels scores at a time; key ranges are multiples of it.
inline constexpr int attention_key_tile = 32;
/// Most key ranges one decode attention call splits a sequence into (sizes its workspace).
inline constexpr int max_decode_splits = 64;

/// How the decode attention kernel divides a sequence's `context_len` keys among thread blocks
/// (split-KV, "flash decoding"): `splits` ranges of `keys_per_split` keys (the last may be
/// shorter), each a multiple of attention_key_tile, none empty.
struct decode_split {
  int splits = 1;
  int keys_per_split = attention_key_tile;
};

/// Splits so that batch * heads * splits blocks cover about two waves of `sm_count`
/// multiprocessors, capped at max_decode_splits and at one key tile per split.
/// `requested_splits` > 0 overrides the heuristic (still capped the same way).
[[nodiscard]] decode_split plan_decode_split(int batch, int heads, int context_len, int sm_count,
                                             int requested_splits = 0);

}  // namespace rafter::llm

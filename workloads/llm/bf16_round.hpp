#pragma once

namespace rafter::llm {

/// `x` rounded to the nearest BF16 value (ties to even), returned as float: what the GPU stores
/// when it writes a BF16 activation. NaN stays NaN; values beyond BF16's range become infinity.
[[nodiscard]] float round_to_bf16(float x);

}  // namespace rafter::llm

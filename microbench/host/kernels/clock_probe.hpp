#pragma once

#include <cstddef>

namespace rafter::host {

/// Effective core clock of the calling thread, Hz: times a chain of `chain_length` dependent
/// 64-bit integer adds of a register (`add reg, reg`, 1 cycle latency on every x86-64 core; not
/// `add $imm, reg`, which Golden Cove and later fold at rename), 100 per loop iteration, in inline
/// asm so it cannot be vectorized or folded, and returns adds per second =
/// cycles per second. The chain is timed in slices of 10 million adds and the fastest slice
/// counts, so a slice the thread spent preempted does not lower the result. Reflects boost and
/// throttling at the moment of the call; pin the thread first. The default chain takes about
/// 50 ms at 4 GHz.
[[nodiscard]] double measure_core_clock_hz(std::size_t chain_length = 200'000'000);

}  // namespace rafter::host

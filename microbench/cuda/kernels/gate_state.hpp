#pragma once

#include <cstdint>

namespace rafter::cuda {

/// The two words a stream gate (stream_gate.hpp) shares with its gate kernel, in mapped pinned host
/// memory: the host sets `open` to release the kernel; the kernel sets `timed_out` when it stopped
/// waiting on its own, its timeout reached with `open` still 0.
struct gate_state {
  std::uint32_t open = 0;
  std::uint32_t timed_out = 0;
};

}  // namespace rafter::cuda

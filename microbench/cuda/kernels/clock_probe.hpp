#pragma once

#include <cstdint>

namespace rafter::cuda {

/// SM cycles (clock64) and global nanoseconds (%globaltimer) that thread 0 of block 0 reads just
/// before and just after its timed loop. Their ratio is the SM clock during the measurement. Each
/// pair is written with one 16-byte store, so that a kernel whose stores are all 128-bit (the
/// stream kernels' SASS check) stays so.
struct alignas(16) clock_probe {
  std::uint64_t start_cycles = 0;
  std::uint64_t start_ns = 0;
  std::uint64_t end_cycles = 0;
  std::uint64_t end_ns = 0;
};

}  // namespace rafter::cuda

#pragma once

#include <cstddef>
#include <string>

#include "microbench/mpi/agreed_timing.hpp"

namespace rafter::mpi {

/// The knobs of the interconnect suite under MPI (`mpirun -np N rafter sweep --suite
/// interconnect`). Sizes in bytes. quick: a few seconds on one host; full: larger messages and
/// finer steps.
struct mpi_preset {
  std::string name;
  std::size_t p2p_first = 8;          ///< Smallest ping-pong message: its half round trip is the latency.
  std::size_t p2p_last = 0;           ///< Largest ping-pong message.
  std::size_t p2p_factor = 4;         ///< Each ping-pong size this many times the one before.
  std::size_t collective_first = 0;   ///< Smallest collective message (nccl-tests' size S).
  std::size_t collective_last = 0;    ///< Largest collective message, at most.
  std::size_t collective_factor = 4;  ///< Each collective size this many times the one before.
  agreed_timing_policy timing;
};

/// The preset called `name` ("quick" or "full"); throws usage_error otherwise.
[[nodiscard]] mpi_preset mpi_preset_for(const std::string& name);

}  // namespace rafter::mpi

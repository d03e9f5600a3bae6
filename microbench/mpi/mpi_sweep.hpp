#pragma once

#include <cstdint>
#include <string>

#include "core/machine_profile.hpp"
#include "core/progress.hpp"

namespace rafter::mpi {

class world;

/// What `mpirun -np N rafter sweep --backend host --suite interconnect` measures.
struct sweep_options {
  std::string preset = "quick";  ///< mpi_preset_for: "quick" or "full".
  std::uint64_t seed = 0x5eed;   ///< Seed of every message's contents.
  std::string command;           ///< The command line, recorded in the profile.
};

/// Collective: measures the links between the ranks of `w` through MPI into a `rafter.machine/1`
/// profile of rank 0's host: for every rank r > 0, a ping-pong between ranks 0 and r (one-way
/// bandwidth and half-round-trip latency over a size sweep), then MPI_Allreduce, MPI_Allgather and
/// MPI_Reduce_scatter_block over all ranks (nccl-tests' algorithm and bus bandwidth over message
/// sizes). Every message is checked against the host reference before its time counts and again
/// after; a wrong one throws agreed_error (exit code 1) on every rank. Returns the same profile
/// on every rank; only rank 0's is meant to be written. Throws agreed_error(interrupted) on Ctrl-C.
[[nodiscard]] machine_profile run_mpi_sweep(const world& w, const sweep_options& options, progress& progress);

}  // namespace rafter::mpi

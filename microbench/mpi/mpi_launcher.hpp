#pragma once

#include <functional>
#include <string>

namespace rafter::mpi {

/// What an MPI launcher (mpirun, mpiexec, srun) told this process through its environment, read
/// without initializing MPI, so that a build without MPI can still tell that it was started by one.
struct launcher_info {
  int size = 1;          ///< Ranks started; 1 when no launcher variable is set.
  int rank = 0;          ///< This process's rank; 0 when unknown.
  std::string variable;  ///< The variable `size` came from ("OMPI_COMM_WORLD_SIZE"), empty when none.

  /// True when the launcher started two or more ranks: the sweep must run under MPI.
  [[nodiscard]] bool multi_rank() const noexcept { return size > 1; }
};

/// Looks a variable up: its value, or nullptr when unset (std::getenv's contract).
using env_lookup = std::function<const char*(const char*)>;

/// Reads OMPI_COMM_WORLD_SIZE / OMPI_COMM_WORLD_RANK (Open MPI), else PMI_SIZE / PMI_RANK (MPICH's
/// Hydra, Slurm's PMI). Throws unsupported_error naming the variable when one is set but is not a
/// positive decimal integer (a rank: non-negative and below the size).
[[nodiscard]] launcher_info detect_launcher(const env_lookup& getenv);
/// The same, from this process's environment.
[[nodiscard]] launcher_info detect_launcher();

}  // namespace rafter::mpi

#pragma once

#include <string>

namespace rafter::mpi {

/// Formats a failed MPI call: "MPI_Send(...) failed at mpi_world.cpp:42: MPI_ERR_RANK: invalid rank".
/// `status` is the call's return code (MPI_ERRORS_RETURN is set on every communicator rafter uses).
/// Outside MPI_Init .. MPI_Finalize (where MPI may not be asked for error text) it gives the code only.
[[nodiscard]] std::string describe_mpi_error(int status, const char* call, const char* file, int line);

/// Throws `rafter::error` (exit code 3, unsupported environment) carrying the call, file:line and
/// MPI's error class and text.
[[noreturn]] void throw_mpi_error(int status, const char* call, const char* file, int line);

}  // namespace rafter::mpi

/// Checks an MPI call (its return code: MPI_SUCCESS is 0 in every MPI); throws with the call,
/// file:line and MPI's error string on failure.
#define RAFTER_MPI_CALL(call)                                                      \
  do {                                                                             \
    const int rafter_mpi_status_ = (call);                                         \
    if (rafter_mpi_status_ != 0) {                                                 \
      ::rafter::mpi::throw_mpi_error(rafter_mpi_status_, #call, __FILE__, __LINE__); \
    }                                                                              \
  } while (false)

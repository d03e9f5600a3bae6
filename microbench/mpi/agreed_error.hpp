#pragma once

#include <string>

#include "core/error.hpp"

namespace rafter::mpi {

/// An error that every rank of an MPI job throws together, after the ranks agreed on it
/// (mpi::world::agree): rank 0 reports it and the other ranks exit quietly with the same code,
/// all through MPI_Finalize. Any other error is one rank's alone and aborts the job
/// (MPI_Abort), since the other ranks may be waiting in a call it will never make.
class agreed_error : public error {
public:
  agreed_error(exit_code code, const std::string& message) : error(code, message) {}
};

}  // namespace rafter::mpi

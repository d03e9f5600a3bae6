#include "microbench/mpi/mpi_call.hpp"

#include <mpi.h>

#include "core/error.hpp"

namespace rafter::mpi {

namespace {

std::string error_text(int code) {
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) return "MPI error " + std::to_string(code);
  return std::string(text, static_cast<std::size_t>(length));
}

/// MPI_Error_class and MPI_Error_string may only be called between MPI_Init and MPI_Finalize
/// (Open MPI aborts the process otherwise); MPI_Initialized and MPI_Finalized may be called always.
bool mpi_is_live() {
  int initialized = 0;
  int finalized = 0;
  if (MPI_Initialized(&initialized) != MPI_SUCCESS || MPI_Finalized(&finalized) != MPI_SUCCESS) return false;
  return initialized != 0 && finalized == 0;
}

}  // namespace

std::string describe_mpi_error(int status, const char* call, const char* file, int line) {
  std::string out = std::string(call) + " failed at " + file + ":" + std::to_string(line) + ": ";
  if (!mpi_is_live()) return out + "MPI error " + std::to_string(status) + " (no error text: MPI is not initialized)";
  int error_class = status;
  if (MPI_Error_class(status, &error_class) != MPI_SUCCESS) error_class = status;
  const std::string class_text = error_text(error_class);
  const std::string text = error_text(status);
  out += "MPI error " + std::to_string(status);
  out += " (" + text + (class_text != text ? "; class: " + class_text : "") + ")";
  return out;
}

void throw_mpi_error(int status, const char* call, const char* file, int line) {
  throw error(exit_code::unsupported, describe_mpi_error(status, call, file, line));
}

}  // namespace rafter::mpi

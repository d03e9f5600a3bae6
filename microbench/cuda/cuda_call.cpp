#include "microbench/cuda/cuda_call.hpp"

#include "core/error.hpp"

namespace rafter::cuda {

std::string describe_cuda_error(cudaError_t status, const char* call, const char* file, int line) {
  return std::string(call) + " failed at " + file + ":" + std::to_string(line) + ": " + cudaGetErrorName(status) +
         " (" + cudaGetErrorString(status) + ")";
}

void throw_cuda_error(cudaError_t status, const char* call, const char* file, int line) {
  throw error(exit_code::unsupported, describe_cuda_error(status, call, file, line));
}

}  // namespace rafter::cuda

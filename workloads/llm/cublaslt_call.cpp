#include "workloads/llm/cublaslt_call.hpp"

#include "core/error.hpp"

namespace rafter::llm {

std::string describe_cublaslt_error(cublasStatus_t status, const char* call, const char* file, int line) {
  return std::string(call) + " failed at " + file + ":" + std::to_string(line) + ": " + cublasLtGetStatusName(status) +
         " (" + cublasLtGetStatusString(status) + ")";
}

void throw_cublaslt_error(cublasStatus_t status, const char* call, const char* file, int line) {
  throw error(exit_code::unsupported, describe_cublaslt_error(status, call, file, line));
}

}  // namespace rafter::llm

#include "profiler/cupti_call.hpp"

#include <cstring>

#include "core/error.hpp"

namespace rafter::profiler {

std::string describe_cupti_error(CUptiResult status, const char* call, const char* file, int line) {
  const char* name = nullptr;
  if (cuptiGetResultString(status, &name) != CUPTI_SUCCESS || name == nullptr || *name == '\0') name = nullptr;
  const char* base = std::strrchr(file, '/');
  return std::string(call) + " failed at " + (base != nullptr ? base + 1 : file) + ":" + std::to_string(line) + ": " +
         (name != nullptr ? std::string(name) : "CUPTI error " + std::to_string(static_cast<int>(status)));
}

void throw_cupti_error(CUptiResult status, const char* call, const char* file, int line) {
  throw error(exit_code::unsupported, describe_cupti_error(status, call, file, line));
}

}  // namespace rafter::profiler

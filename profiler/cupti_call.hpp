#pragma once

#include <string>

#include <cupti_result.h>

namespace rafter::profiler {

/// Formats a failed CUPTI call: "cuptiActivityEnable(kind) failed at collector.cpp:42:
/// CUPTI_ERROR_NOT_INITIALIZED". The error's name comes from `cuptiGetResultString`; an unknown
/// code is shown as its number.
[[nodiscard]] std::string describe_cupti_error(CUptiResult status, const char* call, const char* file, int line);

/// Throws `rafter::error` (exit code 3, unsupported environment) carrying the call, file:line and
/// the error's name. Every CUPTI failure is an environment the collector cannot work in; the
/// collector's boundary (collector.cpp) turns it into one warning and lets the program run on.
[[noreturn]] void throw_cupti_error(CUptiResult status, const char* call, const char* file, int line);

}  // namespace rafter::profiler

/// Checks a CUPTI call; throws with the call, file:line and error name on failure.
#define RAFTER_CUPTI_CALL(call)                                                              \
  do {                                                                                       \
    const CUptiResult rafter_cupti_status_ = (call);                                        \
    if (rafter_cupti_status_ != CUPTI_SUCCESS) {                                             \
      ::rafter::profiler::throw_cupti_error(rafter_cupti_status_, #call, __FILE__, __LINE__); \
    }                                                                                        \
  } while (false)

// Entry points the CUDA driver and NVTX call when this library is injected:
// CUDA_INJECTION64_PATH=librafter_inject.so makes the driver call InitializeInjection() while it
// initializes; NVTX_INJECTION64_PATH=librafter_inject.so makes NVTX call InitializeInjectionNvtx2()
// at the program's first NVTX call, which this library hands on to CUPTI's NVTX handler.

#include <dlfcn.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string>

#include <cupti.h>
#include <fmt/format.h>

#include "profiler/collection_session.hpp"
#include "profiler/collector_config.hpp"
#include "profiler/cuda_driver.hpp"

/// Called by the CUDA driver during cuInit. Returns 1 always: a tracing failure must not fail
/// CUDA's initialization (it has already printed one warning).
extern "C" __attribute__((visibility("default"))) int InitializeInjection(void) {
  using rafter::profiler::collection_session;
  static bool initialized = false;
  if (initialized) return 1;
  initialized = true;
  try {
    auto& session = collection_session::instance();
    rafter::profiler::collector_config config;
    try {
      config = rafter::profiler::config_from_environment([](const char* name) { return std::getenv(name); });
    } catch (const std::exception& e) {
      session.decline(std::string(e.what()) + "; this process is not traced");
      return 1;
    }
    const auto pid = static_cast<std::int64_t>(::getpid());
    if (config.root_pid && *config.root_pid != pid) {
      session.decline(fmt::format("process {} was started by the traced program; rafter traces only process {}, "
                                  "this one runs untraced",
                                  pid, *config.root_pid));
      return 1;
    }
    (void)session.start(config);  // configures the session and its write at exit first
  } catch (...) {  // never reaches the program
  }
  return 1;
}

/// NVTX's injection entry point, handed on to CUPTI's (libcupti exports the same name), so that
/// NVTX ranges become CUPTI MARKER records. Without a CUDA driver there is nothing to trace: it
/// returns 0 (NVTX calls stay no-ops) and never calls CUPTI (see cuda_driver_loadable).
extern "C" __attribute__((visibility("default"))) int InitializeInjectionNvtx2(const void* (*get_export_table)(std::uint32_t)) {
  if (!rafter::profiler::cuda_driver_loadable()) return 0;
  try {  // a child of the traced program is not traced: its NVTX calls stay no-ops
    const auto config = rafter::profiler::config_from_environment([](const char* name) { return std::getenv(name); });
    if (config.root_pid && *config.root_pid != static_cast<std::int64_t>(::getpid())) return 0;
  } catch (...) {  // a bad configuration: InitializeInjection declines and warns
    return 0;
  }
  using handler = int (*)(const void* (*)(std::uint32_t));
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&cuptiGetVersion), &info) == 0 || info.dli_fname == nullptr) return 0;
  void* cupti = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
  if (cupti == nullptr) return 0;
  auto* forward = reinterpret_cast<handler>(dlsym(cupti, "InitializeInjectionNvtx2"));
  const int result = forward != nullptr ? forward(get_export_table) : 0;
  dlclose(cupti);  // drops the reference NOLOAD took; libcupti stays loaded (this library needs it)
  rafter::profiler::collection_session::instance().note_nvtx_injection(result != 0);
  return result;
}

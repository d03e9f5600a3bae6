#include "profiler/cuda_driver.hpp"

#include <dlfcn.h>

namespace rafter::profiler {

bool cuda_driver_loadable(std::string* why) noexcept {
  if (dlopen("libcuda.so.1", RTLD_LAZY | RTLD_NOLOAD) != nullptr) return true;
  if (dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL) != nullptr) return true;
  if (why != nullptr) {
    try {
      const char* reason = dlerror();
      *why = reason != nullptr ? reason : "libcuda.so.1 cannot be loaded";
    } catch (...) {  // out of memory for the text: the answer stands without it
    }
  }
  return false;
}

}  // namespace rafter::profiler

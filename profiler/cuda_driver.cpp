#include "profiler/cuda_driver.hpp"

#include <dlfcn.h>

#include <string>

namespace rafter::profiler {

bool cuda_driver_loadable(std::string* why) noexcept try {
  std::string reason;
  void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
  if (driver == nullptr) {
    const char* text = dlerror();
    reason = text != nullptr ? text : "libcuda.so.1 cannot be loaded";
  } else {
    // The toolkit's stub libcuda (linked against, sometimes found on LD_LIBRARY_PATH in
    // containers) loads too; a real driver answers cuDriverGetVersion without cuInit.
    using get_version = int (*)(int*);
    auto* version = reinterpret_cast<get_version>(dlsym(driver, "cuDriverGetVersion"));
    int v = 0;
    const int status = version != nullptr ? version(&v) : -1;
    if (status == 0) return true;
    reason = status == -1 ? "libcuda.so.1 has no cuDriverGetVersion"
                          : "libcuda.so.1 is not a working driver (cuDriverGetVersion returned " +
                                std::to_string(status) + (status == 34 ? ", CUDA_ERROR_STUB_LIBRARY: the toolkit's stub)" : ")");
  }
  if (why != nullptr) *why = reason;
  return false;
} catch (...) {  // out of memory for the reason's text
  return false;
}

stream_is_capturing_fn loaded_stream_is_capturing() noexcept {
  void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL | RTLD_NOLOAD);
  if (driver == nullptr) return nullptr;
  auto* fn = reinterpret_cast<stream_is_capturing_fn>(dlsym(driver, "cuStreamIsCapturing"));
  dlclose(driver);  // drops the reference NOLOAD took; the program's own keeps the driver loaded
  return fn;
}

}  // namespace rafter::profiler

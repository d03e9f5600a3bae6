// A program for injection_without_driver_test.sh that exits 7: when CUDA_INJECTION64_PATH is set it
// loads that library and calls InitializeInjection, as the CUDA driver does at cuInit; then it makes
// NVTX calls (NVTX3 is header-only: the first call loads NVTX_INJECTION64_PATH, when set, and calls
// its InitializeInjectionNvtx2).
#include <dlfcn.h>
#include <nvtx3/nvToolsExt.h>

#include <cstdio>
#include <cstdlib>

int main() {
  if (const char* injection = std::getenv("CUDA_INJECTION64_PATH"); injection != nullptr) {
    void* library = dlopen(injection, RTLD_NOW | RTLD_LOCAL);
    auto* initialize = library != nullptr ? reinterpret_cast<int (*)()>(dlsym(library, "InitializeInjection")) : nullptr;
    if (initialize == nullptr || initialize() != 1) {
      std::fprintf(stderr, "injection_program: cannot initialize %s\n", injection);
      return 100;
    }
  }
  nvtxRangePushA("outer");
  nvtxMarkA("mark");
  nvtxRangePop();
  std::puts("injection_program: ran");
  return 7;
}

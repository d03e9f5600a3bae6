// A program that makes NVTX calls and exits 7 (tests/nvtx_injection_test.sh): NVTX3 is header-only, so
// its first call loads whatever NVTX_INJECTION64_PATH names and calls InitializeInjectionNvtx2.
#include <nvtx3/nvToolsExt.h>

#include <cstdio>

int main() {
  nvtxRangePushA("outer");
  nvtxMarkA("mark");
  nvtxRangePop();
  std::puts("nvtx_program: ran");
  return 7;
}

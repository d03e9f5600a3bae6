// The C API of librafter_inject.so (rafter_start / rafter_flush / rafter_stop), in fresh processes.
#include <gtest/gtest.h>

#ifndef RAFTER_HAVE_CUPTI
TEST(collector_c_api, needs_cupti) { GTEST_SKIP() << "built without CUDA/CUPTI: librafter_inject.so is not built"; }
#else

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "core/trace.hpp"
#include "injection_support.hpp"

namespace {

namespace fs = std::filesystem;
using rafter::testing::run_in_child;

struct c_api {
  int (*start)() = nullptr;
  void (*stop)() = nullptr;
  void (*flush)() = nullptr;
};

bool load(c_api& api) {
  void* lib = dlopen(RAFTER_INJECT_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) return false;
  api.start = reinterpret_cast<int (*)()>(dlsym(lib, "rafter_start"));
  api.stop = reinterpret_cast<void (*)()>(dlsym(lib, "rafter_stop"));
  api.flush = reinterpret_cast<void (*)()>(dlsym(lib, "rafter_flush"));
  return api.start != nullptr && api.stop != nullptr && api.flush != nullptr;
}

TEST(collector_c_api, start_reports_whether_it_traces_and_flush_writes_the_trace) {
  if (rafter::testing::cuda_driver_present()) GTEST_SKIP() << "a CUDA driver is present: this test is for machines without one";
  const fs::path out = fs::temp_directory_path() / ("collector_c_api_test_" + std::to_string(::getpid()) + ".json");
  fs::remove(out);
  const auto r = run_in_child({{"RAFTER_TRACE_OUTPUT", out.string()}}, [&] {
    c_api api;
    if (!load(api)) return 100;
    if (api.start() != 0) return 101;  // no driver: CUPTI cannot trace
    if (api.start() != 0) return 102;  // and does not retry or warn again
    api.flush();
    if (!fs::exists(out)) return 103;
    api.stop();
    return 0;
  });
  EXPECT_TRUE(r.exited_with(0)) << "status " << r.status << "\n" << r.err;
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_NE(r.err.find("CUPTI cannot trace this process"), std::string::npos);
  const rafter::trace t = rafter::load_trace(out);
  fs::remove(out);
  ASSERT_EQ(t.source.warnings.size(), 1u);
  EXPECT_TRUE(t.kernels.empty());
}

TEST(collector_c_api, flush_before_start_writes_an_empty_trace) {
  const fs::path out = fs::temp_directory_path() / ("collector_c_api_flush_" + std::to_string(::getpid()) + ".json");
  fs::remove(out);
  const auto r = run_in_child({{"RAFTER_TRACE_OUTPUT", out.string()}}, [&] {
    c_api api;
    if (!load(api)) return 100;
    api.flush();
    return fs::exists(out) ? 0 : 103;
  });
  EXPECT_TRUE(r.exited_with(0)) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  const rafter::trace t = rafter::load_trace(out);
  fs::remove(out);
  EXPECT_TRUE(t.kernels.empty());
}

}  // namespace

#endif  // RAFTER_HAVE_CUPTI

// librafter_inject.so loaded into a program the way the CUDA driver does it (dlopen, then
// InitializeInjection). On a machine without a GPU or driver CUPTI cannot trace: the library must
// warn once, and the program must run on and exit with its own code.
#include <gtest/gtest.h>

#ifndef RAFTER_HAVE_CUPTI
TEST(injection, needs_cupti) { GTEST_SKIP() << "built without CUDA/CUPTI: librafter_inject.so is not built"; }
#else

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "core/trace.hpp"
#include "injection_support.hpp"

namespace {

namespace fs = std::filesystem;
using rafter::testing::child_result;
using rafter::testing::run_in_child;

fs::path temp_trace(const char* stem) {
  return fs::temp_directory_path() / (std::string(stem) + "_" + std::to_string(::getpid()) + ".json");
}

// In the child: load the library as the driver does and call its entry point `calls` times.
int inject_and_exit(int calls, int exit_code) {
  void* lib = dlopen(RAFTER_INJECT_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) return 100;
  auto* init = reinterpret_cast<int (*)()>(dlsym(lib, "InitializeInjection"));
  if (init == nullptr) return 101;
  for (int i = 0; i < calls; ++i) {
    if (init() != 1) return 102;
  }
  return exit_code;
}

TEST(injection, exports_the_entry_points_and_nothing_of_rafter_core) {
  void* lib = dlopen(RAFTER_INJECT_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(lib, nullptr) << dlerror();
  for (const char* name : {"InitializeInjection", "InitializeInjectionNvtx2", "rafter_start", "rafter_stop", "rafter_flush"}) {
    EXPECT_NE(dlsym(lib, name), nullptr) << name;
  }
  EXPECT_EQ(dlsym(lib, "_ZN6rafter10save_traceERKNSt10filesystem7__cxx114pathERKNS_5traceE"), nullptr);
  dlclose(lib);
}

TEST(injection, the_program_runs_on_and_exits_with_its_own_code) {
  const fs::path out = temp_trace("injection_test");
  fs::remove(out);
  const child_result r = run_in_child({{"RAFTER_TRACE_OUTPUT", out.string()}}, [] { return inject_and_exit(1, 42); });
  EXPECT_TRUE(r.exited_with(42)) << "status " << r.status << "\n" << r.err;
  ASSERT_TRUE(fs::exists(out)) << r.err;
  const rafter::trace t = rafter::load_trace(out);  // valid rafter.trace/1
  fs::remove(out);
  EXPECT_EQ(t.source.tool, "rafter");
  if (rafter::testing::cuda_driver_present()) {
    // A driver is here: CUPTI may trace (no kernels were launched) or fail for another reason.
    EXPECT_LE(r.err_lines().size(), 1u) << r.err;
  } else {
    ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
    EXPECT_EQ(r.err_lines()[0].rfind("rafter: warning: CUPTI cannot trace this process (", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("the program runs on untraced"), std::string::npos);
    ASSERT_EQ(t.source.warnings.size(), 1u);
    EXPECT_NE(t.source.warnings[0].find("CUPTI cannot trace this process"), std::string::npos);
    EXPECT_TRUE(t.kernels.empty());
  }
}

TEST(injection, a_second_initialization_is_harmless) {
  const fs::path out = temp_trace("injection_test_twice");
  const child_result r = run_in_child({{"RAFTER_TRACE_OUTPUT", out.string()}}, [] { return inject_and_exit(3, 7); });
  EXPECT_TRUE(r.exited_with(7)) << r.err;
  EXPECT_LE(r.err_lines().size(), 1u) << r.err;
  EXPECT_TRUE(fs::exists(out));
  fs::remove(out);
}

TEST(injection, a_child_of_the_traced_program_runs_untraced_and_writes_nothing) {
  const fs::path out = temp_trace("injection_test_child");
  fs::remove(out);
  const child_result r = run_in_child({{"RAFTER_TRACE_OUTPUT", out.string()}, {"RAFTER_TRACE_ROOT_PID", "1"}},
                                      [] { return inject_and_exit(1, 5); });
  EXPECT_TRUE(r.exited_with(5)) << r.err;
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_NE(r.err.find("rafter traces only process 1"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST(injection, a_bad_configuration_warns_once_and_traces_nothing) {
  const fs::path out = temp_trace("injection_test_bad");
  fs::remove(out);
  const child_result r = run_in_child({{"RAFTER_TRACE_OUTPUT", out.string()}, {"RAFTER_TRACE_SKIP", "many"}},
                                      [] { return inject_and_exit(1, 9); });
  EXPECT_TRUE(r.exited_with(9)) << r.err;
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_NE(r.err.find("RAFTER_TRACE_SKIP"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace

#endif  // RAFTER_HAVE_CUPTI

#include <gtest/gtest.h>

#ifndef RAFTER_HAVE_CUPTI
TEST(cupti_call, needs_cupti) { GTEST_SKIP() << "built without CUDA/CUPTI: the collector is not built"; }
#else

#include <string>

#include "core/error.hpp"
#include "profiler/cupti_call.hpp"

namespace {

CUptiResult fails() { return CUPTI_ERROR_INVALID_PARAMETER; }
CUptiResult succeeds() { return CUPTI_SUCCESS; }

TEST(cupti_call, names_the_call_the_place_and_the_error) {
  int line = 0;
  try {
    line = __LINE__ + 1;
    RAFTER_CUPTI_CALL(fails());
    FAIL() << "no exception";
  } catch (const rafter::error& e) {
    EXPECT_EQ(e.code(), rafter::exit_code::unsupported);
    EXPECT_EQ(std::string(e.what()),
              "fails() failed at cupti_call_test.cpp:" + std::to_string(line) + ": CUPTI_ERROR_INVALID_PARAMETER");
  }
}

TEST(cupti_call, passes_success_through) { EXPECT_NO_THROW(RAFTER_CUPTI_CALL(succeeds())); }

TEST(cupti_call, describes_a_code_cupti_does_not_know_by_number) {
  const std::string text = rafter::profiler::describe_cupti_error(static_cast<CUptiResult>(123456), "x()", "/a/b.cpp", 7);
  EXPECT_EQ(text.rfind("x() failed at b.cpp:7: ", 0), 0u) << text;
}

}  // namespace

#endif  // RAFTER_HAVE_CUPTI

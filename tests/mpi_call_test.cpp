#include <gtest/gtest.h>

#if RAFTER_HAVE_MPI
#include <mpi.h>

#include <string>

#include "core/error.hpp"
#include "microbench/mpi/mpi_call.hpp"

namespace rafter::mpi {
namespace {

// ctest runs every test in its own process, so each starts with MPI not initialized.
TEST(mpi_call, before_mpi_init_gives_the_call_the_place_and_the_code_without_asking_mpi) {
  const std::string s = describe_mpi_error(MPI_ERR_RANK, "MPI_Init_thread(...)", "mpi_world.cpp", 43);
  EXPECT_EQ(s, "MPI_Init_thread(...) failed at mpi_world.cpp:43: MPI error " + std::to_string(MPI_ERR_RANK) +
                   " (no error text: MPI is not initialized)");
}

TEST(mpi_call, names_the_call_the_place_and_the_mpi_error_text) {
  // A singleton MPI process (no launcher), as Open MPI allows.
  if (MPI_Init(nullptr, nullptr) != MPI_SUCCESS) GTEST_SKIP() << "MPI_Init failed outside a launcher here";
  const std::string s = describe_mpi_error(MPI_ERR_RANK, "MPI_Send(p, n, MPI_BYTE, 9, 0, comm)", "mpi_world.cpp", 42);
  EXPECT_NE(s.find("MPI_Send(p, n, MPI_BYTE, 9, 0, comm) failed at mpi_world.cpp:42: "), std::string::npos) << s;
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  ASSERT_EQ(MPI_Error_string(MPI_ERR_RANK, text, &length), MPI_SUCCESS);
  EXPECT_GT(length, 0);
  EXPECT_NE(s.find(std::string(text, static_cast<std::size_t>(length))), std::string::npos) << s;
  EXPECT_EQ(s.find("no error text"), std::string::npos) << s;
  MPI_Finalize();
}

TEST(mpi_call, the_macro_passes_success_and_throws_exit_code_3_otherwise) {
  EXPECT_NO_THROW(RAFTER_MPI_CALL(MPI_SUCCESS));
  try {
    RAFTER_MPI_CALL(MPI_ERR_COUNT);
    ADD_FAILURE() << "no throw";
  } catch (const error& e) {
    EXPECT_EQ(e.code(), exit_code::unsupported);
    const std::string what = e.what();
    EXPECT_NE(what.find("MPI_ERR_COUNT failed at "), std::string::npos) << what;
    EXPECT_NE(what.find("mpi_call_test.cpp:"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace rafter::mpi
#else
TEST(mpi_call, needs_an_mpi_build) { GTEST_SKIP() << "built without MPI (RAFTER_ENABLE_MPI=OFF or no MPI found)"; }
#endif

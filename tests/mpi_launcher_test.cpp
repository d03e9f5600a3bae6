#include "microbench/mpi/mpi_launcher.hpp"

#include <map>
#include <string>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rafter::mpi {
namespace {

launcher_info detect(const std::map<std::string, std::string>& env) {
  return detect_launcher([&env](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

TEST(mpi_launcher, no_launcher_means_one_rank) {
  const launcher_info info = detect({});
  EXPECT_EQ(info.size, 1);
  EXPECT_EQ(info.rank, 0);
  EXPECT_EQ(info.variable, "");
  EXPECT_FALSE(info.multi_rank());
}

TEST(mpi_launcher, reads_open_mpi_first_then_pmi) {
  const launcher_info ompi = detect({{"OMPI_COMM_WORLD_SIZE", "4"}, {"OMPI_COMM_WORLD_RANK", "3"}, {"PMI_SIZE", "9"}});
  EXPECT_EQ(ompi.size, 4);
  EXPECT_EQ(ompi.rank, 3);
  EXPECT_EQ(ompi.variable, "OMPI_COMM_WORLD_SIZE");
  EXPECT_TRUE(ompi.multi_rank());
  const launcher_info pmi = detect({{"PMI_SIZE", "2"}, {"PMI_RANK", "1"}});
  EXPECT_EQ(pmi.size, 2);
  EXPECT_EQ(pmi.rank, 1);
  EXPECT_EQ(pmi.variable, "PMI_SIZE");
}

TEST(mpi_launcher, one_rank_under_a_launcher_is_not_multi_rank) {
  EXPECT_FALSE(detect({{"OMPI_COMM_WORLD_SIZE", "1"}, {"OMPI_COMM_WORLD_RANK", "0"}}).multi_rank());
  EXPECT_EQ(detect({{"PMI_SIZE", "3"}}).rank, 0);  // No rank variable: rank 0.
}

TEST(mpi_launcher, malformed_values_are_refused_naming_the_variable) {
  for (const char* bad : {"", "two", "2x", "0", "-1"}) {
    try {
      (void)detect({{"OMPI_COMM_WORLD_SIZE", bad}});
      ADD_FAILURE() << "accepted \"" << bad << "\"";
    } catch (const unsupported_error& e) {
      EXPECT_NE(std::string(e.what()).find("OMPI_COMM_WORLD_SIZE"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW((void)detect({{"PMI_SIZE", "2"}, {"PMI_RANK", "2"}}), unsupported_error);
  EXPECT_THROW((void)detect({{"PMI_SIZE", "2"}, {"PMI_RANK", "-1"}}), unsupported_error);
}

}  // namespace
}  // namespace rafter::mpi

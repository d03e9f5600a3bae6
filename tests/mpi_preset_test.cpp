#include "microbench/mpi/mpi_preset.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rafter::mpi {
namespace {

TEST(mpi_preset, quick_and_full_exist_and_full_reaches_further) {
  const mpi_preset quick = mpi_preset_for("quick");
  const mpi_preset full = mpi_preset_for("full");
  for (const mpi_preset* p : {&quick, &full}) {
    EXPECT_GE(p->p2p_first, 4u);
    EXPECT_EQ(p->p2p_first % 4, 0u);  // Whole 32-bit pattern words.
    EXPECT_LT(p->p2p_first, p->p2p_last);
    EXPECT_LT(p->collective_first, p->collective_last);
    EXPECT_GE(p->p2p_factor, 2u);
    EXPECT_GE(p->collective_factor, 2u);
    EXPECT_GT(p->timing.target_s, 0.0);
  }
  EXPECT_GE(full.p2p_last, quick.p2p_last);
  EXPECT_GE(full.collective_last, quick.collective_last);
  EXPECT_GE(full.timing.repetitions, quick.timing.repetitions);
  EXPECT_THROW((void)mpi_preset_for("bogus"), usage_error);
}

}  // namespace
}  // namespace rafter::mpi

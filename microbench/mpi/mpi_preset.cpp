#include "microbench/mpi/mpi_preset.hpp"

#include "core/error.hpp"

namespace rafter::mpi {

mpi_preset mpi_preset_for(const std::string& name) {
  mpi_preset p;
  p.name = name;
  if (name == "quick") {
    p.p2p_last = std::size_t{4} << 20;
    p.collective_first = std::size_t{4} << 10;
    p.collective_last = std::size_t{16} << 20;
    p.timing = agreed_timing_policy{5, 2e-3, 1 << 16, 0.2, 2};
  } else if (name == "full") {
    p.p2p_last = std::size_t{64} << 20;
    p.p2p_factor = 2;
    p.collective_first = std::size_t{1} << 10;
    p.collective_last = std::size_t{256} << 20;
    p.collective_factor = 2;
    p.timing = agreed_timing_policy{10, 10e-3, 1 << 18, 0.1, 3};
  } else {
    throw usage_error("unknown preset \"" + name + "\" (expected quick or full)");
  }
  return p;
}

}  // namespace rafter::mpi

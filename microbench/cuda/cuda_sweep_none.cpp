#include "core/error.hpp"
#include "microbench/cuda/cuda_sweep.hpp"

namespace rafter::cuda {

machine_profile run_cuda_sweep(const sweep_options&, progress&, check_failures&, const mpi::world*) {
  throw unsupported_error("--backend cuda: this rafter was built without CUDA (configure with -DRAFTER_ENABLE_CUDA=ON)");
}

}  // namespace rafter::cuda

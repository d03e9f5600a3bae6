#pragma once

#include <cstdint>
#include <string>

#include "core/machine_profile.hpp"
#include "core/progress.hpp"
#include "microbench/check_failures.hpp"

namespace rafter::mpi {
class world;
}  // namespace rafter::mpi

namespace rafter::cuda {

/// What `rafter sweep --backend cuda` measures, parsed once from the command line.
struct sweep_options {
  std::string preset = "quick";  ///< "quick" or "full" (cuda_preset_for).
  int device = 0;                ///< CUDA device index.
  bool memory = true;            ///< HBM read/write/copy/triad, L2, shared memory, bandwidth curve.
  bool latency = true;           ///< Pointer-chase latency versus footprint.
  bool compute = true;           ///< CUDA-core FMA, mma.sync, (sm_90a) wgmma and cuBLASLt GEMM ceilings.
  std::uint64_t seed = 0x5eed;   ///< Seed of every random input.
  std::string command;           ///< The command line, recorded in the profile.
  bool interconnect = false;     ///< Host-device copies, peer copies, NCCL collectives (profile `links`).
};

/// Measures GPU `options.device` into a `rafter.machine/1` profile. Every kernel's result is
/// checked against a host reference before and after its timing. A wrong result drops that
/// measurement alone (one compute ceiling, one HBM operation, L2 or shared-memory read, one point
/// of the bandwidth or latency curve, one link or NCCL collective): its time never counts, it is
/// recorded in `failed` and as a profile warning ("fp8.tensor.wgmma: the kernel computed a wrong
/// result: ...; not measured"), and the sweep goes on; the caller decides the exit code (1 when
/// `failed` is not empty). A CUDA error (or any other `error`) once measuring has begun stops the
/// sweep in that phase (in order: core, mma.sync, cuBLASLt, memory, curve, latency, block-scaled
/// mma.sync, wgmma, tcgen05, interconnect; a link or NCCL setup that fails while the contexts stay
/// sound only skips those links, with a warning):
/// recorded as `failed.stopped()` and as a profile warning, the profile of what was measured before
/// returned, the caller exiting with the error's code after writing it. Before measuring: without
/// a usable GPU (or in a build without CUDA) `unsupported_error` (exit code 3); a device index out
/// of range is a `usage_error`; `interrupted_error` on Ctrl-C, at any time. Never changes a setting
/// of the GPU.
///
/// Under MPI (`world` given, every rank calling; builds with MPI only) it measures the NCCL
/// collectives across the ranks instead, one GPU per rank (the device is the rank's local rank on
/// its host, `options.device` is ignored), NCCL bootstrapped through MPI (ncclGetUniqueId on rank
/// 0, broadcast, ncclCommInitRank); the profile describes rank 0's GPU. Errors every rank sees are
/// thrown as mpi::agreed_error, a wrong result too (the ranks agree on it; `failed` stays empty).
[[nodiscard]] machine_profile run_cuda_sweep(const sweep_options& options, progress& progress, check_failures& failed,
                                             const mpi::world* world = nullptr);

}  // namespace rafter::cuda

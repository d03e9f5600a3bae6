#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "microbench/host/kernels/simd_level.hpp"
#include "microbench/host/kernels/thread_team.hpp"

namespace rafter::host {

/// One in-register compute kernel: independent accumulator chains acc = op(acc, x, y) repeated,
/// no memory traffic inside the loop.
struct compute_kernel_info {
  /// "fp64.vector.fma", "fp64.vector.addmul", "fp32.vector.fma", "fp32.vector.addmul",
  /// "bf16.vector.dot" (vdpbf16ps), "int8.vector.dot" (vpdpbusd); at simd_level::scalar
  /// "fp64.scalar.addmul" and "fp32.scalar.addmul".
  std::string id;
  std::string precision;  ///< "fp64", "fp32", "bf16", "int8".
  std::string unit;       ///< "vector", or "scalar" at simd_level::scalar.
  /// One sentence: instruction, width, accumulators, how FLOP are counted (FMA = 2 FLOP per lane;
  /// vdpbf16ps = 4 FLOP per fp32 lane; vpdpbusd = 8 ops per int32 lane; addmul = separate mul and
  /// add, 1 FLOP each).
  std::string method;
  /// FLOP (int ops for int8) one iteration of the inner loop does on one thread.
  double flop_per_iteration_per_thread = 0.0;
};

/// Kernels this CPU can run at `level` (bf16/int8 only with AVX512_BF16 / AVX512_VNNI, or AVX-VNNI
/// for int8 at avx2; FMA kernels from avx2 up). Empty when the CPU cannot run `level` at all.
[[nodiscard]] std::vector<compute_kernel_info> available_compute_kernels(simd_level level);

/// Runs kernel `id` at `level` for `iterations` inner iterations on every thread of `team` (all
/// at once, released together); returns wall seconds (thread_team::run). Throws
/// rafter::unsupported_error when `id` is not in available_compute_kernels(level).
double run_compute_kernel(thread_team& team, simd_level level, const std::string& id, std::size_t iterations);

/// As above at detect_simd_level(), the widest level this CPU supports.
double run_compute_kernel(thread_team& team, const std::string& id, std::size_t iterations);

/// Runs kernel `id` at `level` for a small number of iterations on the calling thread and compares
/// every accumulator lane bit-exactly with a scalar host reference performing the same operations
/// (std::fma for FMA, separately rounded mul and add for addmul, exact float/integer arithmetic
/// for bf16/int8 with inputs chosen so every intermediate is representable). "" when correct,
/// else a one-line description of the first mismatch. Throws rafter::unsupported_error when `id`
/// is not available at `level`.
[[nodiscard]] std::string verify_compute_kernel(simd_level level, const std::string& id);

}  // namespace rafter::host

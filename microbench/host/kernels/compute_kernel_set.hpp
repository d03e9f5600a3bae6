#pragma once

#include <cstddef>

namespace rafter::host::detail {

/// One compute inner loop: `accumulators` independent chains, each one vector of `vector_bytes`,
/// loaded from `init`, stepped `iterations` times with the two operand vectors in `operands`, and
/// stored to `result`. All three buffers are 64-byte aligned; init/result hold
/// accumulators * vector_bytes bytes, operands 2 * vector_bytes. Lane types: fp64/fp32 kernels
/// use double/float everywhere (operands = m, c; step acc = acc*m + c); bf16 dot: float
/// accumulators, operands = two vectors of bf16 pairs (step acc += a.odd*b.odd + a.even*b.even);
/// int8 dot: int32 accumulators, operands = u8 quads then s8 quads (step acc += sum of 4 u8*s8).
using compute_loop = void (*)(std::size_t iterations, const void* init, const void* operands, void* result) noexcept;

/// An inner loop of one kernel id at one SIMD level.
struct compute_loop_entry {
  const char* id;      ///< compute_kernel_info::id, e.g. "fp64.vector.fma".
  compute_loop loop;
  int accumulators;    ///< Independent dependency chains (one register each).
  int vector_bytes;    ///< Bytes per accumulator: 64 zmm, 32 ymm, 16 xmm, element size for scalar.
};

/// The loops each *_<isa>.cpp file provides; `count` receives the table length. Entries needing
/// an extension beyond the file's tier (bf16, VNNI) are listed; the caller checks the CPU flag.
const compute_loop_entry* compute_loops_scalar(std::size_t& count) noexcept;
const compute_loop_entry* compute_loops_sse(std::size_t& count) noexcept;
const compute_loop_entry* compute_loops_avx2(std::size_t& count) noexcept;
const compute_loop_entry* compute_loops_avx512(std::size_t& count) noexcept;

}  // namespace rafter::host::detail

#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "microbench/cuda/kernel_catalog.hpp"

namespace rafter::cuda {

/// Launch shapes of the GPU ceiling kernels and the work one launch does. Pure arithmetic, shared
/// by the launchers (kernels/*.cu), the sweep and the tests; every formula is in docs/metrics.md.

// CUDA-core FMA chains: each thread runs `core_chains` independent recurrences a = a*b + c,
// `core_unroll` steps per trip of the outer loop.
inline constexpr int core_threads_per_block = 256;
inline constexpr int core_chains = 8;
inline constexpr int core_unroll = 64;

// mma.sync: each warp keeps `mma_chains` independent accumulator tiles.
inline constexpr int mma_threads_per_block = 256;
inline constexpr int mma_chains = 4;
/// Registers per lane in the fragment buffer: A (4), B (2), -B (2), then the block scales of A and
/// of B (one e4m3 byte per 16 values of K; read by the block-scaled kinds only).
inline constexpr int mma_fragment_words = 10;

// wgmma: one warpgroup (128 threads) per block; `wgmma_group` instructions of each sign per trip.
inline constexpr int wgmma_threads_per_block = 128;
inline constexpr int wgmma_group = 4;
inline constexpr int wgmma_accumulators = 128;  ///< fp32 registers per thread for m64n256.

// tcgen05: one block of 4 warps per SM, holding the SM's whole tensor memory (512 columns): the
// 128 x 256 fp32 accumulator in columns 0-255, the scale factors of the block-scaled kinds from
// column 256 (A's) and 272 (B's); one thread issues `tcgen05_group` MMAs of each sign per trip.
inline constexpr int tcgen05_threads_per_block = 128;
inline constexpr int tcgen05_group = 4;
inline constexpr int tcgen05_tmem_columns = 512;
inline constexpr int tcgen05_accumulator_columns = 256;
inline constexpr int tcgen05_scale_a_column = 256;
inline constexpr int tcgen05_scale_b_column = 272;
inline constexpr int tcgen05_scale_columns = 32;  ///< Both scale regions, every byte 1.0.
inline constexpr int tcgen05_blocks_per_sm = 1;

// Global-memory kernels.
inline constexpr int stream_threads_per_block = 256;
inline constexpr int stream_vector_bytes = 16;  ///< One int4/float4 per access.

// Shared-memory kernel: `smem_loads` 16-byte loads per thread per pass over a buffer of
// 2 * smem_loads * smem_threads_per_block vectors (the second half repeats the first).
inline constexpr int smem_threads_per_block = 128;
inline constexpr int smem_loads = 8;

// Pointer chase: one next-line address per 128-byte line.
inline constexpr std::size_t chase_line_bytes = 128;
/// The largest chase footprint: 2^27 lines (16 GiB), numbered in 32 bits with room to spare.
inline constexpr std::size_t chase_max_footprint_bytes = (std::size_t{1} << 32) * 4;

/// Blocks that fill the GPU: one full wave, `blocks_per_sm` resident blocks on each SM.
/// Throws std::invalid_argument when either is below 1.
[[nodiscard]] int blocks_filling_gpu(int sms, int blocks_per_sm);

/// FLOP (integer ops count alike) of one CUDA-core launch: threads x outer x core_unroll x
/// core_chains x lanes x 2 (an FMA is a multiply and an add).
[[nodiscard]] double core_flop(core_op op, std::size_t threads, std::size_t outer) noexcept;

/// mma instructions one warp issues: the loop does `outer` trips of +B and -B on every chain,
/// then one closing +B per chain: (2 * outer + 1) * mma_chains.
[[nodiscard]] std::size_t mma_per_warp(std::size_t outer) noexcept;
/// FLOP of one mma launch: warps x mma_per_warp x 2*m*n*k.
[[nodiscard]] double mma_flop(mma_op op, std::size_t warps, std::size_t outer) noexcept;

/// wgmma instructions one warpgroup issues: outer * 2 * wgmma_group + 1.
[[nodiscard]] std::size_t wgmma_per_warpgroup(std::size_t outer) noexcept;
/// FLOP of one wgmma launch: warpgroups x wgmma_per_warpgroup x 2*m*n*k.
[[nodiscard]] double wgmma_flop(wgmma_op op, std::size_t warpgroups, std::size_t outer) noexcept;

/// tcgen05.mma instructions one block issues: outer * 2 * tcgen05_group + 1.
[[nodiscard]] std::size_t tcgen05_per_block(std::size_t outer) noexcept;
/// FLOP of one tcgen05 launch: blocks x tcgen05_per_block x 2*m*n*k.
[[nodiscard]] double tcgen05_flop(tcgen05_op op, std::size_t blocks, std::size_t outer) noexcept;
/// Dynamic shared memory a tcgen05 block reserves (untouched) so that at most
/// tcgen05_blocks_per_sm of its blocks share an SM of `shared_memory_per_sm` bytes (a second
/// block would wait in tcgen05.alloc):
/// shared_memory_per_sm / (tcgen05_blocks_per_sm + 1) + 1.
[[nodiscard]] std::size_t tcgen05_padding_bytes(std::size_t shared_memory_per_sm) noexcept;

/// Bytes one stream launch moves (STREAM convention, no write-allocate): arrays_touched x
/// vectors x 16 x passes (passes only for read; the others run once per launch).
[[nodiscard]] double stream_bytes(stream_op op, std::size_t vectors, std::size_t passes) noexcept;

/// Bytes one shared-memory launch reads: threads x passes x smem_loads x 16.
[[nodiscard]] double smem_bytes(std::size_t threads, std::size_t passes) noexcept;

/// SM clock observed by a kernel: cycles / (ns * 1e-9). Empty when either is zero.
[[nodiscard]] std::optional<double> clock_hz_from_probe(std::uint64_t cycles, std::uint64_t nanoseconds) noexcept;

/// Repeat count that makes work of `measured_units` lasting `measured_s` last about `target_s`:
/// round(measured_units * target_s / measured_s), clamped to [min_units, max_units].
[[nodiscard]] std::size_t scale_to_target(double measured_s, std::size_t measured_units, double target_s,
                                          std::size_t min_units, std::size_t max_units) noexcept;

/// Stream elements (16-byte vectors) in `bytes`, rounded down to whole vectors.
[[nodiscard]] std::size_t vectors_in(std::size_t bytes) noexcept;

}  // namespace rafter::cuda

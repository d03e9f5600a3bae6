#pragma once

#include <cstddef>
#include <cstdint>

#include <cuda_runtime_api.h>

#include "microbench/cuda/kernels/clock_probe.hpp"

namespace rafter::cuda {

/// Global-memory kernels, 16-byte vector accesses, grid-stride loops over `vectors` vectors with
/// blocks of stream_threads_per_block threads. `probe` (may be null): block 0's SM clock over its
/// loop (clock_probe.hpp); on a full wave of blocks, block 0 loops for the whole launch.

/// Where the read kernel's loads may be cached: `cached` is an ordinary load (L1 and L2),
/// `l2_only` bypasses L1 (ld.global.cg) so that a working set inside L2 measures L2.
enum class load_path { cached, l2_only };

/// Reads `a` `passes` times; thread i writes the lane-wise wrapping sum of what it read to
/// partial[i] (4 x uint32), one entry per thread of the grid. The `cached` kernel asks for the
/// largest L1 (no shared-memory carveout) on its first launch on a device; that call's failure is
/// returned like a launch's.
cudaError_t launch_stream_read(load_path path, int blocks, const void* a, std::size_t vectors, std::size_t passes,
                               void* partial, cudaStream_t stream, clock_probe* probe = nullptr);
/// Writes write_value(i, lane, seed) to every lane of vector i.
cudaError_t launch_stream_write(int blocks, void* a, std::size_t vectors, std::uint32_t seed, cudaStream_t stream,
                                clock_probe* probe = nullptr);
/// b[i] = a[i].
cudaError_t launch_stream_copy(int blocks, const void* a, void* b, std::size_t vectors, cudaStream_t stream,
                               clock_probe* probe = nullptr);
/// a[i] = fma(s, c[i], b[i]) on each float lane.
cudaError_t launch_stream_triad(int blocks, void* a, const void* b, const void* c, float s, std::size_t vectors,
                                cudaStream_t stream, clock_probe* probe = nullptr);

enum class stream_kernel { read_cached, read_l2_only, write, copy, triad };
cudaError_t stream_kernel_occupancy(stream_kernel kernel, int* blocks_per_sm);

/// Shared-memory bandwidth: every block copies smem_loads * smem_threads_per_block vectors of
/// `init` to shared memory (twice, back to back), then each thread makes `passes` passes of
/// smem_loads 16-byte loads, each pass starting one row further; thread i of the grid writes its
/// lane-wise wrapping sum to out[i].
/// `probe` (may be null): block 0's SM clock over the loads (clock_probe.hpp).
cudaError_t launch_smem_read(int blocks, const void* init, int passes, void* out, cudaStream_t stream,
                             clock_probe* probe = nullptr);
cudaError_t smem_kernel_occupancy(int* blocks_per_sm);

/// Result of one pointer chase.
struct chase_result {
  std::uint64_t cycles = 0;       ///< clock64 difference over the timed hops.
  std::uint64_t nanoseconds = 0;  ///< %globaltimer difference over the timed hops.
  std::uint32_t end = 0;          ///< Line reached.
  std::uint32_t pad = 0;
};

/// Spreads a compact cycle (next line of each line) over `lines` 128-byte lines: the first 8 bytes
/// of line i hold the address of line next[i] (`lines_array` is only the buffer's start).
cudaError_t launch_chase_expand(const std::uint32_t* compact, std::uint32_t* lines_array, std::size_t lines,
                                cudaStream_t stream);
/// One thread follows the cycle from line `start`: `warm` untimed hops, then `hops` timed ones.
/// Asks for the largest L1 (no shared-memory carveout) on its first launch on a device; that
/// call's failure is returned like a launch's.
cudaError_t launch_chase(const std::uint32_t* lines_array, std::uint32_t start, std::uint32_t warm, std::uint32_t hops,
                         chase_result* out, cudaStream_t stream);

}  // namespace rafter::cuda

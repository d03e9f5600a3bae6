#pragma once

#include <cstddef>
#include <cstdint>

#include <cuda_runtime_api.h>

#include "microbench/cuda/kernels/gate_state.hpp"

namespace rafter::cuda {

/// SM copy of `vectors` 16-byte vectors from `src` to `dst`, grid-stride over `blocks` blocks of
/// link_threads_per_block threads, four independent 16-byte loads in flight per thread, loads and
/// stores that bypass L1 (ld.global.cg / st.global.cg). Either pointer may be mapped pinned host
/// memory (cudaHostAlloc with cudaHostAllocMapped, the device pointer from
/// cudaHostGetDevicePointer) or a peer's memory: the copy then crosses PCIe, C2C or NVLink.
cudaError_t launch_link_copy(int blocks, const void* src, void* dst, std::size_t vectors, cudaStream_t stream);
cudaError_t link_copy_occupancy(int* blocks_per_sm);

inline constexpr int link_threads_per_block = 512;

/// Holds `stream` until the host opens the gate: one thread spins on `gate->open` (volatile reads
/// of mapped pinned host memory; `gate` is its device pointer) until it is non-zero, or until
/// `timeout_ns` nanoseconds of %globaltimer have passed since the thread started, when it sets
/// `gate->timed_out` to 1 and ends, so that a gate never opened cannot hang the stream. Work
/// queued behind it starts only once it ends.
cudaError_t launch_stream_gate(gate_state* gate, std::uint64_t timeout_ns, cudaStream_t stream);

}  // namespace rafter::cuda

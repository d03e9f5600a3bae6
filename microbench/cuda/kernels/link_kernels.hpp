#pragma once

#include <cstddef>

#include <cuda_runtime_api.h>

namespace rafter::cuda {

/// SM copy of `vectors` 16-byte vectors from `src` to `dst`, grid-stride over `blocks` blocks of
/// link_threads_per_block threads, four independent 16-byte loads in flight per thread, loads and
/// stores that bypass L1 (ld.global.cg / st.global.cg). Either pointer may be mapped pinned host
/// memory (cudaHostAlloc with cudaHostAllocMapped, the device pointer from
/// cudaHostGetDevicePointer) or a peer's memory: the copy then crosses PCIe, C2C or NVLink.
cudaError_t launch_link_copy(int blocks, const void* src, void* dst, std::size_t vectors, cudaStream_t stream);
cudaError_t link_copy_occupancy(int* blocks_per_sm);

inline constexpr int link_threads_per_block = 512;

}  // namespace rafter::cuda

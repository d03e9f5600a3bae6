#include "microbench/cuda/kernels/stream_kernels.hpp"

#include <atomic>

#include "microbench/cuda/host_reference.hpp"
#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/kernels/device_clock.cuh"

namespace rafter::cuda {

namespace {

constexpr int read_unroll = 4;  ///< Independent 16-byte loads in flight per thread.

__device__ __forceinline__ void add_lanes(uint4& acc, const int4& v) {
  acc.x += static_cast<unsigned>(v.x);
  acc.y += static_cast<unsigned>(v.y);
  acc.z += static_cast<unsigned>(v.z);
  acc.w += static_cast<unsigned>(v.w);
}

template <bool L2Only>
__device__ __forceinline__ int4 load(const int4* p) {
  if constexpr (L2Only) return __ldcg(p);
  else return *p;
}

template <bool L2Only>
__device__ __forceinline__ void read_body(const int4* __restrict__ a, std::size_t n, std::size_t passes,
                                          uint4* __restrict__ partial, clock_probe* probe) {
  const std::size_t tid = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  uint4 acc = make_uint4(0, 0, 0, 0);
  probe_begin(probe);
  for (std::size_t p = 0; p < passes; ++p) {
    std::size_t i = tid;
    for (; i + (read_unroll - 1) * stride < n; i += read_unroll * stride) {
      int4 v[read_unroll];
#pragma unroll
      for (int u = 0; u < read_unroll; ++u) v[u] = load<L2Only>(a + i + u * stride);
#pragma unroll
      for (int u = 0; u < read_unroll; ++u) add_lanes(acc, v[u]);
    }
    for (; i < n; i += stride) add_lanes(acc, load<L2Only>(a + i));
  }
  probe_end(probe);
  partial[tid] = acc;
}

}  // namespace

}  // namespace rafter::cuda

extern "C" {

__global__ void __launch_bounds__(rafter::cuda::stream_threads_per_block)
    rafter_stream_read_kernel(const int4* a, std::size_t n, std::size_t passes, uint4* partial,
                              rafter::cuda::clock_probe* probe) {
  rafter::cuda::read_body<false>(a, n, passes, partial, probe);
}

__global__ void __launch_bounds__(rafter::cuda::stream_threads_per_block)
    rafter_l2_read_kernel(const int4* a, std::size_t n, std::size_t passes, uint4* partial,
                          rafter::cuda::clock_probe* probe) {
  rafter::cuda::read_body<true>(a, n, passes, partial, probe);
}

__global__ void __launch_bounds__(rafter::cuda::stream_threads_per_block)
    rafter_stream_write_kernel(int4* __restrict__ a, std::size_t n, unsigned seed, rafter::cuda::clock_probe* probe) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  rafter::cuda::probe_begin(probe);
#pragma unroll 4
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    a[i] = make_int4(static_cast<int>(rafter::cuda::write_value(i, 0, seed)),
                     static_cast<int>(rafter::cuda::write_value(i, 1, seed)),
                     static_cast<int>(rafter::cuda::write_value(i, 2, seed)),
                     static_cast<int>(rafter::cuda::write_value(i, 3, seed)));
  }
  rafter::cuda::probe_end(probe);
}

__global__ void __launch_bounds__(rafter::cuda::stream_threads_per_block)
    rafter_stream_copy_kernel(const int4* __restrict__ a, int4* __restrict__ b, std::size_t n,
                              rafter::cuda::clock_probe* probe) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  rafter::cuda::probe_begin(probe);
#pragma unroll 4
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) b[i] = a[i];
  rafter::cuda::probe_end(probe);
}

__global__ void __launch_bounds__(rafter::cuda::stream_threads_per_block)
    rafter_stream_triad_kernel(float4* __restrict__ a, const float4* __restrict__ b, const float4* __restrict__ c,
                               float s, std::size_t n, rafter::cuda::clock_probe* probe) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  rafter::cuda::probe_begin(probe);
#pragma unroll 4
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const float4 bv = b[i], cv = c[i];
    a[i] = make_float4(__fmaf_rn(s, cv.x, bv.x), __fmaf_rn(s, cv.y, bv.y), __fmaf_rn(s, cv.z, bv.z),
                       __fmaf_rn(s, cv.w, bv.w));
  }
  rafter::cuda::probe_end(probe);
}

__global__ void __launch_bounds__(rafter::cuda::smem_threads_per_block)
    rafter_smem_read_kernel(const uint4* __restrict__ init, int passes, uint4* __restrict__ out,
                            rafter::cuda::clock_probe* probe) {
  constexpr int rows = rafter::cuda::smem_loads, width = rafter::cuda::smem_threads_per_block;
  __shared__ uint4 buffer[2 * rows * width];
  const int t = static_cast<int>(threadIdx.x);
#pragma unroll
  for (int r = 0; r < 2 * rows; ++r) buffer[r * width + t] = init[(r % rows) * width + t];
  __syncthreads();
  rafter::cuda::probe_begin(probe);
  uint4 acc = make_uint4(0, 0, 0, 0);
  for (int p = 0; p < passes; ++p) {
    // Rows p..p+rows-1 of the doubled buffer: every row once per pass, constant offsets.
    const uint4* base = buffer + (p & (rows - 1)) * width + t;
#pragma unroll
    for (int r = 0; r < rows; ++r) {
      const uint4 v = base[r * width];
      acc.x += v.x;
      acc.y += v.y;
      acc.z += v.z;
      acc.w += v.w;
    }
  }
  rafter::cuda::probe_end(probe);
  out[static_cast<std::size_t>(blockIdx.x) * width + t] = acc;
}

// Each line's first 8 bytes hold the address of the next line: one load per hop, no address
// arithmetic between loads (an index would add an IMAD.WIDE to every hop's latency).
__global__ void rafter_chase_expand_kernel(const unsigned* __restrict__ compact, unsigned* __restrict__ lines_array,
                                           std::size_t lines) {
  constexpr std::size_t line = rafter::cuda::chase_line_bytes;
  char* const base = reinterpret_cast<char*>(lines_array);
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < lines; i += stride) {
    *reinterpret_cast<const char**>(base + i * line) = base + static_cast<std::size_t>(compact[i]) * line;
  }
}

/// The next line's address, an ordinary global load (ld.global: weak, cached in L1; LDG.E.64): volatile, so
/// the loads stay in order and none is dropped.
__device__ __forceinline__ const char* chase_next(const char* p) {
  const char* next;
  asm volatile("ld.global.u64 %0, [%1];" : "=l"(next) : "l"(p) : "memory");
  return next;
}

__global__ void __launch_bounds__(32)
    rafter_chase_kernel(const unsigned* lines_array, unsigned start, unsigned warm, unsigned hops,
                        rafter::cuda::chase_result* out) {
  constexpr std::size_t line = rafter::cuda::chase_line_bytes;
  if (threadIdx.x != 0 || blockIdx.x != 0) return;
  const char* const base = reinterpret_cast<const char*>(lines_array);
  const char* p = base + static_cast<std::size_t>(start) * line;
  for (unsigned i = 0; i < warm; ++i) p = chase_next(p);
  const std::uint64_t t0 = rafter::cuda::global_ns();
  const auto c0 = static_cast<std::uint64_t>(clock64());
  unsigned i = 0;
  for (; i + 8 <= hops; i += 8) {
#pragma unroll
    for (int u = 0; u < 8; ++u) p = chase_next(p);
  }
  for (; i < hops; ++i) p = chase_next(p);
  // The clock reads (CS2R) do not wait for a load in flight: each is taken just after the last
  // load before it was issued. So the interval runs from the issue of the last warm load (or, with
  // no warm hops, of the first timed one) to the issue of the last timed load: `hops` hop latencies
  // with warm hops, `hops - 1` without (an error of at most one hop in `hops`).
  const auto c1 = static_cast<std::uint64_t>(clock64());
  const std::uint64_t t1 = rafter::cuda::global_ns();
  out->cycles = c1 - c0;
  out->nanoseconds = t1 - t0;
  out->end = static_cast<unsigned>(static_cast<std::size_t>(p - base) / line);
}

}  // extern "C"

namespace rafter::cuda {

namespace {

dim3 stream_grid(int blocks) { return dim3(static_cast<unsigned>(blocks)); }

/// Asks for the largest L1 for `kernel` (a kernel using no shared memory) on the current device:
/// cudaFuncAttributePreferredSharedMemoryCarveout = cudaSharedmemCarveoutMaxL1. Without it the
/// driver may keep the larger shared-memory carveout a kernel before it (shared-memory, wgmma,
/// tcgen05) needed, shrinking the L1 it reads from. Set once per device: `done` holds one bit per
/// device (devices from 64 on set it at every launch). The failure is returned, its error cleared.
cudaError_t prefer_max_l1(const void* kernel, std::atomic<std::uint64_t>& done) {
  int device = 0;
  if (const cudaError_t e = cudaGetDevice(&device); e != cudaSuccess) {
    (void)cudaGetLastError();
    return e;
  }
  const std::uint64_t bit = device >= 0 && device < 64 ? std::uint64_t{1} << device : 0;
  if ((done.load(std::memory_order_relaxed) & bit) != 0) return cudaSuccess;
  const cudaError_t e =
      cudaFuncSetAttribute(kernel, cudaFuncAttributePreferredSharedMemoryCarveout, cudaSharedmemCarveoutMaxL1);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    return e;
  }
  done.fetch_or(bit, std::memory_order_relaxed);
  return cudaSuccess;
}

std::atomic<std::uint64_t> read_carveout_set{0};   ///< rafter_stream_read_kernel's devices.
std::atomic<std::uint64_t> chase_carveout_set{0};  ///< rafter_chase_kernel's devices.

}  // namespace

cudaError_t launch_stream_read(load_path path, int blocks, const void* a, std::size_t vectors, std::size_t passes,
                               void* partial, cudaStream_t stream, clock_probe* probe) {
  const auto* in = static_cast<const int4*>(a);
  auto* out = static_cast<uint4*>(partial);
  if (path == load_path::l2_only) {
    rafter_l2_read_kernel<<<stream_grid(blocks), stream_threads_per_block, 0, stream>>>(in, vectors, passes, out, probe);
  } else {
    if (const cudaError_t e = prefer_max_l1(reinterpret_cast<const void*>(&rafter_stream_read_kernel), read_carveout_set);
        e != cudaSuccess) {
      return e;
    }
    rafter_stream_read_kernel<<<stream_grid(blocks), stream_threads_per_block, 0, stream>>>(in, vectors, passes, out, probe);
  }
  return cudaGetLastError();
}

cudaError_t launch_stream_write(int blocks, void* a, std::size_t vectors, std::uint32_t seed, cudaStream_t stream,
                                clock_probe* probe) {
  rafter_stream_write_kernel<<<stream_grid(blocks), stream_threads_per_block, 0, stream>>>(static_cast<int4*>(a),
                                                                                          vectors, seed, probe);
  return cudaGetLastError();
}

cudaError_t launch_stream_copy(int blocks, const void* a, void* b, std::size_t vectors, cudaStream_t stream,
                               clock_probe* probe) {
  rafter_stream_copy_kernel<<<stream_grid(blocks), stream_threads_per_block, 0, stream>>>(
      static_cast<const int4*>(a), static_cast<int4*>(b), vectors, probe);
  return cudaGetLastError();
}

cudaError_t launch_stream_triad(int blocks, void* a, const void* b, const void* c, float s, std::size_t vectors,
                                cudaStream_t stream, clock_probe* probe) {
  rafter_stream_triad_kernel<<<stream_grid(blocks), stream_threads_per_block, 0, stream>>>(
      static_cast<float4*>(a), static_cast<const float4*>(b), static_cast<const float4*>(c), s, vectors, probe);
  return cudaGetLastError();
}

cudaError_t stream_kernel_occupancy(stream_kernel kernel, int* blocks_per_sm) {
  const void* f = nullptr;
  switch (kernel) {
    case stream_kernel::read_cached: f = reinterpret_cast<const void*>(&rafter_stream_read_kernel); break;
    case stream_kernel::read_l2_only: f = reinterpret_cast<const void*>(&rafter_l2_read_kernel); break;
    case stream_kernel::write: f = reinterpret_cast<const void*>(&rafter_stream_write_kernel); break;
    case stream_kernel::copy: f = reinterpret_cast<const void*>(&rafter_stream_copy_kernel); break;
    case stream_kernel::triad: f = reinterpret_cast<const void*>(&rafter_stream_triad_kernel); break;
  }
  return cudaOccupancyMaxActiveBlocksPerMultiprocessor(blocks_per_sm, f, stream_threads_per_block, 0);
}

cudaError_t launch_smem_read(int blocks, const void* init, int passes, void* out, cudaStream_t stream,
                             clock_probe* probe) {
  rafter_smem_read_kernel<<<dim3(static_cast<unsigned>(blocks)), smem_threads_per_block, 0, stream>>>(
      static_cast<const uint4*>(init), passes, static_cast<uint4*>(out), probe);
  return cudaGetLastError();
}

cudaError_t smem_kernel_occupancy(int* blocks_per_sm) {
  return cudaOccupancyMaxActiveBlocksPerMultiprocessor(
      blocks_per_sm, reinterpret_cast<const void*>(&rafter_smem_read_kernel), smem_threads_per_block, 0);
}

cudaError_t launch_chase_expand(const std::uint32_t* compact, std::uint32_t* lines_array, std::size_t lines,
                                cudaStream_t stream) {
  const auto blocks = static_cast<unsigned>(std::min<std::size_t>((lines + 255) / 256, 65535));
  rafter_chase_expand_kernel<<<blocks, 256, 0, stream>>>(compact, lines_array, lines);
  return cudaGetLastError();
}

cudaError_t launch_chase(const std::uint32_t* lines_array, std::uint32_t start, std::uint32_t warm, std::uint32_t hops,
                         chase_result* out, cudaStream_t stream) {
  if (const cudaError_t e = prefer_max_l1(reinterpret_cast<const void*>(&rafter_chase_kernel), chase_carveout_set);
      e != cudaSuccess) {
    return e;
  }
  rafter_chase_kernel<<<1, 32, 0, stream>>>(lines_array, start, warm, hops, out);
  return cudaGetLastError();
}

}  // namespace rafter::cuda

// bench/collector_decode: the collector's cost per kernel record on CUPTI's buffer thread, without a
// GPU. CUPTI hands the collector full activity buffers (RAFTER_TRACE_BUFFER_BYTES, 8 MiB by
// default); the collector decodes each on CUPTI's thread (activity_decoder::decode) while the
// program runs, then builds and writes the trace at exit. A decode slower than the program
// launches kernels keeps buffers outstanding, and CUPTI drops records when it cannot get one.
//
// Generates KERNELS kernel records (default 1,000,000) in buffers of the default size, laid out
// as CUPTI lays them out, shaped like an LLM decode loop (eight kernel names, as long as real
// cuBLAS, FlashAttention and ATen names), and times, in the same run:
//   reference  memcpy of every buffer (the least any consumer of the records pays)
//   decode     activity_decoder::decode of every buffer (CUPTI's thread, while the program runs)
//   build      activity_decoder::build (at exit)
//   write      save_trace to a temporary .json (at exit)
// and prints ns per record, records per second and decode / reference.
// Usage: bench_collector_decode [KERNELS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>

#include "bench/bench_measure.hpp"
#include "core/trace.hpp"
#include "profiler/activity_decoder.hpp"
#include "profiler/collector_config.hpp"
#include "tests/activity_buffer.hpp"

namespace {

using rafter::bench::clock_type;
using rafter::bench::peak_rss_bytes;
using rafter::bench::since;

using kernel_record = rafter::profiler::current_record_versions::kernel;

// One decode step of a transformer layer; CUPTI's names are mangled, as long as these or longer.
constexpr const char* k_names[] = {
    "_ZN2at6native29vectorized_layer_norm_kernelIN3c108BFloat16EfEEviT0_PKT_S8_S8_PS5_S9_PS6_",
    "sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x128x64_warpgroupsize1x1x1_execute_segment_k_off_kernel__5x_cublas",
    "_ZN13pytorch_flash15flash_fwd_kernelINS_23Flash_fwd_kernel_traitsILi128ELi64ELi128ELi4ELb0ELb0EN7cutlass10bfloat16_tENS_19Flash_kernel_traits"
    "ILi128ELi64ELi128ELi4ES4_EEEELb1ELb0ELb0ELb0ELb1ELb1ELb0ELb0EEEvNS_16Flash_fwd_paramsE",
    "sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x64x64_warpgroupsize1x1x1_execute_segment_k_off_kernel__5x_cublas",
    "_ZN2at6native29vectorized_elementwise_kernelILi4ENS0_15CUDAFunctor_addIN3c108BFloat16EEESt5arrayIPcLm3EEEEviT0_T1_",
    "_ZN2at6native29vectorized_elementwise_kernelILi4ENS0_12_GLOBAL__N_111silu_kernelERNS_18TensorIteratorBaseEEUlvE_clEvEUlvE0_clEvEUlN3c108BFloat16EE_"
    "St5arrayIPcLm2EEEEviT0_T1_",
    "_ZN2at6native13reduce_kernelILi512ELi1ENS0_8ReduceOpIfNS0_7MeanOpsIffffEEjfLi4EEEEEvT1_",
    "ncclDevKernel_AllReduce_Sum_bf16_RING_LL(ncclDevKernelArgsStorage<4096ul>)",
};
constexpr std::size_t k_name_count = sizeof k_names / sizeof k_names[0];

// Buffers of `buffer_bytes` holding `kernels` records in all, 4 us kernels with 1 us gaps. CUPTI
// writes records as kernels complete, not in start order (several streams): here each pair of
// records arrives in the reverse of its start order, so the decoder's sort by start has work.
std::vector<rafter::testing::activity_buffer> make_buffers(std::size_t kernels, std::size_t buffer_bytes) {
  const std::size_t record_bytes = ((sizeof(kernel_record) + 7) / 8) * 8;
  const std::size_t per_buffer = std::max<std::size_t>(1, buffer_bytes / record_bytes);
  std::vector<rafter::testing::activity_buffer> buffers;
  std::uint64_t t = 1'000'000'000;
  for (std::size_t i = 0; i < kernels; ++i) {
    if (i % per_buffer == 0) buffers.emplace_back();
    const auto corr = static_cast<std::uint32_t>(i + 1);
    const std::uint64_t start = i % 2 == 0 ? t + 5'000 : t - 5'000;
    buffers.back().append(rafter::testing::make_kernel<kernel_record>(k_names[i % k_name_count], start, start + 4'000, corr));
    t += 5'000;
  }
  return buffers;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t kernels = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  if (kernels == 0) {
    std::fprintf(stderr, "usage: bench_collector_decode [KERNELS > 0]\n");
    return 2;
  }
  const std::size_t buffer_bytes = rafter::profiler::collector_config{}.buffer_bytes;
  auto buffers = make_buffers(kernels, buffer_bytes);
  const std::size_t buffer_count = buffers.size();
  std::size_t total_bytes = 0;
  for (const auto& b : buffers) total_bytes += b.size();

  // Reference: copy every buffer's records out once, into one reused buffer.
  std::vector<std::uint8_t> sink(buffer_bytes);
  std::uint64_t checksum = 0;
  auto t0 = clock_type::now();
  for (auto& b : buffers) {
    std::memcpy(sink.data(), b.data(), b.size());
    checksum += sink[b.size() / 2];
  }
  const double reference_s = since(t0);

  rafter::profiler::activity_decoder decoder;
  t0 = clock_type::now();
  for (auto& b : buffers) decoder.decode(b);
  const double decode_s = since(t0);
  if (decoder.kernel_count() != kernels) {
    std::fprintf(stderr, "bench_collector_decode: decoded %zu kernels of %zu: the decoder dropped records\n",
                 decoder.kernel_count(), kernels);
    return 1;
  }
  buffers = {};

  t0 = clock_type::now();
  const rafter::trace trace = decoder.build();
  const double build_s = since(t0);
  const auto path = std::filesystem::temp_directory_path() / fmt::format("bench_collector_decode.{}.json", getpid());
  t0 = clock_type::now();
  rafter::save_trace(path, trace);
  const double write_s = since(t0);
  const auto written = std::filesystem::file_size(path);
  std::filesystem::remove(path);
  if (trace.kernels.size() != kernels) {
    std::fprintf(stderr, "bench_collector_decode: the trace holds %zu kernels of %zu\n", trace.kernels.size(), kernels);
    return 1;
  }

  const double n = static_cast<double>(kernels);
  fmt::print("collector decode: {} kernel records ({} B each) in {} buffers of {} MiB, {:.0f} MiB in all (checksum {})\n",
             kernels, sizeof(kernel_record), buffer_count, buffer_bytes >> 20, static_cast<double>(total_bytes) / (1 << 20), checksum % 10);
  fmt::print("  reference (memcpy)  {:8.3f} s  {:7.1f} ns/record\n", reference_s, reference_s / n * 1e9);
  fmt::print("  decode              {:8.3f} s  {:7.1f} ns/record  {:.3g} M records/s  {:.1f}x the reference\n", decode_s,
             decode_s / n * 1e9, n / decode_s / 1e6, reference_s > 0.0 ? decode_s / reference_s : 0.0);
  fmt::print("  build (at exit)     {:8.3f} s  {:7.1f} ns/record\n", build_s, build_s / n * 1e9);
  fmt::print("  write (at exit)     {:8.3f} s  {:7.1f} ns/record  {:.0f} MB written\n", write_s, write_s / n * 1e9,
             static_cast<double>(written) / 1e6);
  fmt::print("  peak RSS            {:.0f} MB\n", peak_rss_bytes() / 1e6);
  return 0;
}

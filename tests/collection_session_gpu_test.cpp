// collection_session on a GPU (label `gpu`; skipped without one), in a test binary of its own (the
// session is process-wide): a known workload traced in process, and every record checked against
// what was launched: plain launches on two streams, a device-to-host copy and a memset, a CUDA
// graph of three kernel nodes launched four times (recorded per node, with graph and node ids), and
// two kernels with Range Profiler counters (--metrics roofline, selected by name): an FP32 FMA
// kernel whose FFMA count must be exact, and a read of 256 MiB whose DRAM, L2 and L1 bytes must be
// that size within the bounds that caches and replay allow (a unit error, sectors for bytes, is 32x). The activity decoder's unit tests feed hand-built records;
// this is the same path with CUPTI's own.
#include <gtest/gtest.h>

#ifndef RAFTER_HAVE_CUPTI
TEST(collection_session_gpu, needs_cupti) { GTEST_SKIP() << "built without CUDA/CUPTI: the collector is not built"; }
#else

#include <cuda_runtime.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/config_paths.hpp"
#include "core/trace.hpp"
#include "microbench/cuda/cuda_call.hpp"
#include "microbench/cuda/kernel_catalog.hpp"
#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/kernels/core_kernels.hpp"
#include "microbench/cuda/kernels/stream_kernels.hpp"
#include "profiler/collection_session.hpp"
#include "profiler/collector_config.hpp"
#include "profiler/cuda_driver.hpp"

namespace {

namespace fs = std::filesystem;
using rafter::profiler::collection_session;

constexpr int k_stream_a_launches = 10;
constexpr int k_stream_b_launches = 5;
constexpr int k_graph_nodes = 3;
constexpr int k_graph_launches = 4;
constexpr std::size_t k_vectors = 1 << 16;  // 16-byte vectors: 1 MiB
constexpr std::size_t k_bytes = k_vectors * 16;
constexpr const char* k_kernel = "rafter_stream_write_kernel";
constexpr const char* k_counted_kernel = "rafter_fp32_fma_kernel";
constexpr int k_fma_blocks = 8;
constexpr int k_fma_outer = 4;
constexpr const char* k_ffma = "smsp__sass_thread_inst_executed_op_ffma_pred_on.sum";
constexpr const char* k_read_kernel = "rafter_stream_read_kernel";
constexpr std::size_t k_read_bytes = std::size_t{256} << 20;  // far beyond any L2

TEST(collection_session_gpu, records_launches_copies_graph_nodes_and_exact_counters_on_a_gpu) {
  std::string why;
  if (!rafter::profiler::cuda_driver_loadable(&why)) GTEST_SKIP() << "no CUDA driver: " << why;
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) GTEST_SKIP() << "no CUDA GPU can be used here";

  rafter::profiler::collector_config config;
  config.output = fs::temp_directory_path() / ("collection_session_gpu_test_" + std::to_string(::getpid()) + ".json");
  config.roofline_metrics = true;
  const auto configs = rafter::find_config_dir();  // the source tree's, or the bundle's ($RAFTER_CONFIG_DIR)
  ASSERT_TRUE(configs.has_value()) << "no configs/ directory found";
  config.metrics_file = *configs / "collector_metrics.json";
  config.kernel_regex = std::string(k_counted_kernel) + "|" + k_read_kernel;
  auto& session = collection_session::instance();
  ASSERT_TRUE(session.start(config)) << "CUPTI could not trace on this GPU (see the warning above)";

  void* buffer = nullptr;
  RAFTER_CUDA_CALL(cudaMalloc(&buffer, k_bytes));
  void* host = nullptr;  // pinned: one DMA, one record
  RAFTER_CUDA_CALL(cudaMallocHost(&host, k_bytes));
  cudaStream_t a = nullptr, b = nullptr, g = nullptr;
  RAFTER_CUDA_CALL(cudaStreamCreateWithFlags(&a, cudaStreamNonBlocking));
  RAFTER_CUDA_CALL(cudaStreamCreateWithFlags(&b, cudaStreamNonBlocking));
  RAFTER_CUDA_CALL(cudaStreamCreateWithFlags(&g, cudaStreamNonBlocking));
  // The counted kernel: every thread runs core_chains x core_unroll FFMAs per outer trip.
  const std::size_t fma_threads = std::size_t{k_fma_blocks} * rafter::cuda::core_threads_per_block;
  void* fma_in = nullptr;
  void* fma_out = nullptr;
  RAFTER_CUDA_CALL(cudaMalloc(&fma_in, fma_threads * rafter::cuda::core_chains * sizeof(float)));
  RAFTER_CUDA_CALL(cudaMalloc(&fma_out, fma_threads * rafter::cuda::core_chains * sizeof(float)));
  RAFTER_CUDA_CALL(cudaMemset(fma_in, 0, fma_threads * rafter::cuda::core_chains * sizeof(float)));
  RAFTER_CUDA_CALL(rafter::cuda::launch_core_kernel(rafter::cuda::core_op::fp32_fma, k_fma_blocks, fma_in, fma_out, 0x3f800000u,
                                           0x3f000000u, k_fma_outer, nullptr, a));
  RAFTER_CUDA_CALL(cudaStreamSynchronize(a));
  // The read: one pass over 256 MiB, 16-byte loads through L1.
  int sms = 0;
  RAFTER_CUDA_CALL(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
  const int read_blocks = 4 * sms;
  void* big = nullptr;
  void* partial = nullptr;
  RAFTER_CUDA_CALL(cudaMalloc(&big, k_read_bytes));
  RAFTER_CUDA_CALL(cudaMalloc(&partial, std::size_t(read_blocks) * rafter::cuda::stream_threads_per_block * 16));
  RAFTER_CUDA_CALL(cudaMemset(big, 1, k_read_bytes));
  RAFTER_CUDA_CALL(cudaDeviceSynchronize());  // the streams here do not wait for the legacy default stream
  RAFTER_CUDA_CALL(rafter::cuda::launch_stream_read(rafter::cuda::load_path::cached, read_blocks, big, k_read_bytes / 16, 1,
                                           partial, a));
  RAFTER_CUDA_CALL(cudaStreamSynchronize(a));
  for (int i = 0; i < k_stream_a_launches; ++i) RAFTER_CUDA_CALL(rafter::cuda::launch_stream_write(4, buffer, k_vectors, 1, a));
  RAFTER_CUDA_CALL(cudaStreamSynchronize(a));
  for (int i = 0; i < k_stream_b_launches; ++i) RAFTER_CUDA_CALL(rafter::cuda::launch_stream_write(4, buffer, k_vectors, 2, b));
  RAFTER_CUDA_CALL(cudaMemcpyAsync(host, buffer, k_bytes, cudaMemcpyDeviceToHost, b));
  RAFTER_CUDA_CALL(cudaMemsetAsync(buffer, 0, k_bytes, b));
  RAFTER_CUDA_CALL(cudaStreamSynchronize(b));

  cudaGraph_t graph = nullptr;
  cudaGraphExec_t exec = nullptr;
  RAFTER_CUDA_CALL(cudaStreamBeginCapture(g, cudaStreamCaptureModeThreadLocal));
  for (int i = 0; i < k_graph_nodes; ++i) RAFTER_CUDA_CALL(rafter::cuda::launch_stream_write(4, buffer, k_vectors, 3, g));
  RAFTER_CUDA_CALL(cudaStreamEndCapture(g, &graph));
  RAFTER_CUDA_CALL(cudaGraphInstantiate(&exec, graph, 0));
  for (int i = 0; i < k_graph_launches; ++i) RAFTER_CUDA_CALL(cudaGraphLaunch(exec, g));
  RAFTER_CUDA_CALL(cudaStreamSynchronize(g));
  RAFTER_CUDA_CALL(cudaDeviceSynchronize());

  session.stop();  // flushes every buffer and writes config.output
  const rafter::trace t = rafter::load_trace(config.output);
  fs::remove(config.output);  // (the at-exit write puts it back; it is in the temp directory)
  RAFTER_CUDA_CALL(cudaGraphExecDestroy(exec));
  RAFTER_CUDA_CALL(cudaGraphDestroy(graph));
  for (cudaStream_t s : {a, b, g}) RAFTER_CUDA_CALL(cudaStreamDestroy(s));
  RAFTER_CUDA_CALL(cudaFree(buffer));
  RAFTER_CUDA_CALL(cudaFree(fma_in));
  RAFTER_CUDA_CALL(cudaFree(fma_out));
  RAFTER_CUDA_CALL(cudaFreeHost(host));
  RAFTER_CUDA_CALL(cudaFree(big));
  RAFTER_CUDA_CALL(cudaFree(partial));

  // Nothing lost, nothing malformed.
  EXPECT_EQ(t.source.counters.count("dropped_records"), 0u) << "CUPTI dropped records";
  for (const auto& [name, value] : t.source.counters) {
    EXPECT_NE(name.rfind("invalid_timestamps.", 0), 0u) << name << " = " << value;
  }

  cudaDeviceProp prop{};
  RAFTER_CUDA_CALL(cudaGetDeviceProperties(&prop, 0));
  ASSERT_FALSE(t.devices.empty());
  EXPECT_EQ(t.devices.front().name, prop.name);

  // Every launch is one kernel record. Plain launches: by stream, in order, one correlation id
  // each. Graph launches: every node once per launch, with graph and node ids (the nodes of one
  // graph launch share that launch's correlation id; the stream CUPTI reports is not checked).
  std::map<std::int64_t, std::vector<const rafter::trace_kernel*>> plain_by_stream;
  std::vector<const rafter::trace_kernel*> graph_kernels;
  std::set<std::int64_t> correlation_ids;
  for (const auto& k : t.kernels) {
    if (k.name.view().find(k_kernel) == std::string_view::npos) continue;
    EXPECT_GT(k.start_ns, 0);
    EXPECT_GT(k.end_ns, k.start_ns);
    if (k.graph_id) {
      graph_kernels.push_back(&k);
      continue;
    }
    plain_by_stream[k.stream].push_back(&k);
    if (k.correlation_id) {
      EXPECT_TRUE(correlation_ids.insert(*k.correlation_id).second) << "repeated correlation id";
    }
  }
  const auto in_order = [](std::vector<const rafter::trace_kernel*> ks, const std::string& what) {
    std::sort(ks.begin(), ks.end(), [](auto* x, auto* y) { return x->start_ns < y->start_ns; });
    for (std::size_t i = 1; i < ks.size(); ++i) EXPECT_GE(ks[i]->start_ns, ks[i - 1]->end_ns) << what << " overlap";
  };
  std::vector<std::size_t> sizes;
  for (const auto& [stream, ks] : plain_by_stream) {
    sizes.push_back(ks.size());
    in_order(ks, "kernels of stream " + std::to_string(stream));
  }
  std::sort(sizes.begin(), sizes.end());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{std::size_t{k_stream_b_launches}, std::size_t{k_stream_a_launches}}))
      << "plain launches per stream; " << t.kernels.size() << " kernel records in all";

  ASSERT_EQ(graph_kernels.size(), std::size_t{k_graph_nodes * k_graph_launches}) << "graph kernel records";
  in_order(graph_kernels, "the graph's kernels (a chain, launched on one stream)");
  std::map<std::int64_t, int> launches_per_node;
  for (const auto* k : graph_kernels) {
    ASSERT_TRUE(k->graph_node_id.has_value()) << "a graph kernel without its node id";
    ++launches_per_node[*k->graph_node_id];
  }
  EXPECT_EQ(launches_per_node.size(), std::size_t{k_graph_nodes}) << "distinct graph node ids";
  for (const auto& [node, n] : launches_per_node) EXPECT_EQ(n, k_graph_launches) << "launches of node " << node;

  // Counters: only the selected kernels have them; one record each (kernel replay adds none).
  std::string warnings;
  for (const auto& w : t.source.warnings) warnings += "\n  " + w;
  std::map<std::string, std::vector<const rafter::trace_kernel*>> counted;
  for (const auto& k : t.kernels) {
    const std::string_view name = k.name.view();
    if (name.find(k_counted_kernel) != std::string_view::npos || name.find(k_read_kernel) != std::string_view::npos) {
      counted[std::string(name)].push_back(&k);
    } else {
      EXPECT_FALSE(k.metrics.has_value()) << name << " has counters but was not selected";
    }
  }
  for (const char* name : {k_counted_kernel, k_read_kernel}) {
    ASSERT_EQ(counted[name].size(), 1u) << "records of " << name << warnings;
    ASSERT_TRUE(counted[name].front()->metrics.has_value()) << name << " has no counters:" << warnings;
  }
  // The FMA kernel: exactly its FFMAs, 2 FP32 FLOP each (it has no FADD or FMUL).
  const auto& fma = *counted[k_counted_kernel].front()->metrics;
  const double ffma = static_cast<double>(fma_threads) * rafter::cuda::core_chains * rafter::cuda::core_unroll * k_fma_outer;
  ASSERT_EQ(fma.raw.count(k_ffma), 1u) << "no " << k_ffma << warnings;
  EXPECT_EQ(fma.raw.at(k_ffma), ffma) << "FFMAs counted";
  ASSERT_EQ(fma.flop.count("fp32.cuda_core"), 1u);
  EXPECT_EQ(fma.flop.at("fp32.cuda_core"), 2 * ffma) << "FP32 FLOP";
  // The read: every byte passes L1 and L2 once; DRAM serves what L2 does not hold (the memset just
  // before may leave up to an L2's worth there, and dirty lines written back count too).
  const auto& read = *counted[k_read_kernel].front()->metrics;
  const double size = static_cast<double>(k_read_bytes);
  for (const auto& [level, low, high] : {std::tuple{"dram", 0.5, 1.5}, std::tuple{"l2", 0.9, 3.0}, std::tuple{"l1", 0.9, 3.0}}) {
    ASSERT_EQ(read.bytes.count(level), 1u) << "no " << level << " bytes" << warnings;
    EXPECT_GE(read.bytes.at(level), low * size) << level << " bytes of a " << k_read_bytes << "-byte read";
    EXPECT_LE(read.bytes.at(level), high * size) << level << " bytes of a " << k_read_bytes << "-byte read";
  }

  // The copy and the memset, with their sizes.
  int d2h = 0, memsets = 0;
  for (const auto& c : t.copies) {
    if (c.kind == "d2h" && c.bytes == static_cast<double>(k_bytes)) ++d2h;
    if (c.kind == "memset" && c.bytes == static_cast<double>(k_bytes)) ++memsets;
    EXPECT_GE(c.end_ns, c.start_ns);
  }
  EXPECT_EQ(d2h, 1);
  EXPECT_EQ(memsets, 1);
}

}  // namespace

#endif

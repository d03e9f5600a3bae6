// bench/analyze: how long `rafter analyze` takes on a large trace, and how much memory it needs.
// Generates a trace of N kernels (default 1,000,000) in memory, shaped like LLM decoding on two GPUs
// (GEMMs, attention, norms, elementwise, reductions, NCCL, copies; counters on a quarter of the
// GEMMs, shape estimates on the rest, a GPU annotation per layer), then times analyze, the
// rafter.analysis/1 JSON, the Markdown and the HTML, and prints the peak resident memory.
// Usage: bench_analyze [KERNELS]   Target: <= 10 s for 1M kernels on one core.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "analysis/analysis_document.hpp"
#include "analysis/analyzer.hpp"
#include "bench/bench_measure.hpp"
#include "core/machine_profile.hpp"
#include "core/trace.hpp"
#include "reports/analysis_report_html.hpp"
#include "reports/analysis_report_markdown.hpp"

namespace {

using rafter::bench::clock_type;
using rafter::bench::peak_rss_bytes;
using rafter::bench::since;

struct kernel_kind {
  const char* name;
  std::uint32_t grid;
  std::int64_t duration_ns;
  int work;  // 0 none, 1 estimate, 2 counters
};

rafter::trace make_trace(std::size_t n) {
  static const kernel_kind layer[] = {
      {"void at::native::(anonymous namespace)::vectorized_layer_norm_kernel<c10::BFloat16, float>", 64, 6'000, 0},
      {"sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x128x64_warpgroupsize1x1x1_execute_segment_k_off_kernel__5x_cublas", 132, 45'000, 1},
      {"void pytorch_flash::flash_fwd_kernel<pytorch_flash::Flash_fwd_kernel_traits<128, 64, 128, 4, false, false, cutlass::bfloat16_t>>", 96, 60'000, 0},
      {"sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x64x64_warpgroupsize1x1x1_execute_segment_k_off_kernel__5x_cublas", 66, 25'000, 2},
      {"void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<c10::BFloat16>, std::array<char*, 3ul>>", 256, 4'000, 2},
      {"void at::native::vectorized_elementwise_kernel<4, at::native::(anonymous namespace)::silu_kernel(at::TensorIteratorBase&)>", 512, 8'000, 0},
      {"void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::MeanOps<float, float, float, float>>>", 32, 5'000, 0},
      {"ncclDevKernel_AllReduce_Sum_bf16_RING_LL(ncclDevKernelArgsStorage<4096ul>)", 16, 30'000, 0},
  };
  rafter::trace t;
  t.source.tool = "bench";
  for (int d = 0; d < 2; ++d) {
    rafter::trace_device dev;
    dev.id = d;
    dev.name = "NVIDIA H100 80GB HBM3";
    t.devices.push_back(dev);
  }
  t.kernels.reserve(n);
  std::int64_t clock[2] = {0, 0};
  std::int64_t range_start[2] = {0, 0};
  std::size_t layer_index = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int device = static_cast<int>(i % 2);
    const std::size_t step = i / 2;
    const kernel_kind& kind = layer[step % 8];
    rafter::trace_kernel k;
    k.id = static_cast<std::int64_t>(i);
    k.name = kind.name;
    k.device = device;
    k.stream = 7;
    // Sequence length grows every 4096 steps: GEMM shapes change, giving several groups per kernel.
    const std::uint32_t shape = static_cast<std::uint32_t>((step / 4096) % 24);
    k.grid = rafter::dim3_value{kind.grid + shape, 1, 1};
    k.block = rafter::dim3_value{256, 1, 1};
    const std::int64_t duration = kind.duration_ns + static_cast<std::int64_t>((i * 2654435761u) % 997);
    k.start_ns = clock[device];
    k.end_ns = k.start_ns + duration;
    clock[device] = k.end_ns + 1'500 + static_cast<std::int64_t>(i % 7) * 300;
    const double flop = 2.0 * 4096 * 4096 * (16 + shape);
    if (kind.work == 1 || (kind.work == 2 && i % 4 != 0)) {
      rafter::kernel_estimate e;
      e.formula = "gemm";
      e.precision = "bf16";
      e.flop = flop;
      e.bytes = 2.0 * 4096 * 4096 + 4.0 * 4096 * (16 + shape);
      k.estimate = e;
    } else if (kind.work == 2) {
      rafter::kernel_metrics m;
      m.flop["bf16.tensor"] = flop;
      m.bytes["dram"] = 2.1 * 4096 * 4096;
      m.bytes["l2"] = 6.0 * 4096 * 4096;
      k.metrics = m;
    }
    t.kernels.push_back(std::move(k));
    if (step % 8 == 7) {  // One GPU annotation per layer per device.
      rafter::trace_range r;
      r.id = static_cast<std::int64_t>(t.ranges.size());
      r.name = "layer." + std::to_string(layer_index++ % 24);
      r.domain = "gpu_user_annotation";
      r.device = device;
      r.start_ns = range_start[device];
      r.end_ns = clock[device];
      range_start[device] = clock[device];
      t.ranges.push_back(std::move(r));
    }
    if (i % 5000 == 0) {
      rafter::trace_copy c;
      c.id = static_cast<std::int64_t>(t.copies.size());
      c.kind = "h2d";
      c.device = device;
      c.bytes = 4e6;
      c.start_ns = clock[device];
      c.end_ns = clock[device] + 200'000;
      clock[device] = c.end_ns;
      t.copies.push_back(c);
    }
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? static_cast<std::size_t>(std::strtoull(argv[1], nullptr, 10)) : 1'000'000;
  try {
    auto t0 = clock_type::now();
    const rafter::trace t = make_trace(n);
    const double generate_s = since(t0);
    const rafter::machine_profile profile = rafter::load_machine_profile(RAFTER_SOURCE_DIR "/configs/hardware/h100_sxm5.json");
    const rafter::kernel_classifier classes = rafter::kernel_classifier::load(RAFTER_SOURCE_DIR "/configs/kernel_classes.json");
    rafter::analyze_options options;
    options.trace_file = "bench";
    options.machine_file = "h100_sxm5.json";

    const auto start = clock_type::now();
    t0 = clock_type::now();
    const rafter::analysis_document a = rafter::analyze(t, profile, classes, options);
    const double analyze_s = since(t0);
    t0 = clock_type::now();
    const std::string json_text = rafter::to_json(a).dump(2);
    const double json_s = since(t0);
    t0 = clock_type::now();
    const std::string markdown = rafter::render_analysis_markdown(a);
    const double markdown_s = since(t0);
    t0 = clock_type::now();
    const std::string html = rafter::render_analysis_html(a);
    const double html_s = since(t0);
    const double total_s = since(start);

    fmt::print("bench_analyze: {} kernels, {} groups, {} ranges, {} copies on {} devices (generated in {:.2f} s, not counted)\n",
               a.totals.kernels, a.totals.groups, t.ranges.size(), t.copies.size(), a.devices.size(), generate_s);
    fmt::print("  analyze   {:7.3f} s\n  json      {:7.3f} s  ({:.2f} MB)\n  markdown  {:7.3f} s  ({:.1f} kB)\n  html      {:7.3f} s  ({:.2f} MB)\n",
               analyze_s, json_s, static_cast<double>(json_text.size()) / 1e6, markdown_s,
               static_cast<double>(markdown.size()) / 1e3, html_s, static_cast<double>(html.size()) / 1e6);
    fmt::print("  total     {:7.3f} s  (target <= 10 s on one core, goal 3 s)\n", total_s);
    fmt::print("  peak RSS  {:7.1f} MiB (including the generated trace)\n", peak_rss_bytes() / 1048576.0);
    return total_s <= 10.0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_analyze: %s\n", e.what());
    return 2;
  }
}

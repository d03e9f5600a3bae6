// rafter-llm: a Llama-style decoder (prefill, then a greedy decode loop) with random weights and
// shapes from configs/models/*.json, for tracing with `rafter trace -- rafter-llm ...`.

#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "core/units.hpp"
#include "workloads/llm/gpu_model.hpp"
#include "workloads/llm/gpu_probe.hpp"
#include "workloads/llm/logits_comparison.hpp"
#include "workloads/llm/model_config.hpp"
#include "workloads/llm/op_counts.hpp"
#include "workloads/llm/reference_check.hpp"
#include "workloads/llm/run_shape.hpp"

namespace {

using namespace rafter;
using namespace rafter::llm;

struct options {
  std::string model;
  run_shape shape;
  std::optional<int> layers;
  std::uint64_t seed = 1;
  int decode_splits = 0;
  bool check = false;
  bool counts = false;
  bool seconds = false;
};

void print_counts(const phase_counts& p) {
  fmt::print("{} operators (nominal counts; docs/metrics.md):\n", p.phase);
  fmt::print("  {:<14} {:>9} {:>14} {:>14} {:>10}\n", "operator", "launches", "FLOP", "bytes", "FLOP/byte");
  for (const op_count& o : p.ops) {
    fmt::print("  {:<14} {:>9} {:>14.6g} {:>14.6g} {:>10.3g}\n", o.op, o.launches, o.flop, o.bytes,
               o.bytes > 0.0 ? o.flop / o.bytes : 0.0);
  }
}

void print_phase(const char* name, double seconds, double tokens, const phase_counts& counts) {
  fmt::print("{}: {} ({} tokens, {}), {}, {} nominal, {} nominal\n", name, format_seconds(seconds),
             static_cast<long long>(tokens), format_si(tokens / seconds, "tok/s"), format_si(counts.flop(), "FLOP"),
             format_flops(counts.flop() / seconds), format_bandwidth(counts.bytes() / seconds));
}

exit_code run(const options& opt) {
  model_config config = load_model_config(opt.model);
  if (opt.layers) config = with_layers(config, *opt.layers);
  validate_run_shape(config, opt.shape);
  if (opt.check && config.layers > max_checked_layers) {
    throw usage_error(fmt::format("--check: {} has {} layers; the comparison with the CPU reference holds for at most {} "
                                  "(rounding differences grow with depth): add --layers {}",
                                  config.name, config.layers, max_checked_layers, max_checked_layers));
  }
  const run_shape& shape = opt.shape;

  const gpu_probe gpu = probe_gpu();
  if (!gpu.available) throw unsupported_error(gpu.reason);
  const std::size_t needed = gpu_model::required_bytes(config, shape, opt.check);
  if (needed > gpu.free_bytes) {
    throw unsupported_error(config.name + " with " + std::to_string(config.layers) + " layers needs " +
                            format_si(static_cast<double>(needed), "B") + " of GPU memory, " + gpu.name + " has " +
                            format_si(static_cast<double>(gpu.free_bytes), "B") +
                            " free; use --layers or a smaller "
                            "--batch/--prompt-len");
  }
  fmt::print("model: {} (tensor-parallel slice 1 of {}), {} of its layers, {} parameters on this GPU\n", config.name,
             config.tensor_parallel, config.layers, format_si(static_cast<double>(config.parameters()), ""));
  fmt::print("run: batch {}, prompt {} tokens, {} decode steps, seed {}\n", shape.batch, shape.prompt_len,
             shape.decode_steps, opt.seed);
  fmt::print("gpu: {} (sm_{}{}, {} SMs), {} allocated\n", gpu.name, gpu.cc_major, gpu.cc_minor, gpu.sm_count,
             format_si(static_cast<double>(needed), "B"));
  std::fflush(stdout);

  gpu_run_options run_options;
  run_options.seed = opt.seed;
  run_options.decode_splits = opt.decode_splits;
  run_options.keep_logits = opt.check;
  gpu_model model(config, shape, run_options, gpu.sm_count);
  const gpu_run_result result = model.run();

  const phase_counts prefill = prefill_counts(config, shape);
  const phase_counts decode = decode_counts(config, shape);
  print_phase("prefill", result.prefill_s, static_cast<double>(shape.prefill_tokens()), prefill);
  if (shape.decode_steps > 0) {
    print_phase("decode", result.decode_s, static_cast<double>(shape.batch) * shape.decode_steps, decode);
    fmt::print("decode: {} per step\n", format_seconds(result.decode_s / shape.decode_steps));
  }
  if (opt.seconds) {
    // For scripts (bench/collector_overhead.sh): the phase times of the CUDA events, unrounded.
    fmt::print("seconds: prefill {:.9e} decode {:.9e}\n", result.prefill_s, result.decode_s);
  }
  if (opt.counts) {
    print_counts(prefill);
    print_counts(decode);
  }
  if (!opt.check) return exit_code::ok;

  std::fflush(stdout);
  fmt::print(stderr, "check: replaying {} passes on the CPU reference...\n", shape.decode_steps + 1);
  const reference_check check = check_against_reference(config, shape, opt.seed, result.logits, result.tokens);
  for (const step_check& s : check.passes) {
    fmt::print("check pass {}: max |err| {:.3g} (logit scale {:.3g}), relative L2 {:.3g}, tokens {}: {}\n", s.pass,
               s.logits.max_abs_error, s.logits.reference_max_abs, s.logits.relative_l2,
               s.tokens_ok ? "consistent" : "NOT an argmax of the reference", s.passed ? "ok" : "FAILED");
  }
  if (check.passes.size() < static_cast<std::size_t>(shape.decode_steps) + 1) {
    fmt::print("check: the GPU produced an out-of-range token; replay stopped\n");
  }
  fmt::print("check: {}\n", check.passed ? "GPU matches the CPU reference" : "GPU DIFFERS from the CPU reference");
  return check.passed ? exit_code::ok : exit_code::check_failed;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "rafter-llm: a Llama-style decoder on the GPU (cuBLASLt BF16 GEMMs, RMSNorm, RoPE, causal prefill "
      "attention, split-KV decode attention over a KV cache, SwiGLU MLP) with random weights. Runs a "
      "prefill of the prompt, then a greedy decode loop, with NVTX ranges per phase, layer and operator."};
  app.footer(
      "Exit codes: 0 ok; 1 --check found a mismatch; 2 usage or input error; 3 no usable GPU or not "
      "enough GPU memory.");
  options opt;
  app.add_option("--model", opt.model, "Model shape, a rafter.model/1 file (configs/models/*.json)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--batch", opt.shape.batch, "Sequences decoded together")->capture_default_str();
  app.add_option("--prompt-len", opt.shape.prompt_len, "Prompt tokens per sequence (prefill)")->capture_default_str();
  app.add_option("--decode-steps", opt.shape.decode_steps, "Decode steps after the prefill")->capture_default_str();
  app.add_option("--layers", opt.layers, "Run only the first N layers (default: all)");
  app.add_option("--seed", opt.seed, "Seed of the weights and the prompt")->capture_default_str();
  app.add_option("--decode-splits", opt.decode_splits, "Split-KV ranges of decode attention (0: automatic)")
      ->capture_default_str();
  app.add_flag("--check", opt.check,
               "Compare every pass's logits with the CPU reference (at most 8 layers: use --layers; slow for large models)");
  app.add_flag("--counts", opt.counts, "Print each operator's nominal FLOP and byte counts");
  app.add_flag("--seconds", opt.seconds,
               "Also print the phase times unrounded, for scripts: 'seconds: prefill P decode D' (seconds)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : static_cast<int>(exit_code::usage);
  }
  try {
    return static_cast<int>(run(opt));
  } catch (const rafter::error& e) {
    std::fflush(stdout);
    fmt::print(stderr, "rafter-llm: error: {}\n", e.what());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::fflush(stdout);
    fmt::print(stderr, "rafter-llm: internal error: {}\n", e.what());
    return static_cast<int>(exit_code::check_failed);
  }
}

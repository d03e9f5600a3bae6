// Numerics of the GPU decoder against the CPU reference (label `gpu`). Without a usable GPU the
// executable prints why and exits 77, which ctest reports as skipped.

#include "workloads/llm/gpu_model.hpp"

#include <cstdio>
#include <filesystem>

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include "core/config_paths.hpp"
#include "test_models.hpp"
#include "workloads/llm/gpu_probe.hpp"
#include "workloads/llm/model_config.hpp"
#include "workloads/llm/reference_check.hpp"

namespace {

using namespace rafter::llm;

int g_sm_count = 0;

gpu_run_result run_checked(const model_config& c, const run_shape& s, std::uint64_t seed, int splits = 0) {
  gpu_run_options o;
  o.seed = seed;
  o.keep_logits = true;
  o.decode_splits = splits;
  gpu_model model(c, s, o, g_sm_count);
  return model.run();
}

void expect_matches_reference(const model_config& c, const run_shape& s, std::uint64_t seed, int splits = 0) {
  const gpu_run_result r = run_checked(c, s, seed, splits);
  ASSERT_EQ(r.logits.size(), static_cast<std::size_t>(s.decode_steps + 1) * s.batch * c.vocab_size);
  const reference_check check = check_against_reference(c, s, seed, r.logits, r.tokens);
  for (const step_check& p : check.passes) {
    EXPECT_TRUE(p.passed) << "pass " << p.pass << ": max |err| " << p.logits.max_abs_error << " at "
                          << p.logits.worst_index << " (scale " << p.logits.reference_max_abs << "), relative L2 "
                          << p.logits.relative_l2 << ", tokens " << (p.tokens_ok ? "ok" : "not an argmax");
  }
  EXPECT_EQ(check.passes.size(), static_cast<std::size_t>(s.decode_steps) + 1)
      << "an out-of-range token stopped the replay";
  EXPECT_TRUE(check.passed);
}

TEST(gpu_model, tiny_config_matches_the_cpu_reference) {
  // 45 prompt tokens: three query tiles and two key tiles per sequence; GQA; QKV bias.
  // configs/ as rafter finds it ($RAFTER_CONFIG_DIR, a bundle's ../configs), else the source tree's.
  const std::filesystem::path configs =
      rafter::find_config_dir().value_or(std::filesystem::path(RAFTER_SOURCE_DIR) / "configs");
  const model_config c = load_model_config(configs / "models" / "tiny-test.json");
  expect_matches_reference(c, run_shape{2, 45, 6}, 1);
}

TEST(gpu_model, head_dims_64_and_128_with_split_kv_decode) {
  for (int d : {64, 128}) {
    SCOPED_TRACE(testing::Message() << "head_dim " << d);
    model_config c = test_models::tiny_model(d);
    c.max_positions = 256;
    // Context grows from 71 to 110 keys: 3 tiles split 3 ways (the last split shorter), then 4
    // tiles asked for 3 splits, planned as 2 splits of 2 tiles (warps with no keys).
    expect_matches_reference(c, run_shape{1, 70, 40}, 2, 3);
  }
}

TEST(gpu_model, tied_embeddings_no_bias_single_token_prompt) {
  model_config c = test_models::tiny_model(32);
  c.tie_word_embeddings = true;
  c.attention_bias = false;
  expect_matches_reference(c, run_shape{3, 1, 4}, 3);
}

TEST(gpu_model, runs_are_deterministic_and_split_count_does_not_change_tokens) {
  model_config c = test_models::tiny_model(64);
  const run_shape s{2, 33, 8};
  const gpu_run_result a = run_checked(c, s, 5, 1);
  const gpu_run_result b = run_checked(c, s, 5, 1);
  EXPECT_EQ(a.logits, b.logits);
  EXPECT_EQ(a.tokens, b.tokens);
  const gpu_run_result split = run_checked(c, s, 5, 2);
  const reference_check check = check_against_reference(c, s, 5, split.logits, split.tokens);
  EXPECT_TRUE(check.passed);
}

}  // namespace

int main(int argc, char** argv) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess || count == 0) {
    std::printf("SKIPPED: no CUDA GPU (cudaGetDeviceCount: %s)\n",
                status != cudaSuccess ? cudaGetErrorName(status) : "0 devices");
    return 77;
  }
  const gpu_probe gpu = probe_gpu();
  if (!gpu.available) {
    std::printf("SKIPPED: %s\n", gpu.reason.c_str());
    return 77;
  }
  g_sm_count = gpu.sm_count;
  std::printf("running on %s (sm_%d%d)\n", gpu.name.c_str(), gpu.cc_major, gpu.cc_minor);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

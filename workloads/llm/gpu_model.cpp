#include "workloads/llm/gpu_model.hpp"

#include <cmath>
#include <string>

#include <cuda_bf16.h>
#include <cuda_runtime_api.h>
#include <nvtx3/nvtx3.hpp>

#include "microbench/cuda/cuda_call.hpp"
#include "workloads/llm/cublaslt_gemm.hpp"
#include "workloads/llm/decode_split.hpp"
#include "workloads/llm/device_buffer.hpp"
#include "workloads/llm/kernels/attention_kernels.hpp"
#include "workloads/llm/kernels/elementwise_kernels.hpp"
#include "workloads/llm/kernels/norm_kernels.hpp"
#include "workloads/llm/kernels/rope_kernels.hpp"
#include "workloads/llm/op_names.hpp"
#include "workloads/llm/prompt_tokens.hpp"
#include "workloads/llm/rope_table.hpp"
#include "workloads/llm/weight_streams.hpp"

namespace rafter::llm {

namespace {

using bf16 = __nv_bfloat16;

constexpr std::size_t gemm_workspace_bytes = std::size_t{32} << 20;
/// What required_bytes does not count one by one: tokens, prompt and RoPE table (kilobytes) and
/// cuBLASLt's own allocations.
constexpr std::size_t runtime_margin_bytes = std::size_t{64} << 20;

std::size_t elems(long long a, long long b = 1, long long c = 1) {
  return static_cast<std::size_t>(a * b * c);
}

struct layer_weights {
  device_buffer attn_norm, qkv, qkv_bias, o_proj, mlp_norm, gate_up, down;
};

/// Element counts of the activation buffers, sized for the prefill pass (the widest).
struct activation_sizes {
  std::size_t x, normed, qkv, attn, gate_up, act;
  activation_sizes(const model_config& c, const run_shape& s) {
    const auto t = static_cast<long long>(s.prefill_tokens());
    x = elems(t, c.hidden_size);
    normed = x;
    qkv = elems(t, c.qkv_dim());
    attn = elems(t, c.q_dim());
    gate_up = elems(t, 2LL * c.intermediate_size);
    act = elems(t, c.intermediate_size);
  }
  [[nodiscard]] std::size_t total() const { return x + normed + qkv + attn + gate_up + act; }
};

std::size_t kv_cache_elems(const model_config& c, const run_shape& s) {
  return elems(s.batch, c.kv_dim(), s.max_sequence());
}

std::size_t logits_elems(const model_config& c, const run_shape& s, bool keep) {
  return elems(keep ? s.decode_steps + 1 : 1, s.batch, c.vocab_size);
}

}  // namespace

struct gpu_model::state {
  model_config config;
  run_shape shape;
  gpu_run_options options;
  int sm_count = 0;
  cudaStream_t stream = nullptr;
  cudaEvent_t start = nullptr, after_prefill = nullptr, after_decode = nullptr;
  cublaslt_gemm gemm{gemm_workspace_bytes};

  device_buffer embedding, final_norm, lm_head;  // lm_head empty when tied
  std::vector<layer_weights> layers;
  std::vector<device_buffer> k_cache, v_cache;  // per layer, [batch][kv_heads][max_seq][head_dim]
  device_buffer x, normed, qkv, attn, gate_up, act, final_normed;
  device_buffer logits, prompt, tokens, inv_freq, partial_o, partial_ml;
  std::vector<std::string> layer_names;

  ~state() {
    if (after_decode != nullptr) cudaEventDestroy(after_decode);
    if (after_prefill != nullptr) cudaEventDestroy(after_prefill);
    if (start != nullptr) cudaEventDestroy(start);
    if (stream != nullptr) cudaStreamDestroy(stream);
  }

  [[nodiscard]] const bf16* lm_head_weights() const {
    return config.tie_word_embeddings ? embedding.as<bf16>() : lm_head.as<bf16>();
  }

  device_buffer random_tensor(tensor_kind kind, int layer, std::size_t n) {
    device_buffer b(n * sizeof(bf16));
    RAFTER_CUDA_CALL(launch_random_fill(b.as<bf16>(), n, weight_stream(options.seed, config, kind, layer), stream));
    return b;
  }

  [[nodiscard]] gemm_shape qkv_shape(int rows) const {
    return {rows, config.qkv_dim(), config.hidden_size, false, config.attention_bias, false};
  }
  [[nodiscard]] gemm_shape o_shape(int rows) const {
    return {rows, config.hidden_size, config.q_dim(), true, false, false};
  }
  [[nodiscard]] gemm_shape gate_up_shape(int rows) const {
    return {rows, 2 * config.intermediate_size, config.hidden_size, false, false, false};
  }
  [[nodiscard]] gemm_shape down_shape(int rows) const {
    return {rows, config.hidden_size, config.intermediate_size, true, false, false};
  }
  [[nodiscard]] gemm_shape lm_head_shape() const {
    return {shape.batch, config.vocab_size, config.hidden_size, false, false, true};
  }

  /// One pass: every sequence appends `new_tokens` tokens (ids at `token_ids`, sequence-major) at
  /// positions [start_pos, start_pos + new_tokens); writes the last position's logits to
  /// `logits_out` and the greedy tokens to `next_tokens`.
  void forward(int new_tokens, int start_pos, const int* token_ids, float* logits_out, int* next_tokens) {
    const model_config& c = config;
    const int rows = shape.batch * new_tokens;
    const bool decoding = start_pos > 0 && new_tokens == 1;
    const auto eps = static_cast<float>(c.rms_norm_eps);
    {
      nvtx3::scoped_range r{op::embedding};
      RAFTER_CUDA_CALL(launch_embedding(token_ids, embedding.as<bf16>(), x.as<bf16>(), rows, c.hidden_size, stream));
    }
    for (int l = 0; l < c.layers; ++l) {
      nvtx3::scoped_range layer_range{layer_names[static_cast<std::size_t>(l)].c_str()};
      const layer_weights& w = layers[static_cast<std::size_t>(l)];
      {
        nvtx3::scoped_range r{op::attn_norm};
        RAFTER_CUDA_CALL(launch_rmsnorm(x.as<bf16>(), c.hidden_size, w.attn_norm.as<bf16>(), normed.as<bf16>(), rows,
                                        c.hidden_size, eps, stream));
      }
      {
        nvtx3::scoped_range r{op::qkv_proj};
        gemm.run(qkv_shape(rows), normed.as<bf16>(), w.qkv.as<bf16>(), w.qkv_bias.as<bf16>(), qkv.as<bf16>(), stream);
      }
      {
        nvtx3::scoped_range r{op::rope};
        rope_kv_params p;
        p.qkv = qkv.as<bf16>();
        p.k_cache = k_cache[static_cast<std::size_t>(l)].as<bf16>();
        p.v_cache = v_cache[static_cast<std::size_t>(l)].as<bf16>();
        p.inv_freq = inv_freq.as<float>();
        p.rows = rows;
        p.new_tokens = new_tokens;
        p.start_pos = start_pos;
        p.heads = c.heads;
        p.kv_heads = c.kv_heads;
        p.head_dim = c.head_dim;
        p.max_seq = shape.max_sequence();
        RAFTER_CUDA_CALL(launch_rope_kv_write(p, stream));
      }
      {
        nvtx3::scoped_range r{op::attention};
        attention_params p;
        p.q = qkv.as<bf16>();
        p.q_row_stride = c.qkv_dim();
        p.k_cache = k_cache[static_cast<std::size_t>(l)].as<bf16>();
        p.v_cache = v_cache[static_cast<std::size_t>(l)].as<bf16>();
        p.out = attn.as<bf16>();
        p.out_row_stride = c.q_dim();
        p.batch = shape.batch;
        p.heads = c.heads;
        p.kv_heads = c.kv_heads;
        p.head_dim = c.head_dim;
        p.max_seq = shape.max_sequence();
        p.new_tokens = new_tokens;
        p.start_pos = start_pos;
        p.scale = 1.0f / std::sqrt(static_cast<float>(c.head_dim));
        if (decoding) {
          const decode_split split =
              plan_decode_split(shape.batch, c.heads, start_pos + 1, sm_count, options.decode_splits);
          RAFTER_CUDA_CALL(launch_decode_attention(p, split.splits, split.keys_per_split, partial_o.as<float>(),
                                                   partial_ml.as<float>(), stream));
        } else {
          RAFTER_CUDA_CALL(launch_prefill_attention(p, stream));
        }
      }
      {
        nvtx3::scoped_range r{op::o_proj};
        gemm.run(o_shape(rows), attn.as<bf16>(), w.o_proj.as<bf16>(), nullptr, x.as<bf16>(), stream);
      }
      {
        nvtx3::scoped_range r{op::mlp_norm};
        RAFTER_CUDA_CALL(launch_rmsnorm(x.as<bf16>(), c.hidden_size, w.mlp_norm.as<bf16>(), normed.as<bf16>(), rows,
                                        c.hidden_size, eps, stream));
      }
      {
        nvtx3::scoped_range r{op::gate_up_proj};
        gemm.run(gate_up_shape(rows), normed.as<bf16>(), w.gate_up.as<bf16>(), nullptr, gate_up.as<bf16>(), stream);
      }
      {
        nvtx3::scoped_range r{op::swiglu};
        RAFTER_CUDA_CALL(launch_swiglu(gate_up.as<bf16>(), act.as<bf16>(), rows, c.intermediate_size, stream));
      }
      {
        nvtx3::scoped_range r{op::down_proj};
        gemm.run(down_shape(rows), act.as<bf16>(), w.down.as<bf16>(), nullptr, x.as<bf16>(), stream);
      }
    }
    {
      // The last new position of each sequence: rows new_tokens - 1, 2 * new_tokens - 1, ...
      nvtx3::scoped_range r{op::final_norm};
      RAFTER_CUDA_CALL(launch_rmsnorm(x.as<bf16>() + static_cast<long long>(new_tokens - 1) * c.hidden_size,
                                      static_cast<long long>(new_tokens) * c.hidden_size, final_norm.as<bf16>(),
                                      final_normed.as<bf16>(), shape.batch, c.hidden_size, eps, stream));
    }
    {
      nvtx3::scoped_range r{op::lm_head};
      gemm.run(lm_head_shape(), final_normed.as<bf16>(), lm_head_weights(), nullptr, logits_out, stream);
    }
    {
      nvtx3::scoped_range r{op::argmax};
      RAFTER_CUDA_CALL(launch_argmax(logits_out, shape.batch, c.vocab_size, next_tokens, stream));
    }
  }
};

std::size_t gpu_model::required_bytes(const model_config& c, const run_shape& s, bool keep_logits) {
  const activation_sizes a(c, s);
  return static_cast<std::size_t>(c.parameters()) * sizeof(bf16) +
         2 * static_cast<std::size_t>(c.layers) * kv_cache_elems(c, s) * sizeof(bf16) +
         (a.total() + elems(s.batch, c.hidden_size)) * sizeof(bf16) + logits_elems(c, s, keep_logits) * sizeof(float) +
         elems(s.batch, c.heads, max_decode_splits) * (static_cast<std::size_t>(c.head_dim) + 2) * sizeof(float) +
         gemm_workspace_bytes + runtime_margin_bytes;
}

gpu_model::gpu_model(const model_config& config, const run_shape& shape, const gpu_run_options& options, int sm_count)
    : m(std::make_unique<state>()) {
  state& s = *m;
  s.config = config;
  s.shape = shape;
  s.options = options;
  s.sm_count = sm_count;
  const model_config& c = s.config;
  RAFTER_CUDA_CALL(cudaStreamCreateWithFlags(&s.stream, cudaStreamNonBlocking));
  RAFTER_CUDA_CALL(cudaEventCreate(&s.start));
  RAFTER_CUDA_CALL(cudaEventCreate(&s.after_prefill));
  RAFTER_CUDA_CALL(cudaEventCreate(&s.after_decode));

  const auto h = static_cast<long long>(c.hidden_size);
  s.embedding = s.random_tensor(tensor_kind::embedding, 0, elems(c.vocab_size, h));
  s.final_norm = s.random_tensor(tensor_kind::final_norm, 0, elems(h));
  if (!c.tie_word_embeddings) s.lm_head = s.random_tensor(tensor_kind::lm_head, 0, elems(c.vocab_size, h));
  s.layers.resize(static_cast<std::size_t>(c.layers));
  for (int l = 0; l < c.layers; ++l) {
    layer_weights& w = s.layers[static_cast<std::size_t>(l)];
    w.attn_norm = s.random_tensor(tensor_kind::attn_norm, l, elems(h));
    w.qkv = s.random_tensor(tensor_kind::qkv, l, elems(c.qkv_dim(), h));
    if (c.attention_bias) w.qkv_bias = s.random_tensor(tensor_kind::qkv_bias, l, elems(c.qkv_dim()));
    w.o_proj = s.random_tensor(tensor_kind::o_proj, l, elems(h, c.q_dim()));
    w.mlp_norm = s.random_tensor(tensor_kind::mlp_norm, l, elems(h));
    w.gate_up = s.random_tensor(tensor_kind::gate_up, l, elems(2LL * c.intermediate_size, h));
    w.down = s.random_tensor(tensor_kind::down, l, elems(h, c.intermediate_size));
    s.k_cache.emplace_back(kv_cache_elems(c, shape) * sizeof(bf16));
    s.v_cache.emplace_back(kv_cache_elems(c, shape) * sizeof(bf16));
    s.layer_names.push_back("layer " + std::to_string(l));
  }
  // Unwritten cache positions are never read; zeroing keeps a bug from reading stale memory silently.
  for (std::size_t l = 0; l < s.k_cache.size(); ++l) {
    RAFTER_CUDA_CALL(cudaMemsetAsync(s.k_cache[l].as<void>(), 0, s.k_cache[l].bytes(), s.stream));
    RAFTER_CUDA_CALL(cudaMemsetAsync(s.v_cache[l].as<void>(), 0, s.v_cache[l].bytes(), s.stream));
  }

  const activation_sizes a(c, shape);
  s.x = device_buffer(a.x * sizeof(bf16));
  s.normed = device_buffer(a.normed * sizeof(bf16));
  s.qkv = device_buffer(a.qkv * sizeof(bf16));
  s.attn = device_buffer(a.attn * sizeof(bf16));
  s.gate_up = device_buffer(a.gate_up * sizeof(bf16));
  s.act = device_buffer(a.act * sizeof(bf16));
  s.final_normed = device_buffer(elems(shape.batch, h) * sizeof(bf16));
  s.logits = device_buffer(logits_elems(c, shape, options.keep_logits) * sizeof(float));
  s.tokens = device_buffer(elems(shape.decode_steps + 1, shape.batch) * sizeof(int));
  s.partial_o = device_buffer(elems(shape.batch, c.heads, max_decode_splits) * static_cast<std::size_t>(c.head_dim) *
                              sizeof(float));
  s.partial_ml = device_buffer(elems(shape.batch, c.heads, max_decode_splits) * 2 * sizeof(float));

  const std::vector<int> prompt = prompt_tokens(c, shape, options.seed);
  s.prompt = device_buffer(prompt.size() * sizeof(int));
  RAFTER_CUDA_CALL(
      cudaMemcpyAsync(s.prompt.as<void>(), prompt.data(), s.prompt.bytes(), cudaMemcpyHostToDevice, s.stream));
  const std::vector<float> inv = rope_inverse_frequencies(c.head_dim, c.rope_theta);
  s.inv_freq = device_buffer(inv.size() * sizeof(float));
  RAFTER_CUDA_CALL(
      cudaMemcpyAsync(s.inv_freq.as<void>(), inv.data(), s.inv_freq.bytes(), cudaMemcpyHostToDevice, s.stream));

  const int prefill_rows = static_cast<int>(shape.prefill_tokens());
  for (const int rows : {prefill_rows, shape.batch}) {
    s.gemm.prepare(s.qkv_shape(rows));
    s.gemm.prepare(s.o_shape(rows));
    s.gemm.prepare(s.gate_up_shape(rows));
    s.gemm.prepare(s.down_shape(rows));
  }
  s.gemm.prepare(s.lm_head_shape());
  RAFTER_CUDA_CALL(cudaStreamSynchronize(s.stream));
}

gpu_model::~gpu_model() = default;

gpu_run_result gpu_model::run() {
  state& s = *m;
  const auto pass_logits = [&](int pass) {
    const std::size_t offset = s.options.keep_logits ? elems(pass, s.shape.batch, s.config.vocab_size) : 0;
    return s.logits.as<float>() + offset;
  };
  const auto pass_tokens = [&](int pass) { return s.tokens.as<int>() + elems(pass, s.shape.batch); };

  RAFTER_CUDA_CALL(cudaEventRecord(s.start, s.stream));
  {
    nvtx3::scoped_range r{phase::prefill};
    s.forward(s.shape.prompt_len, 0, s.prompt.as<int>(), pass_logits(0), pass_tokens(0));
  }
  RAFTER_CUDA_CALL(cudaEventRecord(s.after_prefill, s.stream));
  {
    nvtx3::scoped_range r{phase::decode};
    for (int step = 0; step < s.shape.decode_steps; ++step) {
      nvtx3::scoped_range step_range{phase::decode_step};
      s.forward(1, s.shape.prompt_len + step, pass_tokens(step), pass_logits(step + 1), pass_tokens(step + 1));
    }
  }
  RAFTER_CUDA_CALL(cudaEventRecord(s.after_decode, s.stream));
  RAFTER_CUDA_CALL(cudaEventSynchronize(s.after_decode));

  gpu_run_result result;
  float ms = 0.0f;
  RAFTER_CUDA_CALL(cudaEventElapsedTime(&ms, s.start, s.after_prefill));
  result.prefill_s = static_cast<double>(ms) * 1e-3;
  RAFTER_CUDA_CALL(cudaEventElapsedTime(&ms, s.after_prefill, s.after_decode));
  result.decode_s = static_cast<double>(ms) * 1e-3;
  result.tokens.resize(elems(s.shape.decode_steps + 1, s.shape.batch));
  RAFTER_CUDA_CALL(cudaMemcpy(result.tokens.data(), s.tokens.as<void>(), result.tokens.size() * sizeof(int),
                              cudaMemcpyDeviceToHost));
  if (s.options.keep_logits) {
    result.logits.resize(s.logits.bytes() / sizeof(float));
    RAFTER_CUDA_CALL(cudaMemcpy(result.logits.data(), s.logits.as<void>(), s.logits.bytes(), cudaMemcpyDeviceToHost));
  }
  return result;
}

}  // namespace rafter::llm

#include "workloads/llm/op_counts.hpp"

#include "workloads/llm/op_names.hpp"

namespace rafter::llm {

namespace {

constexpr double bf16_bytes = 2.0;
constexpr double f32_bytes = 4.0;
constexpr double token_bytes = 4.0;

/// FLOP charged per element of the element-wise operators.
constexpr double rmsnorm_flop_per_element = 4.0;  // square, add, scale, gain
constexpr double rope_flop_per_pair = 6.0;        // 4 multiplies, 2 adds
constexpr double swiglu_flop_per_element = 4.0;   // exp, add, divide (silu), multiply by up

/// y[m][n] = x[m][k] . w[n][k]^T (+ y when accumulating into the residual, + bias).
op_count gemm(const char* name, long long launches, double m, double n, double k, bool accumulate, bool bias,
              double out_bytes) {
  op_count c{name, launches, 2.0 * m * n * k, (n * k + m * k) * bf16_bytes + m * n * out_bytes};
  if (accumulate) {
    c.flop += m * n;
    c.bytes += m * n * out_bytes;
  }
  if (bias) {
    c.flop += m * n;
    c.bytes += n * bf16_bytes;
  }
  return c;
}

op_count rmsnorm(const char* name, long long launches, double rows, double cols) {
  return {name, launches, rmsnorm_flop_per_element * rows * cols, (2.0 * rows * cols + cols) * bf16_bytes};
}

void add_into(phase_counts& total, const phase_counts& pass) {
  if (total.ops.empty()) {
    total.ops = pass.ops;
    return;
  }
  for (std::size_t i = 0; i < pass.ops.size(); ++i) {
    total.ops[i].launches += pass.ops[i].launches;
    total.ops[i].flop += pass.ops[i].flop;
    total.ops[i].bytes += pass.ops[i].bytes;
  }
}

}  // namespace

double phase_counts::flop() const {
  double sum = 0.0;
  for (const auto& o : ops) sum += o.flop;
  return sum;
}

double phase_counts::bytes() const {
  double sum = 0.0;
  for (const auto& o : ops) sum += o.bytes;
  return sum;
}

phase_counts forward_pass_counts(const model_config& c, int sequences, int new_tokens, int start_pos) {
  const long long layers = c.layers;
  const double b = sequences;
  const double t = b * new_tokens;  // token rows
  const double h = c.hidden_size;
  const double inter = c.intermediate_size;
  const double d = c.head_dim;
  const double q_dim = c.q_dim();
  const double kv_dim = c.kv_dim();
  const double l = static_cast<double>(layers);
  // Query-key pairs one head scores in one sequence: query s sees start_pos + s + 1 keys.
  const double n = new_tokens;
  const double pairs = n * start_pos + n * (n + 1.0) / 2.0;
  const double context = static_cast<double>(start_pos) + new_tokens;

  phase_counts p;
  p.ops.push_back({op::embedding, 1, 0.0, t * token_bytes + 2.0 * t * h * bf16_bytes});

  auto per_layer = [&](op_count o) {
    o.flop *= l;
    o.bytes *= l;
    p.ops.push_back(o);
  };
  per_layer(rmsnorm(op::attn_norm, layers, t, h));
  per_layer(gemm(op::qkv_proj, layers, t, c.qkv_dim(), h, false, c.attention_bias, bf16_bytes));
  per_layer({op::rope, layers, rope_flop_per_pair * t * (c.heads + c.kv_heads) * d / 2.0,
             // read Q, K, V; write Q back and K, V into the cache
             (t * c.qkv_dim() + t * q_dim + 2.0 * t * kv_dim) * bf16_bytes});
  per_layer({op::attention, layers, 4.0 * d * pairs * c.heads * b,
             // read Q, the cached K and V of the whole context, write the output
             (2.0 * t * q_dim + 2.0 * b * context * kv_dim) * bf16_bytes});
  per_layer(gemm(op::o_proj, layers, t, h, q_dim, true, false, bf16_bytes));
  per_layer(rmsnorm(op::mlp_norm, layers, t, h));
  per_layer(gemm(op::gate_up_proj, layers, t, 2.0 * inter, h, false, false, bf16_bytes));
  per_layer({op::swiglu, layers, swiglu_flop_per_element * t * inter, 3.0 * t * inter * bf16_bytes});
  per_layer(gemm(op::down_proj, layers, t, h, inter, true, false, bf16_bytes));

  p.ops.push_back(rmsnorm(op::final_norm, 1, b, h));
  p.ops.push_back(gemm(op::lm_head, 1, b, c.vocab_size, h, false, false, f32_bytes));
  p.ops.push_back({op::argmax, 1, 0.0, b * c.vocab_size * f32_bytes + b * token_bytes});
  return p;
}

phase_counts prefill_counts(const model_config& config, const run_shape& shape) {
  phase_counts p = forward_pass_counts(config, shape.batch, shape.prompt_len, 0);
  p.phase = "prefill";
  return p;
}

phase_counts decode_counts(const model_config& config, const run_shape& shape) {
  phase_counts total;
  total.phase = "decode";
  for (int step = 0; step < shape.decode_steps; ++step) {
    add_into(total, forward_pass_counts(config, shape.batch, 1, shape.prompt_len + step));
  }
  if (total.ops.empty()) {
    total.ops = forward_pass_counts(config, shape.batch, 1, shape.prompt_len).ops;
    for (auto& o : total.ops) o = op_count{o.op, 0, 0.0, 0.0};
  }
  return total;
}

}  // namespace rafter::llm

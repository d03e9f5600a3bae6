#include "workloads/llm/cpu_reference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "workloads/llm/bf16_round.hpp"
#include "workloads/llm/random_weights.hpp"
#include "workloads/llm/rope_table.hpp"
#include "workloads/llm/weight_streams.hpp"

namespace rafter::llm {

namespace {

std::size_t idx(std::int64_t row, std::int64_t cols, std::int64_t col) {
  return static_cast<std::size_t>(row * cols + col);
}

}  // namespace

cpu_reference::cpu_reference(model_config config, std::uint64_t seed, int batch, int max_sequence,
                             bool bf16_activations)
    : m_config(std::move(config)),
      m_seed(seed),
      m_batch(batch),
      m_max_sequence(max_sequence),
      m_bf16(bf16_activations),
      m_inv_freq(rope_inverse_frequencies(m_config.head_dim, m_config.rope_theta)) {
  const std::size_t cache = static_cast<std::size_t>(m_config.layers) * static_cast<std::size_t>(batch) *
                            static_cast<std::size_t>(m_config.kv_dim()) * static_cast<std::size_t>(max_sequence);
  m_k_cache.assign(cache, 0.0f);
  m_v_cache.assign(cache, 0.0f);
}

float cpu_reference::round(float x) const {
  return m_bf16 ? round_to_bf16(x) : x;
}

std::size_t cpu_reference::cache_index(int layer, int b, int kv_head, int pos) const {
  const std::int64_t seq = ((static_cast<std::int64_t>(layer) * m_batch + b) * m_config.kv_heads + kv_head);
  return static_cast<std::size_t>((seq * m_max_sequence + pos) * m_config.head_dim);
}

void cpu_reference::linear(std::span<const float> in, int rows, int in_features, int out_features, int tensor,
                           int layer, std::vector<float>& out) const {
  const random_stream s = weight_stream(m_seed, m_config, static_cast<tensor_kind>(tensor), layer);
  out.assign(static_cast<std::size_t>(rows) * static_cast<std::size_t>(out_features), 0.0f);
  std::vector<float> w(static_cast<std::size_t>(in_features));
  for (int n = 0; n < out_features; ++n) {
    for (int k = 0; k < in_features; ++k) {
      w[static_cast<std::size_t>(k)] = random_value(s, idx(n, in_features, k));
    }
    for (int t = 0; t < rows; ++t) {
      const float* x = in.data() + idx(t, in_features, 0);
      float acc = 0.0f;
      for (int k = 0; k < in_features; ++k) acc += x[k] * w[static_cast<std::size_t>(k)];
      out[idx(t, out_features, n)] = acc;
    }
  }
}

void cpu_reference::rmsnorm(std::span<const float> in, int rows, int tensor, int layer, std::vector<float>& out) const {
  const int h = m_config.hidden_size;
  const random_stream s = weight_stream(m_seed, m_config, static_cast<tensor_kind>(tensor), layer);
  out.assign(static_cast<std::size_t>(rows) * static_cast<std::size_t>(h), 0.0f);
  for (int t = 0; t < rows; ++t) {
    const float* x = in.data() + idx(t, h, 0);
    float sum_sq = 0.0f;
    for (int i = 0; i < h; ++i) sum_sq += x[i] * x[i];
    const float inv = 1.0f / std::sqrt(sum_sq / static_cast<float>(h) + static_cast<float>(m_config.rms_norm_eps));
    for (int i = 0; i < h; ++i) out[idx(t, h, i)] = round(x[i] * inv * random_value(s, static_cast<std::uint64_t>(i)));
  }
}

std::vector<float> cpu_reference::forward(std::span<const int> tokens, int new_tokens, bool all_positions) {
  const model_config& c = m_config;
  if (new_tokens < 1 || tokens.size() != static_cast<std::size_t>(m_batch) * static_cast<std::size_t>(new_tokens)) {
    throw std::invalid_argument("cpu_reference::forward: expected batch x new_tokens token ids");
  }
  if (m_position + new_tokens > m_max_sequence) {
    throw std::invalid_argument("cpu_reference::forward: sequence longer than max_sequence");
  }
  const int rows = m_batch * new_tokens;
  const int h = c.hidden_size;
  const int d = c.head_dim;
  const int half = d / 2;
  const int inter = c.intermediate_size;
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));

  // Embedding lookup: the residual stream, exact in BF16.
  std::vector<float> x(static_cast<std::size_t>(rows) * static_cast<std::size_t>(h));
  const random_stream emb = weight_stream(m_seed, c, tensor_kind::embedding, 0);
  for (int t = 0; t < rows; ++t) {
    const int token = tokens[static_cast<std::size_t>(t)];
    if (token < 0 || token >= c.vocab_size) throw std::invalid_argument("cpu_reference::forward: token out of range");
    for (int i = 0; i < h; ++i) x[idx(t, h, i)] = random_value(emb, idx(token, h, i));
  }

  std::vector<float> normed, qkv, attn(static_cast<std::size_t>(rows) * static_cast<std::size_t>(c.q_dim())), proj,
      gate_up, act(static_cast<std::size_t>(rows) * static_cast<std::size_t>(inter));
  std::vector<float> scores(static_cast<std::size_t>(m_max_sequence));
  for (int layer = 0; layer < c.layers; ++layer) {
    rmsnorm(x, rows, static_cast<int>(tensor_kind::attn_norm), layer, normed);
    linear(normed, rows, h, c.qkv_dim(), static_cast<int>(tensor_kind::qkv), layer, qkv);
    const random_stream bias = weight_stream(m_seed, c, tensor_kind::qkv_bias, layer);
    for (int t = 0; t < rows; ++t) {
      for (int n = 0; n < c.qkv_dim(); ++n) {
        float& v = qkv[idx(t, c.qkv_dim(), n)];
        v = round(c.attention_bias ? v + random_value(bias, static_cast<std::uint64_t>(n)) : v);
      }
    }
    // RoPE on Q (in place) and K; K and V go to the cache.
    for (int t = 0; t < rows; ++t) {
      const int b = t / new_tokens;
      const int pos = m_position + t % new_tokens;
      float* row = qkv.data() + idx(t, c.qkv_dim(), 0);
      for (int head = 0; head < c.heads + c.kv_heads; ++head) {
        float* v = row + static_cast<std::ptrdiff_t>(head) * d;
        for (int i = 0; i < half; ++i) {
          const float angle = static_cast<float>(pos) * m_inv_freq[static_cast<std::size_t>(i)];
          const float cs = std::cos(angle);
          const float sn = std::sin(angle);
          const float x1 = v[i];
          const float x2 = v[i + half];
          v[i] = round(x1 * cs - x2 * sn);
          v[i + half] = round(x2 * cs + x1 * sn);
        }
      }
      for (int kvh = 0; kvh < c.kv_heads; ++kvh) {
        const float* k = row + c.q_dim() + static_cast<std::ptrdiff_t>(kvh) * d;
        const float* v = row + c.q_dim() + c.kv_dim() + static_cast<std::ptrdiff_t>(kvh) * d;
        std::copy(k, k + d, m_k_cache.begin() + static_cast<std::ptrdiff_t>(cache_index(layer, b, kvh, pos)));
        std::copy(v, v + d, m_v_cache.begin() + static_cast<std::ptrdiff_t>(cache_index(layer, b, kvh, pos)));
      }
    }
    // Causal attention over the cache.
    for (int t = 0; t < rows; ++t) {
      const int b = t / new_tokens;
      const int pos = m_position + t % new_tokens;
      for (int head = 0; head < c.heads; ++head) {
        const int kvh = head / c.group_size();
        const float* q = qkv.data() + idx(t, c.qkv_dim(), static_cast<std::int64_t>(head) * d);
        float max_score = -std::numeric_limits<float>::infinity();
        for (int j = 0; j <= pos; ++j) {
          const float* k = m_k_cache.data() + cache_index(layer, b, kvh, j);
          float dot = 0.0f;
          for (int e = 0; e < d; ++e) dot += q[e] * k[e];
          scores[static_cast<std::size_t>(j)] = dot * scale;
          max_score = std::max(max_score, dot * scale);
        }
        float denom = 0.0f;
        std::vector<float> o(static_cast<std::size_t>(d), 0.0f);
        for (int j = 0; j <= pos; ++j) {
          const float p = std::exp(scores[static_cast<std::size_t>(j)] - max_score);
          denom += p;
          const float* v = m_v_cache.data() + cache_index(layer, b, kvh, j);
          for (int e = 0; e < d; ++e) o[static_cast<std::size_t>(e)] += p * v[e];
        }
        for (int e = 0; e < d; ++e) {
          attn[idx(t, c.q_dim(), static_cast<std::int64_t>(head) * d + e)] =
              round(o[static_cast<std::size_t>(e)] / denom);
        }
      }
    }
    linear(attn, rows, c.q_dim(), h, static_cast<int>(tensor_kind::o_proj), layer, proj);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = round(x[i] + proj[i]);

    rmsnorm(x, rows, static_cast<int>(tensor_kind::mlp_norm), layer, normed);
    linear(normed, rows, h, 2 * inter, static_cast<int>(tensor_kind::gate_up), layer, gate_up);
    for (int t = 0; t < rows; ++t) {
      for (int i = 0; i < inter; ++i) {
        const float g = round(gate_up[idx(t, 2 * inter, i)]);
        const float u = round(gate_up[idx(t, 2 * inter, inter + i)]);
        act[idx(t, inter, i)] = round(g / (1.0f + std::exp(-g)) * u);
      }
    }
    linear(act, rows, inter, h, static_cast<int>(tensor_kind::down), layer, proj);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = round(x[i] + proj[i]);
  }

  // Final norm and LM head on the requested positions.
  std::vector<float> picked;
  int out_rows = 0;
  for (int t = 0; t < rows; ++t) {
    if (!all_positions && t % new_tokens != new_tokens - 1) continue;
    picked.insert(picked.end(), x.begin() + static_cast<std::ptrdiff_t>(idx(t, h, 0)),
                  x.begin() + static_cast<std::ptrdiff_t>(idx(t + 1, h, 0)));
    ++out_rows;
  }
  rmsnorm(picked, out_rows, static_cast<int>(tensor_kind::final_norm), 0, normed);
  std::vector<float> logits;
  linear(normed, out_rows, h, c.vocab_size, static_cast<int>(tensor_kind::lm_head), 0, logits);
  m_position += new_tokens;
  return logits;
}

}  // namespace rafter::llm

#include "workloads/llm/model_config.hpp"

#include <string>

#include "core/error.hpp"
#include "core/json_file.hpp"
#include "core/json_reader.hpp"

namespace rafter::llm {

namespace {

constexpr const char* model_schema = "rafter.model/1";

/// `full` split over `ranks`; fails naming `field` when it does not divide evenly.
int split(const json_reader& model, const std::string& field, int full, int ranks) {
  if (full % ranks != 0) {
    model.fail(field, std::to_string(full) + " does not divide by tensor_parallel " + std::to_string(ranks));
  }
  return full / ranks;
}

void require_positive(const std::string& file, const std::string& field, int value) {
  if (value <= 0) throw input_error(file, field, "must be positive, got " + std::to_string(value));
}

void require_multiple_of_8(const std::string& file, const std::string& field, int value) {
  if (value % 8 != 0) {
    throw input_error(file, field,
                      "must be a multiple of 8 on each rank (16-byte rows for cuBLASLt), got " + std::to_string(value));
  }
}

}  // namespace

std::int64_t model_config::parameters() const {
  const auto h = static_cast<std::int64_t>(hidden_size);
  const std::int64_t per_layer = 2 * h                                                    // two RMSNorm weights
                                 + static_cast<std::int64_t>(qkv_dim()) * h               // Q, K, V
                                 + (attention_bias ? qkv_dim() : 0)                       // their bias
                                 + static_cast<std::int64_t>(q_dim()) * h                 // output projection
                                 + 3 * static_cast<std::int64_t>(intermediate_size) * h;  // gate, up, down
  const std::int64_t embedding = static_cast<std::int64_t>(vocab_size) * h;
  return per_layer * layers + embedding * (tie_word_embeddings ? 1 : 2) + h;
}

bool supported_head_dim(int head_dim) {
  return head_dim == 32 || head_dim == 64 || head_dim == 128;
}

model_config parse_model_config(const json& document, const std::string& file) {
  const json_reader root(document, file, "");
  const std::string schema = root.req_string("schema");
  if (schema != model_schema)
    root.fail("schema", "expected \"" + std::string(model_schema) + "\", got \"" + schema + "\"");

  model_config c;
  c.name = root.req_string("name");
  c.source = root.req_string("source");
  c.tensor_parallel = root.opt_count("tensor_parallel").value_or(1);
  if (c.tensor_parallel < 1)
    root.fail("tensor_parallel", "must be at least 1, got " + std::to_string(c.tensor_parallel));

  const json_reader model = root.req_object("model");
  const int tp = c.tensor_parallel;
  c.hidden_size = model.req_count("hidden_size");
  c.layers = model.req_count("num_hidden_layers");
  const int heads = model.req_count("num_attention_heads");
  const int kv_heads = model.opt_count("num_key_value_heads").value_or(heads);
  require_positive(file, model.path_of("num_attention_heads"), heads);
  require_positive(file, model.path_of("num_key_value_heads"), kv_heads);
  c.head_dim = model.opt_count("head_dim").value_or(c.hidden_size / heads);
  c.heads = split(model, "num_attention_heads", heads, tp);
  c.kv_heads = split(model, "num_key_value_heads", kv_heads, tp);
  c.intermediate_size = split(model, "intermediate_size", model.req_count("intermediate_size"), tp);
  c.vocab_size = split(model, "vocab_size", model.req_count("vocab_size"), tp);
  c.max_positions = model.req_count("max_position_embeddings");
  c.rms_norm_eps = model.req_non_negative("rms_norm_eps");
  c.rope_theta = model.req_non_negative("rope_theta");
  c.attention_bias = model.opt_bool("attention_bias").value_or(false);
  c.tie_word_embeddings = model.opt_bool("tie_word_embeddings").value_or(false);
  validate_model_config(c, file);
  return c;
}

void validate_model_config(const model_config& c, const std::string& file) {
  const std::string m = "model.";
  require_positive(file, m + "hidden_size", c.hidden_size);
  require_positive(file, m + "num_hidden_layers", c.layers);
  require_positive(file, m + "num_attention_heads", c.heads);
  require_positive(file, m + "num_key_value_heads", c.kv_heads);
  require_positive(file, m + "intermediate_size", c.intermediate_size);
  require_positive(file, m + "vocab_size", c.vocab_size);
  require_positive(file, m + "max_position_embeddings", c.max_positions);
  if (c.heads % c.kv_heads != 0) {
    throw input_error(
        file, m + "num_key_value_heads",
        std::to_string(c.kv_heads) + " key/value heads do not divide " + std::to_string(c.heads) + " query heads");
  }
  if (!supported_head_dim(c.head_dim)) {
    throw input_error(file, m + "head_dim",
                      "the attention kernels support 32, 64 or 128, got " + std::to_string(c.head_dim));
  }
  require_multiple_of_8(file, m + "hidden_size", c.hidden_size);
  require_multiple_of_8(file, m + "intermediate_size", c.intermediate_size);
  require_multiple_of_8(file, m + "vocab_size", c.vocab_size);
  if (!(c.rms_norm_eps > 0.0)) throw input_error(file, m + "rms_norm_eps", "must be positive");
  if (!(c.rope_theta > 1.0)) throw input_error(file, m + "rope_theta", "must be greater than 1");
}

model_config load_model_config(const std::filesystem::path& path) {
  return parse_model_config(read_json_file(path), path.string());
}

}  // namespace rafter::llm

#include "workloads/llm/model_config.hpp"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace {

using rafter::json;
using rafter::llm::load_model_config;
using rafter::llm::model_config;
using rafter::llm::parse_model_config;

const std::filesystem::path models = std::filesystem::path(RAFTER_SOURCE_DIR) / "configs" / "models";

json minimal() {
  return json::parse(R"({
    "schema": "rafter.model/1", "name": "m", "source": "https://example.org/config.json",
    "model": {"hidden_size": 256, "intermediate_size": 512, "num_hidden_layers": 2,
              "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 1024,
              "max_position_embeddings": 512, "rms_norm_eps": 1e-5, "rope_theta": 10000.0}})");
}

/// The message of the input_error `doc` raises, or "" when it parses.
std::string error_of(const json& doc) {
  try {
    (void)parse_model_config(doc, "m.json");
  } catch (const rafter::input_error& e) {
    EXPECT_EQ(e.code(), rafter::exit_code::usage);
    return e.what();
  }
  return "";
}

TEST(model_config, llama3_8b_matches_its_public_config) {
  const model_config c = load_model_config(models / "llama3-8b.json");
  EXPECT_EQ(c.hidden_size, 4096);
  EXPECT_EQ(c.layers, 32);
  EXPECT_EQ(c.heads, 32);
  EXPECT_EQ(c.kv_heads, 8);
  EXPECT_EQ(c.head_dim, 128);
  EXPECT_EQ(c.intermediate_size, 14336);
  EXPECT_EQ(c.vocab_size, 128256);
  EXPECT_EQ(c.group_size(), 4);
  EXPECT_TRUE(c.source.starts_with("https://huggingface.co/meta-llama/")) << c.source;
  EXPECT_EQ(c.qkv_dim(), 4096 + 2 * 1024);
  EXPECT_FALSE(c.tie_word_embeddings);
  // 8.03e9 parameters is the published size of Llama-3-8B.
  EXPECT_EQ(c.parameters(), 8030261248);
}

TEST(model_config, llama3_70b_slice_divides_heads_mlp_and_vocabulary) {
  const model_config c = load_model_config(models / "llama3-70b-tp8.json");
  EXPECT_EQ(c.tensor_parallel, 8);
  EXPECT_EQ(c.hidden_size, 8192);
  EXPECT_EQ(c.layers, 80);
  EXPECT_EQ(c.heads, 64 / 8);
  EXPECT_EQ(c.kv_heads, 8 / 8);
  EXPECT_EQ(c.head_dim, 128);
  EXPECT_EQ(c.intermediate_size, 28672 / 8);
  EXPECT_EQ(c.vocab_size, 128256 / 8);
}

TEST(model_config, qwen15_05b_has_bias_and_tied_embeddings) {
  const model_config c = load_model_config(models / "qwen1.5-0.5b.json");
  EXPECT_EQ(c.hidden_size, 1024);
  EXPECT_EQ(c.heads, 16);
  EXPECT_EQ(c.kv_heads, 16);
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_TRUE(c.attention_bias);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_TRUE(c.source.starts_with("https://huggingface.co/Qwen/")) << c.source;
  // 0.31e9 in the layers plus the 151936 x 1024 embedding, counted once because it is tied.
  EXPECT_EQ(c.parameters(), 463987712);
}

TEST(model_config, every_shipped_model_loads_and_names_its_source) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(models)) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().string());
    const model_config c = load_model_config(entry.path());
    EXPECT_FALSE(c.name.empty());
    EXPECT_FALSE(c.source.empty());
    ++count;
  }
  EXPECT_GE(count, 4);
}

TEST(model_config, head_dim_defaults_to_hidden_over_heads) {
  EXPECT_EQ(parse_model_config(minimal(), "m.json").head_dim, 64);
}

TEST(model_config, missing_field_names_file_and_field) {
  json doc = minimal();
  doc["model"].erase("vocab_size");
  EXPECT_EQ(error_of(doc), "m.json: field 'model.vocab_size': missing required field");
}

TEST(model_config, wrong_schema_is_rejected) {
  json doc = minimal();
  doc["schema"] = "rafter.machine/1";
  EXPECT_NE(error_of(doc).find("field 'schema'"), std::string::npos);
}

TEST(model_config, tensor_parallel_must_divide_heads) {
  json doc = minimal();
  doc["tensor_parallel"] = 4;  // 2 key/value heads do not split 4 ways
  EXPECT_NE(error_of(doc).find("field 'model.num_key_value_heads'"), std::string::npos) << error_of(doc);
  doc["tensor_parallel"] = 2;
  EXPECT_EQ(error_of(doc), "");
}

TEST(model_config, heads_must_group_over_kv_heads) {
  json doc = minimal();
  doc["model"]["num_key_value_heads"] = 3;
  EXPECT_NE(error_of(doc).find("do not divide"), std::string::npos) << error_of(doc);
}

TEST(model_config, unsupported_head_dim_is_rejected) {
  json doc = minimal();
  doc["model"]["head_dim"] = 80;
  EXPECT_NE(error_of(doc).find("field 'model.head_dim'"), std::string::npos) << error_of(doc);
}

TEST(model_config, gemm_dimensions_must_be_multiples_of_8) {
  json doc = minimal();
  doc["model"]["intermediate_size"] = 500;
  EXPECT_NE(error_of(doc).find("multiple of 8"), std::string::npos) << error_of(doc);
}

TEST(model_config, non_positive_sizes_are_rejected) {
  json doc = minimal();
  doc["model"]["num_attention_heads"] = 0;
  EXPECT_NE(error_of(doc).find("must be positive"), std::string::npos) << error_of(doc);
  doc = minimal();
  doc["model"]["rms_norm_eps"] = 0.0;
  EXPECT_NE(error_of(doc).find("rms_norm_eps"), std::string::npos) << error_of(doc);
}

TEST(model_config, missing_file_is_an_input_error) {
  EXPECT_THROW((void)load_model_config(models / "no-such-model.json"), rafter::input_error);
}

}  // namespace

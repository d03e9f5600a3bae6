#include "analysis/importers/op_shape_table.hpp"

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rafter {
namespace {

TEST(op_shape_table, shipped_table_loads_and_answers) {
  const op_shape_table t = op_shape_table::load(RAFTER_SOURCE_DIR "/configs/op_shapes.json");
  ASSERT_NE(t.find_rule("aten::mm"), nullptr);
  EXPECT_EQ(t.find_rule("aten::mm")->formula, "mm");
  ASSERT_NE(t.find_rule("aten::_flash_attention_forward"), nullptr);
  EXPECT_EQ(t.find_rule("aten::_flash_attention_forward")->layout, "bshd");
  EXPECT_EQ(t.find_rule("aten::_flash_attention_forward")->causal_arg, 8);
  EXPECT_EQ(t.find_rule("aten::frobnicate"), nullptr);
  ASSERT_NE(t.find_dtype("c10::BFloat16"), nullptr);
  EXPECT_EQ(t.find_dtype("c10::BFloat16")->bytes, 2);
  EXPECT_EQ(t.find_dtype("c10::BFloat16")->precision, "bf16");
  EXPECT_EQ(t.find_dtype("Scalar"), nullptr);
}

std::string load_error(const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("rafter_op_shapes_" + std::to_string(::getpid()) + ".json");
  {
    std::ofstream out(path);
    out << text;
  }
  std::string message = "no error";
  try {
    (void)op_shape_table::load(path);
  } catch (const input_error& e) {
    message = e.what();
  }
  std::filesystem::remove(path);
  return message;
}

TEST(op_shape_table, rejects_bad_tables_naming_the_field) {
  EXPECT_NE(load_error(R"({"schema": "rafter.op_shapes/1", "dtypes": {}, "ops": {"aten::mm": {"formula": "magic"}}})")
                .find("field 'ops.aten::mm.formula': unknown formula \"magic\""),
            std::string::npos);
  EXPECT_NE(load_error(R"({"schema": "rafter.op_shapes/1", "dtypes": {"float": {"precision": "fp32", "bytes": 0}}, "ops": {}})")
                .find("field 'dtypes.float.bytes': must be at least 1"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"schema": "rafter.op_shapes/1", "dtypes": {}, "ops": {"x": {"formula": "sdpa"}}})").find("'ops.x.layout'"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"schema": "rafter.machine/1"})").find("expected \"rafter.op_shapes/1\""), std::string::npos);
}

}  // namespace
}  // namespace rafter

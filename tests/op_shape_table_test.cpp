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
  ASSERT_NE(t.find_rule("aten::index_select"), nullptr);
  EXPECT_EQ(t.find_rule("aten::index_select")->index_arg, 2);
}

TEST(op_shape_table, precision_a_kernel_computes_in) {
  const op_shape_table t = op_shape_table::load(RAFTER_SOURCE_DIR "/configs/op_shapes.json");
  // The A100 trace-diff fixture's fp32 aten::mm kernels: CUTLASS TF32 tensor-op GEMMs and SIMT sgemm.
  EXPECT_EQ(t.precision_in_kernel("void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_64x64_32x6_tn_align1>(T1::Params)", "fp32"), "tf32");
  EXPECT_EQ(t.precision_in_kernel("sm90_xmma_gemm_f32f32_tf32f32_f32_tn_n_tilesize128x128x32", "fp32"), "tf32");
  EXPECT_EQ(t.precision_in_kernel("ampere_sgemm_128x128_tn", "fp32"), "fp32");
  EXPECT_EQ(t.precision_in_kernel("_ZN19cutlass_cudnn_train6KernelINS_4gemm6kernel4GemmINS_10tfloat32_tE", "fp32"), "tf32");  // mangled, A100 DDP fixture
  EXPECT_EQ(t.precision_in_kernel("void cutlass::Kernel<cutlass_75_tensorop_f16_s1688gemm_f16_128x256_tn_align1>", "fp16"), "fp16");  // only from fp32
}

TEST(op_shape_table, split_k_reductions_do_no_products) {
  const op_shape_table t = op_shape_table::load(RAFTER_SOURCE_DIR "/configs/op_shapes.json");
  EXPECT_TRUE(t.flop_free_kernel("void splitKreduce_kernel<float, float, float, float, true, false, false>(cublasSplitKParams<float>)"));
  EXPECT_FALSE(t.flop_free_kernel("void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_64x64_32x4_nn_align1>(T1::Params)"));
}

TEST(op_shape_table, element_type_stated_by_a_kernel_name) {
  const op_shape_table t = op_shape_table::load(RAFTER_SOURCE_DIR "/configs/op_shapes.json");
  // Names as the H100 Qwen and A100 trace-diff fixtures record them.
  const auto opaque = t.element_type_in_kernel(
      "void at::native::(anonymous namespace)::CatArrayBatchedCopy<at::native::(anonymous namespace)::OpaqueType<2u>, "
      "unsigned int, 4, 64, 64>(at::native::(anonymous namespace)::OpaqueType<2u>*, ...)");
  ASSERT_TRUE(opaque.has_value());
  EXPECT_EQ(opaque->bytes, 2);
  EXPECT_EQ(opaque->precision, "");  // a size says nothing of the format
  const auto named = t.element_type_in_kernel("void at::native::(anonymous namespace)::CatArrayBatchedCopy<float, unsigned int, 2, 64, 64>(float*, ...)");
  ASSERT_TRUE(named.has_value());
  EXPECT_EQ(named->bytes, 4);
  EXPECT_EQ(named->precision, "fp32");
  const auto bf16 = t.element_type_in_kernel("CatArrayBatchedCopy_aligned16_contig<c10::BFloat16, unsigned int, 3, 128, 1>(...)");
  ASSERT_TRUE(bf16.has_value());
  EXPECT_EQ(bf16->precision, "bf16");
  EXPECT_FALSE(t.element_type_in_kernel("CatArrayBatchedCopy<c10::complex<float>, unsigned int>").has_value());  // not a dtype name
  EXPECT_FALSE(t.element_type_in_kernel("sm90_xmma_gemm_bf16bf16_bf16f32").has_value());
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
  EXPECT_NE(load_error(R"({"schema": "rafter.op_shapes/1", "dtypes": {}, "ops": {"x": {"formula": "index_select"}}})")
                .find("field 'ops.x.index_arg': required by the index_select formula"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"schema": "rafter.op_shapes/1", "dtypes": {}, "ops": {"x": {"formula": "conv", "backward": true}}})")
                .find("field 'ops.x.output_mask_arg': required by the conv formula's backward op"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"schema": "rafter.op_shapes/1", "dtypes": {}, "ops": {}, "kernel_element_types": ["ok<([0-9]+)>", "(unclosed"]})")
                .find("field 'kernel_element_types[1]': not a valid regular expression"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"schema": "rafter.op_shapes/1", "dtypes": {}, "ops": {}, "kernel_precisions": [{"pattern": "(", "from": "fp32", "precision": "tf32"}]})")
                .find("field 'kernel_precisions[0].pattern': not a valid regular expression"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"schema": "rafter.op_shapes/1", "dtypes": {}, "ops": {}, "kernel_precisions": [{"pattern": "tf32", "from": "fp32"}]})")
                .find("field 'kernel_precisions[0].precision'"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"schema": "rafter.op_shapes/1", "dtypes": {}, "ops": {"x": {"formula": "foreach", "written_args": [0, -1]}}})")
                .find("field 'ops.x.written_args': expected argument positions 0..64, got -1"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"schema": "rafter.op_shapes/1", "dtypes": {}, "ops": {}, "kernel_element_types": "x"})")
                .find("field 'kernel_element_types'"),
            std::string::npos);
}

}  // namespace
}  // namespace rafter

#include "analysis/importers/shape_estimates.hpp"

#include <gtest/gtest.h>

namespace rafter {
namespace {

const op_shape_table& table() {
  static const op_shape_table t = op_shape_table::load(RAFTER_SOURCE_DIR "/configs/op_shapes.json");
  return t;
}

trace_op make_op(const std::string& name, std::vector<std::vector<std::int64_t>> dims, std::vector<std::string> types,
                 std::vector<std::string> concrete = {}) {
  trace_op op;
  op.id = 1;
  op.name = name;
  op.inputs = interned_op_inputs(op_inputs{std::move(dims), std::move(types), std::move(concrete), {}});
  return op;
}

op_estimate estimate(const trace_op& op) {
  std::string why;
  const auto e = estimate_op(op, table(), &why);
  if (!e) throw std::runtime_error("no estimate: " + why);
  return *e;
}

const std::string bf16 = "c10::BFloat16";

TEST(shape_estimates, formulas) {
  EXPECT_EQ(gemm_flop(1, 8944, 2816, 1024), 51581550592.0);  // 2 * 8944 * 2816 * 1024
  EXPECT_EQ(gemm_flop(3, 2, 5, 7), 2.0 * 3 * 2 * 5 * 7);
  EXPECT_EQ(causal_pairs(4, 4), 10.0);  // 1 + 2 + 3 + 4
  EXPECT_EQ(causal_pairs(2, 5), 3.0);   // 1 + 2 (top-left aligned)
  EXPECT_EQ(causal_pairs(5, 2), 9.0);   // 1 + 2 + 2 + 2 + 2
  EXPECT_EQ(attention_flop(2, 3, 4, 4, 8, 8, false), 2.0 * 2 * 3 * 16 * 16);
  EXPECT_EQ(attention_flop(2, 3, 4, 4, 8, 8, true), 2.0 * 2 * 3 * 10 * 16);
  EXPECT_EQ(conv_flop(2, 64, 100, 3, 9), 2.0 * 2 * 64 * 100 * 3 * 9);
}

TEST(shape_estimates, gemm_is_exactly_2mnk) {
  const auto mm = estimate(make_op("aten::mm", {{8944, 1024}, {1024, 2816}}, {bf16, bf16}));
  EXPECT_EQ(mm.formula, "gemm");
  EXPECT_EQ(mm.precision, "bf16");
  EXPECT_EQ(mm.flop, 2.0 * 8944 * 2816 * 1024);
  EXPECT_EQ(mm.bytes, 2.0 * (8944.0 * 1024 + 1024.0 * 2816 + 8944.0 * 2816));

  // addmm(bias[N], A[M, K], B[K, N]): the bias is read, not counted as FLOP.
  const auto addmm = estimate(make_op("aten::addmm", {{1024}, {8944, 1024}, {1024, 1024}, {}, {}},
                                      {bf16, bf16, bf16, "Scalar", "Scalar"}, {"", "", "", "1", "1"}));
  EXPECT_EQ(addmm.flop, 2.0 * 8944 * 1024 * 1024);
  EXPECT_EQ(addmm.bytes, 2.0 * (1024 + 8944.0 * 1024 + 1024.0 * 1024 + 8944.0 * 1024));

  const auto bmm = estimate(make_op("aten::bmm", {{16, 32, 64}, {16, 64, 8}}, {"float", "float"}));
  EXPECT_EQ(bmm.flop, 2.0 * 16 * 32 * 8 * 64);
  EXPECT_EQ(bmm.bytes, 4.0 * (16 * 32 * 64 + 16 * 64 * 8 + 16 * 32 * 8));
  EXPECT_EQ(bmm.precision, "fp32");

  const auto baddbmm = estimate(make_op("aten::baddbmm", {{16, 32, 8}, {16, 32, 64}, {16, 64, 8}}, {"float", "float", "float"}));
  EXPECT_EQ(baddbmm.flop, 2.0 * 16 * 32 * 8 * 64);

  // linear(input[B, S, K], weight[N, K], bias[N]): M = B * S.
  const auto linear = estimate(make_op("aten::linear", {{16, 559, 1024}, {3072, 1024}, {3072}}, {bf16, bf16, bf16}));
  EXPECT_EQ(linear.flop, 2.0 * (16 * 559) * 3072 * 1024);
  EXPECT_EQ(linear.bytes, 2.0 * (16.0 * 559 * 1024 + 3072.0 * 1024 + 16.0 * 559 * 3072 + 3072));

  // matmul broadcasting [2, 1, M, K] x [3, K, N] -> batch 2 * 3; and 1-D operands.
  const auto mat = estimate(make_op("aten::matmul", {{2, 1, 4, 5}, {3, 5, 6}}, {"float", "float"}));
  EXPECT_EQ(mat.flop, 2.0 * 6 * 4 * 6 * 5);
  const auto vec = estimate(make_op("aten::matmul", {{1, 32, 1}, {1, 1, 559}}, {"float", "float"}));
  EXPECT_EQ(vec.flop, 2.0 * 1 * 32 * 559 * 1);
  const auto dot = estimate(make_op("aten::matmul", {{7}, {7}}, {"float", "float"}));
  EXPECT_EQ(dot.flop, 2.0 * 7);
}

TEST(shape_estimates, gemm_with_mismatched_shapes_has_no_estimate) {
  std::string why;
  EXPECT_FALSE(estimate_op(make_op("aten::mm", {{8, 4}, {5, 2}}, {"float", "float"}), table(), &why));
  EXPECT_NE(why.find("inner dimensions differ"), std::string::npos) << why;
  EXPECT_FALSE(estimate_op(make_op("aten::mm", {}, {}), table(), &why));
  EXPECT_NE(why.find("shapes not recorded"), std::string::npos) << why;
  EXPECT_FALSE(estimate_op(make_op("aten::frobnicate", {{1}}, {"float"}), table(), &why));
  EXPECT_EQ(why, "no formula for aten::frobnicate");
}

TEST(shape_estimates, attention_causal_and_not) {
  // The Qwen trace's SDPA: [B=16, H=16, S=559, D=64] bf16, is_causal "True" at position 5.
  const std::vector<std::vector<std::int64_t>> qkv = {{16, 16, 559, 64}, {16, 16, 559, 64}, {16, 16, 559, 64}, {}, {}, {}, {}, {}};
  const std::vector<std::string> types = {bf16, bf16, bf16, "", "Scalar", "Scalar", "Scalar", "Scalar"};
  const auto causal = estimate(make_op("aten::scaled_dot_product_attention", qkv, types, {"", "", "", "", "0.", "True", "0.125", "False"}));
  EXPECT_EQ(causal.formula, "sdpa_causal");
  EXPECT_EQ(causal.flop, 2.0 * 16 * 16 * (559.0 * 560 / 2) * (64 + 64));
  EXPECT_EQ(causal.bytes, 4.0 * 2 * 16 * 16 * 559 * 64);  // Q, K, V, O
  const auto full = estimate(make_op("aten::scaled_dot_product_attention", qkv, types, {"", "", "", "", "0.", "False", "", "False"}));
  EXPECT_EQ(full.formula, "sdpa");
  EXPECT_EQ(full.flop, 2.0 * 16 * 16 * 559 * 559 * 128);

  // _flash_attention_forward takes [B, S, H, D] and is_causal at position 8; GQA with 2 KV heads.
  const auto flash = estimate(make_op("aten::_flash_attention_forward", {{2, 100, 8, 64}, {2, 120, 2, 64}, {2, 120, 2, 64}},
                                      {bf16, bf16, bf16}, {"", "", "", "", "", "100", "120", "0.", "True", "False"}));
  EXPECT_EQ(flash.formula, "sdpa_causal");
  EXPECT_EQ(flash.flop, 2.0 * 2 * 8 * causal_pairs(100, 120) * 128);
  EXPECT_EQ(flash.bytes, 2.0 * (2 * 100 * 8 * 64 + 2 * 2 * 120 * 2 * 64 + 2 * 100 * 8 * 64));

  std::string why;
  EXPECT_FALSE(estimate_op(make_op("aten::scaled_dot_product_attention", qkv, types), table(), &why));
  EXPECT_NE(why.find("is_causal not recorded"), std::string::npos) << why;
}

TEST(shape_estimates, attention_backward_is_five_products) {
  EXPECT_EQ(attention_backward_flop(2, 3, 4, 4, 8, 8, false), 2.5 * attention_flop(2, 3, 4, 4, 8, 8, false));
  EXPECT_EQ(attention_backward_flop(1, 1, 4, 4, 16, 8, true), 2.0 * 10 * (3 * 16 + 2 * 8));
  // _scaled_dot_product_flash_attention_backward(grad_out, q, k, v, out, logsumexp, cum_seq_q,
  // cum_seq_k, max_q, max_k, dropout_p, is_causal, ...): Q K V [1, 16, 559, 64] bf16, causal.
  const std::vector<std::int64_t> qkv{1, 16, 559, 64};
  const auto e = estimate(make_op("aten::_scaled_dot_product_flash_attention_backward",
                                  {qkv, qkv, qkv, qkv, qkv, {1, 16, 559}, {}, {}, {}, {}, {}, {}, {}, {}},
                                  {bf16, bf16, bf16, bf16, bf16, "float", "", "", "Scalar", "Scalar", "Scalar", "Scalar", "", ""},
                                  {"", "", "", "", "", "", "", "", "559", "559", "0.0", "True", "", ""}));
  EXPECT_EQ(e.formula, "sdpa_backward_causal");
  EXPECT_EQ(e.precision, "bf16");
  EXPECT_EQ(e.flop, attention_backward_flop(1, 16, 559, 559, 64, 64, true));
  const double t = 2.0 * 16 * 559 * 64;  // bytes of one [1, 16, 559, 64] bf16 tensor
  EXPECT_EQ(e.bytes, 2.0 * 3 * t + 2.0 * t);
}

TEST(shape_estimates, convolution) {
  // AlexNet conv1: [N=128, 3, 224, 224] * [64, 3, 11, 11], stride 4, padding 2 -> 55 x 55.
  const auto conv = estimate(make_op("aten::convolution", {{128, 3, 224, 224}, {64, 3, 11, 11}, {64}, {}, {}, {}, {}, {}, {}},
                                     {"float", "float", "float", "ScalarList", "ScalarList", "ScalarList", "Scalar", "ScalarList", "Scalar"},
                                     {"", "", "", "[4, 4]", "[2, 2]", "[1, 1]", "False", "[0, 0]", "1"}));
  EXPECT_EQ(conv.formula, "conv");
  EXPECT_EQ(conv.flop, 2.0 * 128 * 64 * (55 * 55) * 3 * (11 * 11));
  EXPECT_EQ(conv.bytes, 4.0 * (128 * 3 * 224 * 224 + 64 * 3 * 11 * 11 + 64 + 128.0 * 64 * 55 * 55));

  // Grouped (depthwise) conv2d: groups 32, weight [32, 1, 3, 3], padding 1 keeps 56 x 56.
  const auto dw = estimate(make_op("aten::conv2d", {{8, 32, 56, 56}, {32, 1, 3, 3}, {}, {}, {}, {}, {}},
                                   {bf16, bf16, "", "ScalarList", "ScalarList", "ScalarList", "Scalar"},
                                   {"", "", "", "[1, 1]", "[1, 1]", "[1, 1]", "32"}));
  EXPECT_EQ(dw.flop, 2.0 * 8 * 32 * (56 * 56) * 1 * 9);

  // Transposed: input [1, 16, 8, 8], weight [16, 4, 2, 2], stride 2 -> [1, 4, 16, 16].
  const auto up = estimate(make_op("aten::convolution", {{1, 16, 8, 8}, {16, 4, 2, 2}, {}, {}, {}, {}, {}, {}, {}},
                                   {"float", "float", "", "ScalarList", "ScalarList", "ScalarList", "Scalar", "ScalarList", "Scalar"},
                                   {"", "", "", "[2, 2]", "[0, 0]", "[1, 1]", "True", "[0, 0]", "1"}));
  EXPECT_EQ(up.formula, "conv_transposed");
  EXPECT_EQ(up.flop, 2.0 * 1 * 16 * 64 * 4 * 4);
  EXPECT_EQ(up.bytes, 4.0 * (16 * 64 + 16 * 4 * 4 + 4 * 256));

  std::string why;
  EXPECT_FALSE(estimate_op(make_op("aten::convolution", {{128, 3, 224, 224}, {64, 3, 11, 11}}, {"float", "float"}), table(), &why));
  EXPECT_NE(why.find("not recorded"), std::string::npos) << why;
}

TEST(shape_estimates, convolution_backward) {
  // ResNet 3x3 conv: dO and input [32, 64, 56, 56] bf16, weight [64, 64, 3, 3], stride 1, padding 1.
  const std::vector<std::vector<std::int64_t>> dims{{32, 64, 56, 56}, {32, 64, 56, 56}, {64, 64, 3, 3}, {}, {}, {}, {}, {}, {}, {}, {}};
  const std::vector<std::string> types{bf16, bf16, bf16, "ScalarList", "ScalarList", "ScalarList", "ScalarList",
                                       "Scalar", "ScalarList", "Scalar", "ScalarList"};
  auto concrete = [](const std::string& mask) {
    return std::vector<std::string>{"", "", "", "[0]", "[1, 1]", "[1, 1]", "[1, 1]", "False", "[0, 0]", "1", mask};
  };
  const double forward = 2.0 * 32 * 64 * (56 * 56) * 64 * 9;
  const double activation = 2.0 * 32 * 64 * 56 * 56, weight = 2.0 * 64 * 64 * 9;  // bytes

  // grad_input and grad_weight: twice the forward's products; dO read, x and w read and written.
  const auto both = estimate(make_op("aten::convolution_backward", dims, types, concrete("[True, True, False]")));
  EXPECT_EQ(both.formula, "conv_backward");
  EXPECT_EQ(both.precision, "bf16");
  EXPECT_EQ(both.flop, 2.0 * forward);
  EXPECT_EQ(both.bytes, activation + 2.0 * (activation + weight));

  // A network's first layer: grad_weight (and grad_bias, whose sum is a nested op's) only.
  const auto first = estimate(make_op("aten::convolution_backward", dims, types, concrete("[False, True, True]")));
  EXPECT_EQ(first.flop, forward);
  EXPECT_EQ(first.bytes, activation + activation + weight);

  // Without the output mask there is no estimate, and the reason says what is missing.
  std::string why;
  EXPECT_FALSE(estimate_op(make_op("aten::convolution_backward", dims, types, concrete("")), table(), &why));
  EXPECT_NE(why.find("output_mask not recorded"), std::string::npos) << why;
  EXPECT_FALSE(estimate_op(make_op("aten::convolution_backward", dims, types, concrete("[True, True]")), table(), &why));
}

TEST(shape_estimates, bytes_of_elementwise_normalization_and_reduction) {
  // add(x[16, 559, 1024] bf16, y[1024] bf16): both read, broadcast output written.
  const auto add = estimate(make_op("aten::add", {{16, 559, 1024}, {1024}, {}}, {bf16, bf16, "Scalar"}, {"", "", "1"}));
  EXPECT_EQ(add.formula, "elementwise");
  EXPECT_EQ(add.flop, 0.0);
  EXPECT_EQ(add.bytes, 2.0 * (16 * 559 * 1024 + 1024 + 16 * 559 * 1024));
  const auto eq = estimate(make_op("aten::eq", {{100}, {100}}, {"long int", "long int"}));
  EXPECT_EQ(eq.bytes, 8.0 * 200 + 1.0 * 100);  // bool output
  const auto copy = estimate(make_op("aten::copy_", {{10, 10}, {10, 10}, {}}, {bf16, "float", "Scalar"}));
  EXPECT_EQ(copy.bytes, 4.0 * 100 + 2.0 * 100);
  // Backward ops: tanh_backward(grad_output, output) reads two, writes one; the layer-norm
  // backward reads grad_out, input, mean, rstd, weight, bias and writes grad_input (the A100
  // trace-diff fixture's shapes).
  const auto tanh_back = estimate(make_op("aten::tanh_backward", {{1024, 512}, {1024, 512}}, {"float", "float"}));
  EXPECT_EQ(tanh_back.bytes, 4.0 * 3 * 1024 * 512);
  const auto norm_back = estimate(make_op("aten::native_layer_norm_backward", {{1024, 512}, {1024, 512}, {}, {1024, 1}, {1024, 1}, {512}, {512}, {}},
                                          {"float", "float", "", "float", "float", "float", "float", ""}));
  EXPECT_EQ(norm_back.formula, "normalization");
  EXPECT_EQ(norm_back.bytes, 4.0 * (3 * 1024 * 512 + 2 * 1024 + 2 * 512));
  // fp8 GEMM with scales: _scaled_mm(A [128, 256] e4m3, B [256, 64] e4m3, scale_a, scale_b, ...).
  const auto fp8 = estimate(make_op("aten::_scaled_mm", {{128, 256}, {256, 64}, {}, {}}, {"c10::Float8_e4m3fn", "c10::Float8_e4m3fn", "float", "float"}));
  EXPECT_EQ(fp8.formula, "gemm");
  EXPECT_EQ(fp8.precision, "fp8");
  EXPECT_EQ(fp8.flop, 2.0 * 128 * 64 * 256);
  const auto norm = estimate(make_op("aten::native_layer_norm", {{4, 1024}, {}, {1024}, {1024}, {}},
                                     {"float", "ScalarList", "float", "float", "Scalar"}));
  EXPECT_EQ(norm.formula, "normalization");
  EXPECT_EQ(norm.bytes, 4.0 * (4 * 1024 + 1024 + 1024 + 4 * 1024));
  // mean over the last dimension: [16, 559, 1024] -> [16, 559, 1].
  const auto mean = estimate(make_op("aten::mean", {{16, 559, 1024}, {}, {}, {}}, {"float", "ScalarList", "Scalar", ""},
                                     {"", "[-1]", "True", ""}));
  EXPECT_EQ(mean.formula, "reduction");
  EXPECT_EQ(mean.bytes, 4.0 * (16 * 559 * 1024 + 16 * 559));
  const auto all = estimate(make_op("aten::sum", {{6, 7}}, {"float"}));
  EXPECT_EQ(all.bytes, 4.0 * (42 + 1));
}

trace_op list_op(const std::string& name, std::vector<std::vector<std::int64_t>> tensors) {
  trace_op op;
  op.id = 1;
  op.name = name;
  op.inputs = interned_op_inputs(op_inputs{{{}, {}}, {"TensorList", "Scalar"}, {"", "-1"}, {std::move(tensors), {}}});
  return op;
}

const std::string cat_bf16_kernel =
    "void at::native::(anonymous namespace)::CatArrayBatchedCopy<at::native::(anonymous namespace)::OpaqueType<2u>, "
    "unsigned int, 4, 64, 64>(at::native::(anonymous namespace)::OpaqueType<2u>*, ...)";

TEST(shape_estimates, concat_reads_every_listed_tensor_and_writes_as_much) {
  // The H100 Qwen fixture's rotary-embedding cat: two [16, 16, 559, 32] halves, bf16.
  const trace_op cat = list_op("aten::cat", {{16, 16, 559, 32}, {16, 16, 559, 32}});
  std::string why;
  const auto e = estimate_op(cat, table(), &why, cat_bf16_kernel);
  ASSERT_TRUE(e.has_value()) << why;
  EXPECT_EQ(e->formula, "concat");
  EXPECT_EQ(e->flop, 0.0);
  EXPECT_EQ(e->bytes, 2.0 * 2.0 * (2 * 16 * 16 * 559 * 32));
  EXPECT_EQ(e->precision, "");
  const auto fp32 = estimate_op(list_op("aten::stack", {{3, 5}, {3, 5}, {3, 5}}), table(), &why,
                                "CatArrayBatchedCopy<float, unsigned int, 2, 64, 64>(float*, ...)");
  ASSERT_TRUE(fp32.has_value()) << why;
  EXPECT_EQ(fp32->bytes, 2.0 * 4.0 * 45);
  EXPECT_EQ(fp32->precision, "fp32");

  // No element type in the kernel's name, or shapes recorded without the list (older Kineto).
  EXPECT_FALSE(estimate_op(cat, table(), &why, "elementwise_kernel<128, 4>").has_value());
  EXPECT_EQ(why, "concat: element type not in the kernel name");
  EXPECT_FALSE(estimate_op(cat, table(), &why).has_value());
  EXPECT_FALSE(estimate_op(make_op("aten::cat", {{}, {}}, {"TensorList", "Scalar"}), table(), &why, cat_bf16_kernel).has_value());
  EXPECT_EQ(why, "concat: tensor-list shapes not recorded");
}

TEST(shape_estimates, foreach_reads_every_list_and_writes_one_like_the_first) {
  // _foreach_add_(self [[10, 20], [20]], other [[10, 20], [20]], alpha): read both, write self.
  trace_op add;
  add.id = 1;
  add.name = "aten::_foreach_add_";
  add.inputs = interned_op_inputs(op_inputs{{{}, {}, {}}, {"TensorList", "TensorList", "Scalar"}, {"", "", "1"},
                                            {{{10, 20}, {20}}, {{10, 20}, {20}}, {}}});
  const std::string kernel =
      "void at::native::(anonymous namespace)::multi_tensor_apply_kernel<at::native::(anonymous namespace)::TensorListMetadata<2>, "
      "at::native::(anonymous namespace)::BinaryOpListAlphaFunctor<float, 2, 2, 0>, std::plus<float>, float>(...)";
  std::string why;
  const auto e = estimate_op(add, table(), &why, kernel);
  ASSERT_TRUE(e.has_value()) << why;
  EXPECT_EQ(e->formula, "foreach");
  EXPECT_EQ(e->precision, "fp32");
  EXPECT_EQ(e->bytes, 4.0 * (220 + 220 + 220));
  // apex's Adam kernel names its type as AdamFunctor<float>.
  EXPECT_TRUE(estimate_op(add, table(), &why,
                          "void multi_tensor_apply_kernel<TensorListMetadata<4>, AdamFunctor<float>, float, float>(int, int volatile*)"));
  EXPECT_FALSE(estimate_op(add, table(), &why, "some_kernel<float>"));
  EXPECT_EQ(why, "foreach: element type not in the kernel name");

  // _fused_adam_(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs [], state_steps, ...):
  // five lists read, params, exp_avgs and exp_avg_sqs written.
  trace_op adam;
  adam.id = 2;
  adam.name = "aten::_fused_adam_";
  const std::vector<std::vector<std::int64_t>> p{{10, 20}, {20}};
  adam.inputs = interned_op_inputs(op_inputs{{{}, {}, {}, {}, {}, {}}, {"TensorList", "TensorList", "TensorList", "TensorList", "TensorList", "TensorList"},
                                             {}, {p, p, p, p, {}, {{}, {}}}});
  const auto fused = estimate_op(adam, table(), &why, "multi_tensor_apply_kernel<TensorListMetadata<4>, FusedAdamMathFunctor<float, 4>>");
  ASSERT_TRUE(fused.has_value()) << why;
  EXPECT_EQ(fused->bytes, 4.0 * (4 * 220 + 2 + 3 * 220));
}

TEST(shape_estimates, index_select_and_embedding_move_the_picked_rows) {
  // The H100 BERT fixture: index_select(self [512, 512] bf16, dim 0, index [141] int64).
  const auto rows = estimate(make_op("aten::index_select", {{512, 512}, {}, {141}}, {bf16, "Scalar", "long int"}, {"", "0", ""}));
  EXPECT_EQ(rows.formula, "index_select");
  EXPECT_EQ(rows.precision, "bf16");
  EXPECT_EQ(rows.bytes, 8.0 * 141 + 2.0 * 2.0 * 141 * 512);
  // dim -1 of [4, 6, 10] with 3 indices: 4 * 6 * 3 elements picked.
  const auto last = estimate(make_op("aten::index_select", {{4, 6, 10}, {}, {3}}, {"float", "Scalar", "long int"}, {"", "-1", ""}));
  EXPECT_EQ(last.bytes, 8.0 * 3 + 2.0 * 4.0 * 4 * 6 * 3);
  // embedding(weight [151936, 1024], indices [2, 559]): 1118 rows of 1024.
  const auto embed = estimate(make_op("aten::embedding", {{151936, 1024}, {2, 559}, {}, {}, {}},
                                      {bf16, "long int", "Scalar", "Scalar", "Scalar"}, {"", "", "-1", "False", "False"}));
  EXPECT_EQ(embed.bytes, 8.0 * 1118 + 2.0 * 2.0 * 1118 * 1024);
  std::string why;
  EXPECT_FALSE(estimate_op(make_op("aten::index_select", {{512, 512}, {}, {141}}, {bf16, "Scalar", "long int"}, {"", "2", ""}), table(), &why));
  EXPECT_EQ(why, "index_select: dim out of range");
  EXPECT_FALSE(estimate_op(make_op("aten::index_select", {{512, 512}, {}, {141}}, {bf16, "Scalar", "long int"}), table(), &why));
  EXPECT_EQ(why, "index_select: dim not recorded (Concrete Inputs)");
}

/// A launch of `op` from `start` to `end` ns.
trace_kernel op_kernel(std::int64_t id, std::string name, std::int64_t start, std::int64_t end, std::optional<std::int64_t> op) {
  trace_kernel k;
  k.id = id;
  k.name = std::move(name);
  k.start_ns = start;
  k.end_ns = end;
  k.op_id = op;
  return k;
}

TEST(shape_estimates, attach_reads_a_tensor_lists_element_type_from_the_ops_kernel) {
  trace t;
  t.ops.push_back(list_op("aten::cat", {{1, 559, 32}, {1, 559, 32}}));
  t.ops[0].id = 3;
  trace_kernel k = op_kernel(1, "_ZN2at6native18CatArrayBatchedCopyE", 0, 100, 3);  // a mangled name: the demangled one is read
  k.demangled = cat_bf16_kernel;
  t.kernels.push_back(k);
  const estimate_summary s = attach_shape_estimates(t, table());
  EXPECT_EQ(s.kernels_estimated, 1);
  ASSERT_TRUE(t.kernels[0].estimate.has_value());
  EXPECT_EQ(t.kernels[0].estimate->bytes, 2.0 * 2.0 * 2 * 559 * 32);
}

TEST(shape_estimates, split_k_reduction_shares_the_bytes_but_none_of_the_flop) {
  trace t;
  t.ops.push_back(make_op("aten::mm", {{64, 32}, {32, 16}}, {"float", "float"}));
  t.ops[0].id = 7;
  t.kernels = {op_kernel(1, "void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_64x64_32x4_nn_align1>(T1::Params)", 0, 300, 7),
               op_kernel(2, "void splitKreduce_kernel<float, float, float, float, true, false, false>(cublasSplitKParams<float>, float const*)",
                         400, 500, 7)};
  (void)attach_shape_estimates(t, table());
  ASSERT_TRUE(t.kernels[0].estimate && t.kernels[1].estimate);
  const double flop = 2.0 * 64 * 16 * 32, bytes = 4.0 * (64 * 32 + 32 * 16 + 64 * 16);
  EXPECT_EQ(t.kernels[0].estimate->flop, flop);
  EXPECT_EQ(t.kernels[0].estimate->flop_share, 1.0);
  EXPECT_EQ(t.kernels[0].estimate->bytes, 0.75 * bytes);
  EXPECT_EQ(t.kernels[1].estimate->flop, 0.0);
  EXPECT_EQ(t.kernels[1].estimate->flop_share, 0.0);
  EXPECT_EQ(t.kernels[1].estimate->bytes, 0.25 * bytes);
  EXPECT_EQ(t.kernels[1].estimate->share, 0.25);
}

TEST(shape_estimates, fp32_work_on_tf32_tensor_cores_is_tf32) {
  trace t;
  t.ops.push_back(make_op("aten::mm", {{64, 32}, {32, 16}}, {"float", "float"}));
  t.ops[0].id = 7;
  t.ops.push_back(make_op("aten::mm", {{64, 32}, {32, 16}}, {"float", "float"}));
  t.ops[1].id = 8;
  t.kernels = {op_kernel(1, "void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_64x64_32x6_tn_align1>(T1::Params)", 0, 100, 7),
               op_kernel(2, "ampere_sgemm_128x128_tn", 0, 100, 8)};
  (void)attach_shape_estimates(t, table());
  ASSERT_TRUE(t.kernels[0].estimate && t.kernels[1].estimate);
  EXPECT_EQ(t.kernels[0].estimate->precision, "tf32");
  EXPECT_EQ(t.kernels[1].estimate->precision, "fp32");
  EXPECT_EQ(t.kernels[0].estimate->flop, t.kernels[1].estimate->flop);
}

TEST(shape_estimates, attach_shares_an_op_among_its_kernels_by_duration) {
  trace t;
  t.ops.push_back(make_op("aten::mm", {{64, 32}, {32, 16}}, {"float", "float"}));
  t.ops[0].id = 7;
  t.ops.push_back(make_op("aten::frobnicate", {{1}}, {"float"}));
  t.ops[1].id = 8;
  t.kernels = {op_kernel(1, "", 0, 300, 7), op_kernel(2, "", 400, 500, 7), op_kernel(3, "", 600, 700, 8),
               op_kernel(4, "", 800, 900, std::nullopt)};
  const estimate_summary s = attach_shape_estimates(t, table());
  EXPECT_EQ(s.ops_estimated, 1);
  EXPECT_EQ(s.kernels_estimated, 2);
  EXPECT_EQ(s.not_estimated.at("no formula for aten::frobnicate"), 1);
  const double flop = 2.0 * 64 * 16 * 32;
  ASSERT_TRUE(t.kernels[0].estimate && t.kernels[1].estimate);
  EXPECT_EQ(t.kernels[0].estimate->share, 0.75);
  EXPECT_EQ(t.kernels[0].estimate->flop, 0.75 * flop);
  EXPECT_EQ(t.kernels[1].estimate->flop, 0.25 * flop);
  EXPECT_EQ(t.kernels[0].estimate->op_id, 7);
  EXPECT_FALSE(t.kernels[0].estimate->flop_share.has_value());  // the same as share
  EXPECT_FALSE(t.kernels[2].estimate.has_value());
  EXPECT_FALSE(t.kernels[3].estimate.has_value());
}

}  // namespace
}  // namespace rafter

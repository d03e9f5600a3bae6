#include "analysis/kernel_classifier.hpp"

#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rafter {
namespace {

kernel_classifier default_table() { return kernel_classifier::load(RAFTER_SOURCE_DIR "/configs/kernel_classes.json"); }

// Names as recorded in real traces (H100 Qwen, A100 DDP, B200 FlashInfer), shortened.
TEST(kernel_classifier, default_table_classifies_real_kernel_names) {
  const kernel_classifier c = default_table();
  const std::vector<std::pair<const char*, kernel_class>> cases{
      {"sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x128x64_warpgroupsize1x1x1_execute_segment_k_off_kernel__5x_cublas",
       kernel_class::gemm},
      {"void cutlass::Kernel2<cutlass_80_simt_sgemm_128x32_8x5_nn_align1>(cutlass_80_simt_sgemm_128x32_8x5_nn_align1::Params)",
       kernel_class::gemm},
      {"sm80_xmma_fprop_implicit_gemm_indexed_tf32f32_tf32f32_f32_nhwckrsc_nchw_tilesize128x128x16_stage4", kernel_class::gemm},
      // Recent cuBLAS names its Hopper and Blackwell GEMMs nvjet_* (name as quoted in nsys-ai #582).
      {"nvjet_sm90_hss_320x128", kernel_class::gemm},
      // vLLM's Triton MoE grouped GEMM, not an elementwise "fused_" kernel.
      {"fused_moe_kernel", kernel_class::gemm},
      {"triton_red_fused__to_copy_add_mean_mul_pow_rsqrt_0", kernel_class::reduction},
      {"triton_poi_fused_add_mul_silu_1", kernel_class::elementwise},
      {"void at::native::(anonymous namespace)::convert_kernel<float>", kernel_class::other},
      {"void pytorch_flash::flash_fwd_kernel<pytorch_flash::Flash_fwd_kernel_traits<64, 128, 128, 4, false, false, cutlass::bfloat16_t>>",
       kernel_class::attention},
      {"BatchDecodeWithPagedKVCacheKernel", kernel_class::attention},
      {"void at::native::(anonymous namespace)::vectorized_layer_norm_kernel<float, float>", kernel_class::normalization},
      {"void cudnn::bn_fw_tr_1C11_singleread<float, 512, true, 1, 2, 0>(cudnn::bn_fw_tr_1C11_args<float>)", kernel_class::normalization},
      // Layer-norm backward (PyTorch; apex), as in the A100 trace-diff fixture, where they fell to other.
      {"void at::native::(anonymous namespace)::GammaBetaBackwardCUDAKernel<float, float>(long, long, float const*, float const*, "
       "float const*, float const*, float*, float*)",
       kernel_class::normalization},
      {"void cuComputePartGradGammaBeta<float, float, float>", kernel_class::normalization},
      // FBGEMM embedding bookkeeping: data movement.
      {"void permute_pooled_embs_kernel<float>(float const*, long const*, long const*, long const*, float*, long, long)",
       kernel_class::elementwise},
      {"void bounds_check_indices_kernel<long>", kernel_class::elementwise},
      // TensorFlow (the A100 NeRF nsys fixture): Eigen's assign kernels, bias add, random fill, SplitV,
      // check_numerics (mangled in that trace); an Eigen reduction stays a reduction.
      {"void Eigen::internal::EigenMetaKernel<Eigen::TensorEvaluator<const Eigen::TensorAssignOp<Eigen::TensorMap<"
       "Eigen::Tensor<float, (int)1, (int)1, int>, (int)16, Eigen::MakePointer>, const Eigen::TensorCwiseBinaryOp<"
       "Eigen::internal::scalar_product_op<float, float>, ...>>, Eigen::GpuDevice>, long>(T1, T2)",
       kernel_class::elementwise},
      {"void Eigen::internal::FullReductionKernel<256, 128, Eigen::TensorEvaluator<...>>", kernel_class::reduction},
      {"void tensorflow::BiasNHWCKernel<Eigen::half>(int, const T1 *, const T1 *, T1 *, int)", kernel_class::elementwise},
      {"void tensorflow::functor::FillPhiloxRandomKernelLaunch<tensorflow::random::UniformDistribution<"
       "tensorflow::random::PhiloxRandom, float>>",
       kernel_class::elementwise},
      {"void tensorflow::SplitVOpKernel_fixed<float>(const T1 *, int, int, tensorflow::GpuDeviceArrayStruct<T1 *, (int)8>)",
       kernel_class::copy},
      {"_ZN10tensorflow67_GLOBAL__N__c6b73f6f_27_check_numerics_op_gpu_cu_cc_020c7bc0_10225319CheckNumericsKernelIfEEvPKT_iPi",
       kernel_class::reduction},
      {"void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::MeanOps<float, float, float, float>>>",
       kernel_class::reduction},
      {"void at::native::vectorized_elementwise_kernel<4, at::native::(anonymous namespace)::silu_kernel(at::TensorIteratorBase&)>",
       kernel_class::elementwise},
      {"void at::native::(anonymous namespace)::multi_tensor_apply_kernel<at::native::(anonymous namespace)::TensorListMetadata<2>>",
       kernel_class::elementwise},
      {"ncclKernel_AllReduce_RING_LL_Sum_float(ncclDevComm*, unsigned long, ncclWork*)", kernel_class::communication},
      {"ncclDevKernel_AllGather_RING_LL(ncclDevKernelArgsStorage<4096ul>)", kernel_class::communication},
      {"void at::native::elementwise_kernel<128, 4, at::native::gpu_kernel_impl_nocast<at::native::direct_copy_kernel_cuda(at::TensorIteratorBase&)>>",
       kernel_class::copy},
      {"void cudnn::ops::nchwToNhwcKernel<float, float, float, false, true, (cudnnKernelDataType_t)2>", kernel_class::copy},
      {"Memset (Device)", kernel_class::copy},
      {"void at::native::(anonymous namespace)::distribution_elementwise_grid_stride_kernel<float, 4, normal_kernel>",
       kernel_class::elementwise},
      // XLA GPU (JAX) fusions, names as in published JAX profiles: '<kind>_<root op>_fusion[_N]', 'wrapped_<op>'.
      {"loop_add_fusion", kernel_class::elementwise},
      {"loop_multiply_fusion_1", kernel_class::elementwise},
      {"loop_convert_fusion", kernel_class::elementwise},
      {"wrapped_convert", kernel_class::elementwise},
      {"wrapped_add_2", kernel_class::elementwise},
      {"input_scatter_fusion_59", kernel_class::elementwise},
      {"input_reduce_fusion_92", kernel_class::reduction},
      {"loop_reduce_fusion", kernel_class::reduction},
      {"loop_transpose_fusion_3", kernel_class::copy},
      {"loop_dynamic_update_slice_fusion_98", kernel_class::copy},
      {"loop_broadcast_fusion_2", kernel_class::copy},
      {"wrapped_transpose", kernel_class::copy},
      {"gemm_fusion_dot_265", kernel_class::gemm},
      {"fusion_2634", kernel_class::other},
      {"loop_reduce_precision_fusion", kernel_class::elementwise},  // an elementwise op, not a reduction
      {"input_reduce_window_fusion_3", kernel_class::reduction},
      {"wrapped_bitcast", kernel_class::copy},
      // A user's Triton kernels whose names start like XLA's are not taken for XLA fusions.
      {"wrapped_matmul_kernel", kernel_class::gemm},
      {"wrapped_flash_attn_fwd", kernel_class::attention},
      {"my_custom_kernel", kernel_class::other},
      // Parameter types say nothing about the kernel (cuDNN passes a cudnn::reduced_divisor to many).
      {"void fft2d_r2c_32x32<float, false, 0u, false>(float2*, float const*, int, int, cudnn::reduced_divisor, bool, int2, int, int)",
       kernel_class::other},
      {"void foldedNhwcToNhwcKernel<__half, __half, float, true>(int, int, __half const*, __half*, float, cudnn::reduced_divisor)",
       kernel_class::copy},
      {"void cudnn::detail::pooling_fw_4d_kernel<__half, float, cudnn::detail::maxpooling_func<float, (cudnnNanPropagation_t)0>, 0, false>"
       "(cudnnTensorStruct, __half const*, cudnnTensorStruct, __half*, cudnnPoolingStruct, float, float, int, cudnn::reduced_divisor, "
       "cudnn::reduced_divisor)",
       kernel_class::reduction},
      {"void at::native::(anonymous namespace)::max_pool_forward_nchw<float, float>(int, float const*, long, long)",
       kernel_class::reduction},
      // cuBLASLt's separate epilogue (bias, activation) of a GEMM: named by its namespace only.
      {"void epilogue::impl::globalKernel<float, float, float, true, true>(int, int, long, float*, cublasLtEpilogue_t, int)",
       kernel_class::gemm},
      {"void splitKreduce_kernel<float, float, float, float, true, false, false>(cublasSplitKParams<float>, float const*)",
       kernel_class::gemm},  // cuBLAS split-K: the GEMM's partial sums
      // FBGEMM GPU's index shuffles (V100 trace-diff fixture) are not GEMMs; its GEMMs still are.
      {"void fbgemm_gpu::permute_2D_lengths_kernel<int>(int, int, int const*, int const*, int*)", kernel_class::elementwise},
      {"void fbgemm_gpu::permute_indices_weights_kernel<true, int, float>(int, int, int, int const*, float const*)",
       kernel_class::elementwise},
      {"void fbgemm_gpu::_offsets_range_cuda_kernel<long>(long, long, long const*, long*)", kernel_class::other},
      {"void fbgemm_gpu::bf16_gemm_kernel<128>(float const*)", kernel_class::gemm},
      {"fbgemm", kernel_class::other},
      {"sgemm_128x64_nn", kernel_class::gemm},
      {"bgemm", kernel_class::gemm},
      // cuDNN's implicit-GEMM convolutions (A100 DDP fixture; V100 deepcam) and a GEMM's index setup.
      {"cudnn_infer_ampere_scudnn_128x64_relu_xregs_large_nn_v1", kernel_class::gemm},
      {"volta_fp16_scudnn_fp16_128x64_relu_interior_nn_v1", kernel_class::gemm},
      {"cudnn::gemm::computeOffsetsKernel(cudnn::gemm::ComputeOffsetsParams)", kernel_class::other},
      {"void cask_cudnn_infer::computeOffsetsKernel<false, false>(cask_cudnn_infer::ComputeOffsetsParams)", kernel_class::other},
      // reduction='none': one loss per element (V100 deepcam fixture).
      {"void SpatialClassNLLCriterion_updateOutput_no_reduce_kernel<float>(long, THCDeviceTensor<float, 4, int, DefaultPtrTraits>)",
       kernel_class::elementwise},
      {"cudnn::gemm::computeBOffsetsKernel(cudnn::gemm::ComputeBOffsetsParams)", kernel_class::other},
      // FlashInfer's and vLLM's kernels around attention carry "flash" in their names.
      {"void flashinfer::norm::RMSNormKernel<8u, __nv_bfloat16>(__nv_bfloat16*, __nv_bfloat16*, __nv_bfloat16*, unsigned int)",
       kernel_class::normalization},
      {"void flashinfer::activation::act_and_mul_kernel<__nv_bfloat16, &silu<float>>(__nv_bfloat16*, __nv_bfloat16 const*, int)",
       kernel_class::elementwise},
      {"void flashinfer::BatchQKApplyRotaryPosIdsCosSinCacheKernel<true, 128u, 8u, 16u, __nv_bfloat16, long>(long)",
       kernel_class::elementwise},
      {"void flashinfer::sampling::TopKTopPSamplingFromProbKernel<1024u, (cub::BlockScanAlgorithm)0, 4u, true, float, int>(float*)",
       kernel_class::reduction},
      {"void flashinfer::AppendPagedKVCacheKernel<128u, 8u, __nv_bfloat16, int>(flashinfer::paged_kv_t<__nv_bfloat16, int>)",
       kernel_class::copy},
      {"void vllm::reshape_and_cache_flash_kernel<__nv_bfloat16, __nv_bfloat16, (vllm::Fp8KVCacheDataType)0>(__nv_bfloat16 const*)",
       kernel_class::copy},
      // An attention kernel whose template arguments name its rotary encoding is still attention.
      {"void flashinfer::BatchPrefillWithPagedKVCacheKernel<KernelTraits<(PosEncodingMode)1>, kRoPELlama>(Params)",
       kernel_class::attention},
      {"smallReduceKernel", kernel_class::reduction},
      {"customAllReduceKernel", kernel_class::communication},
      {"Sm100PersistentDenseGemmAllReduceLDMCxSTMCKernel", kernel_class::communication},
      {"void at::native::unrolled_elementwise_kernel<_convert_dtype>(int)", kernel_class::elementwise},
      {"cudnn_conv", kernel_class::gemm},
      {"vllm::cross_device_reduce_1stage", kernel_class::communication},
      {"allreduce_fusion_kernel_oneshot_lamport", kernel_class::communication},
      {"all_gather_kernel", kernel_class::communication},
      // Template arguments still count: a generic launcher's functor names the work.
      {"void cutlass::device_kernel<flash::FlashAttnFwdSm90<flash::CollectiveMainloopFwd<128, 64> > >(flash::Params)",
       kernel_class::attention},
  };
  for (const auto& [name, expected] : cases) EXPECT_EQ(to_string(c.classify(name)), to_string(expected)) << name;
}

TEST(kernel_classifier, first_match_wins_and_user_rules_go_first) {
  const json user = json::parse(R"({"schema": "rafter.kernel_classes/1",
    "rules": [{"class": "attention", "pattern": "^my_custom"}, {"class": "other", "pattern": "gemm"}]})");
  kernel_classifier c = default_table();
  EXPECT_EQ(c.classify("my_custom_kernel"), kernel_class::other);
  EXPECT_EQ(c.classify("some_gemm_kernel"), kernel_class::gemm);
  c.prepend(kernel_classifier::from_json(user, "user.json"));
  EXPECT_EQ(c.classify("my_custom_kernel"), kernel_class::attention);
  EXPECT_EQ(c.classify("some_gemm_kernel"), kernel_class::other);  // The user's earlier rule wins.
  EXPECT_EQ(c.rules().front().file, "user.json");
}

TEST(kernel_classifier, rejects_bad_tables_naming_the_field) {
  auto error_of = [](const char* text) {
    try {
      (void)kernel_classifier::from_json(json::parse(text), "t.json");
    } catch (const input_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of(R"({"schema": "rafter.kernel_classes/1", "rules": [{"class": "gemm", "pattern": "(unclosed"}]})")
                .find("rules[0].pattern"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"schema": "rafter.kernel_classes/1", "rules": [{"class": "matmul", "pattern": "x"}]})").find("rules[0].class"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"schema": "rafter.kernel_classes/2", "rules": []})").find("unsupported major version 2"), std::string::npos);
  EXPECT_NE(error_of(R"({"schema": "rafter.machine/1", "rules": []})").find("not a kernel class table"), std::string::npos);
}

}  // namespace
}  // namespace rafter

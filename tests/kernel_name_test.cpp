#include "analysis/kernel_name.hpp"

#include <gtest/gtest.h>

namespace rafter {
namespace {

TEST(NormalizeKernelName, DropsVoidAndArgumentList) {
  EXPECT_EQ(normalize_kernel_name("void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, "
                                  "at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<float>, "
                                  "at::detail::Array<char*, 3>)"),
            "at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3> >");
  EXPECT_EQ(normalize_kernel_name("ncclKernel_SendRecv_RING_SIMPLE_Sum_int8_t(ncclWorkElem)"),
            "ncclKernel_SendRecv_RING_SIMPLE_Sum_int8_t");
  EXPECT_EQ(normalize_kernel_name("ampere_sgemm_128x64_nn"), "ampere_sgemm_128x64_nn");
  // "(anonymous namespace)" is part of the qualified name, not an argument list.
  EXPECT_EQ(normalize_kernel_name("void at::native::(anonymous namespace)::CatArrayBatchedCopy<float, 2>(float*, int)"),
            "at::native::(anonymous namespace)::CatArrayBatchedCopy<float, 2>");
  EXPECT_EQ(normalize_kernel_name("  k<float,   2ul>  "), "k<float, 2ul>");
}

TEST(NormalizeKernelName, MaskDigits) {
  EXPECT_EQ(normalize_kernel_name("void split_embedding_kernel<float, 2ul>(float*)", true),
            normalize_kernel_name("void split_embedding_kernel<float, 5ul>(float*)", true));
  EXPECT_EQ(normalize_kernel_name("volta_sgemm_128x64_nn", true), "volta_sgemm_#x#_nn");
}

}  // namespace
}  // namespace rafter

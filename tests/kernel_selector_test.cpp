#include "profiler/kernel_selector.hpp"

#include <gtest/gtest.h>

#include <pthread.h>

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "profiler/metric_set.hpp"

namespace {

using rafter::profiler::collector_config;
using rafter::profiler::kernel_selector;
using rafter::profiler::metric_set;

collector_config config(std::string regex, std::int64_t skip, std::optional<std::int64_t> max) {
  collector_config c;
  c.kernel_regex = std::move(regex);
  c.skip = skip;
  c.max_kernels = max;
  return c;
}

bool picks(kernel_selector& s, std::string_view name) { return s.select(name) == kernel_selector::choice::selected; }

TEST(kernel_selector, selects_every_launch_by_default) {
  kernel_selector s(config("", 0, std::nullopt));
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(picks(s, "any"));
  EXPECT_FALSE(s.exhausted());
  EXPECT_EQ(s.selected(), 100);
}

TEST(kernel_selector, skips_then_stops_after_max) {
  kernel_selector s(config("", 2, 3));
  const bool expected[] = {false, false, true, true, true, false, false};
  for (bool e : expected) EXPECT_EQ(picks(s, "k"), e);
  EXPECT_TRUE(s.exhausted());
}

TEST(kernel_selector, counts_skip_and_max_over_matching_launches_only) {
  kernel_selector s(config("gemm", 1, 2));
  EXPECT_FALSE(picks(s, "relu"));
  EXPECT_FALSE(picks(s, "sgemm_128"));  // first match: skipped
  EXPECT_FALSE(picks(s, "softmax"));
  EXPECT_TRUE(picks(s, "sgemm_128"));
  EXPECT_TRUE(picks(s, "hgemm"));
  EXPECT_FALSE(picks(s, "hgemm"));  // max reached
}

TEST(kernel_selector, matches_the_demangled_name_too) {
  kernel_selector s(config("^void attention<", 0, std::nullopt));
  EXPECT_TRUE(picks(s, "_Z9attentionIfEvPT_"));  // void attention<float>(float*)
  EXPECT_FALSE(picks(s, "_Z4gemmIfEvPT_"));
  EXPECT_FALSE(picks(s, "attention_plain"));  // the regex is anchored on "void attention<"
}

TEST(kernel_selector, max_zero_selects_nothing) {
  kernel_selector s(config("", 0, 0));
  EXPECT_TRUE(s.exhausted());
  EXPECT_FALSE(picks(s, "k"));
}

TEST(kernel_selector, never_selects_a_never_replayed_kernel_nor_counts_it) {
  kernel_selector s(config("", 1, 1), {"^ncclDevKernel", "vllm::cross_device_reduce"});
  EXPECT_EQ(s.select("ncclDevKernel_AllReduce_Sum_bf16_RING_LL"), kernel_selector::choice::never_replayed);
  // Mangled: "vllm::" appears in the demangled name only.
  EXPECT_EQ(s.select("_ZN4vllm26cross_device_reduce_1stageIfLi2EEEvPv"), kernel_selector::choice::never_replayed);
  EXPECT_EQ(s.select("gemm"), kernel_selector::choice::passed_over);  // --skip 1 counts this one only
  EXPECT_EQ(s.select("ncclDevKernel_AllGather_RING_LL"), kernel_selector::choice::never_replayed);
  EXPECT_EQ(s.select("gemm"), kernel_selector::choice::selected);
  EXPECT_TRUE(s.exhausted());
}

#if defined(__SANITIZE_ADDRESS__)
constexpr std::size_t k_sanitizer_frame_factor = 4;  // AddressSanitizer's redzones make frames ~4x larger
#else
constexpr std::size_t k_sanitizer_frame_factor = 1;
#endif

TEST(kernel_selector, searches_a_names_first_characters_only_and_a_huge_name_needs_little_stack) {
  kernel_selector s(config("", 0, std::nullopt), {"tensorrt_llm::kernels::.*[Aa]ll[Rr]educe", "^nccl"});
  const std::string filler(200'000, 'x');  // template arguments, as CUTLASS kernels carry
  // The marks within the window count, wherever the name goes on; a mark past it is not seen.
  const std::string early = "void tensorrt_llm::kernels::oneShotAllReduceKernel<" + filler + ">";
  const std::string late = "void tensorrt_llm::kernels::gemm<" + filler + ">AllReduce";
  kernel_selector::choice early_choice{}, late_choice{};
  // On a thread with a 256 KiB stack: an unbounded search through 200,000 characters of `.*`
  // recursed deeper than that (and than a default 8 MiB stack).
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, 256 * 1024 * k_sanitizer_frame_factor), 0);
  struct work {
    kernel_selector* s;
    const std::string* early;
    const std::string* late;
    kernel_selector::choice* early_choice;
    kernel_selector::choice* late_choice;
  } w{&s, &early, &late, &early_choice, &late_choice};
  pthread_t thread;
  ASSERT_EQ(pthread_create(
                &thread, &attr,
                [](void* p) -> void* {
                  auto& x = *static_cast<work*>(p);
                  *x.early_choice = x.s->select(*x.early);
                  *x.late_choice = x.s->select(*x.late);
                  return nullptr;
                },
                &w),
            0);
  ASSERT_EQ(pthread_join(thread, nullptr), 0);
  pthread_attr_destroy(&attr);
  EXPECT_EQ(early_choice, kernel_selector::choice::never_replayed);
  EXPECT_EQ(late_choice, kernel_selector::choice::selected);
}

TEST(kernel_selector, the_shipped_patterns_never_replay_known_collective_kernels) {
  const auto shipped = metric_set::load(std::string(RAFTER_SOURCE_DIR) + "/configs/collector_metrics.json");
  kernel_selector s(config("", 0, std::nullopt), shipped.never_replayed());
  for (const char* name : {
           "ncclDevKernel_AllReduce_Sum_bf16_RING_LL(ncclDevComm*, unsigned long, ncclWork*)",
           "_Z39ncclDevKernel_AllGather_RING_LL128P11ncclDevCommmP8ncclWork",
           "void vllm::cross_device_reduce_1stage<__nv_bfloat16, 8>(vllm::RankData*, vllm::RankSignals, vllm::Signal*, "
           "__nv_bfloat16*, int, int)",
           "void sglang::cross_device_reduce_2stage<float, 4>(sglang::RankData*, sglang::RankSignals, sglang::Signal*, "
           "float*, int, int)",
           "void tensorrt_llm::kernels::oneShotAllReduceKernel<__nv_bfloat16, 8, true>(tensorrt_llm::kernels::AllReduceParams)",
           "void c10d::intra_node_comm::oneShotAllReduceKernel<2>(c10d::intra_node_comm::AllReduceParams)",
           "userbuffers_fp16_sum_inplace_gpu_rw(int, int, int, int, int, int, void**, int)",
           "void nvshmemi_transfer_rma_nbi<(nvshmemi_op_t)0>(void*, void const*, unsigned long, int)"}) {
    EXPECT_EQ(s.select(name), kernel_selector::choice::never_replayed) << name;
  }
  for (const char* name : {"void cutlass::Kernel2<cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_64x64_32x6_tn_align8>("
                           "cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_64x64_32x6_tn_align8::Params)",
                           "void at::native::vectorized_elementwise_kernel<4, at::native::FillFunctor<float>, "
                           "std::array<char*, 1ul> >(int, at::native::FillFunctor<float>, std::array<char*, 1ul>)"}) {
    EXPECT_EQ(s.select(name), kernel_selector::choice::selected) << name;
  }
}

TEST(kernel_selector, a_selected_launch_that_failed_leaves_its_place_to_the_next) {
  kernel_selector s(config("", 1, 1));
  EXPECT_FALSE(picks(s, "k"));  // --skip 1
  EXPECT_TRUE(picks(s, "k"));
  EXPECT_TRUE(s.exhausted());
  s.selected_launch_failed();
  EXPECT_FALSE(s.exhausted());
  EXPECT_TRUE(picks(s, "k"));  // not skipped again: --skip counts launches, failed or not
  EXPECT_TRUE(s.exhausted());
  EXPECT_EQ(s.selected(), 1);
}

TEST(kernel_selector, rejects_a_bad_regex) {
  EXPECT_THROW(kernel_selector(config("(unclosed", 0, std::nullopt)), rafter::usage_error);
}

}  // namespace

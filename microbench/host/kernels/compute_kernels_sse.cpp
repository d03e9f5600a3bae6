// Compute inner loops on xmm registers (128-bit, SSE encoding, no FMA at this tier): 12
// accumulators each, mul then add kept separate by an empty asm (no contraction).
#include <nmmintrin.h>

#include "microbench/host/kernels/compute_chain_loop.hpp"
#include "microbench/host/kernels/compute_kernel_set.hpp"

namespace rafter::host::detail {

namespace {

constexpr std::size_t accumulators = 12;

struct fp64_addmul {
  using vec = __m128d;
  static vec load(const void* base, std::size_t i) { return _mm_load_pd(static_cast<const double*>(base) + 2 * i); }
  static void store(void* base, std::size_t i, vec v) { _mm_store_pd(static_cast<double*>(base) + 2 * i, v); }
  static vec step(vec acc, vec m, vec c) {
    vec product = _mm_mul_pd(acc, m);
    __asm__("" : "+x"(product));
    return _mm_add_pd(product, c);
  }
};
struct fp32_addmul {
  using vec = __m128;
  static vec load(const void* base, std::size_t i) { return _mm_load_ps(static_cast<const float*>(base) + 4 * i); }
  static void store(void* base, std::size_t i, vec v) { _mm_store_ps(static_cast<float*>(base) + 4 * i, v); }
  static vec step(vec acc, vec m, vec c) {
    vec product = _mm_mul_ps(acc, m);
    __asm__("" : "+x"(product));
    return _mm_add_ps(product, c);
  }
};

constexpr int n = static_cast<int>(accumulators);
const compute_loop_entry table[] = {
    {"fp64.vector.addmul", chain_loop<fp64_addmul, accumulators>, n, 16},
    {"fp32.vector.addmul", chain_loop<fp32_addmul, accumulators>, n, 16},
};

}  // namespace

const compute_loop_entry* compute_loops_sse(std::size_t& count) noexcept {
  count = sizeof(table) / sizeof(table[0]);
  return table;
}

}  // namespace rafter::host::detail

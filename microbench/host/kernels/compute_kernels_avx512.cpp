// Compute inner loops on zmm registers (512-bit): 16 accumulators each, enough for Zen 5 / Intel
// FMA latency (4-5 cycles) times two 512-bit pipes. The mul/add split of the addmul kernels is kept
// by an empty asm between them (no FMA contraction).
#include <immintrin.h>

#include "microbench/host/kernels/compute_chain_loop.hpp"
#include "microbench/host/kernels/compute_kernel_set.hpp"

namespace rafter::host::detail {

namespace {

constexpr std::size_t accumulators = 16;

struct pd {
  using vec = __m512d;
  static vec load(const void* base, std::size_t i) { return _mm512_load_pd(static_cast<const __m512d*>(base) + i); }
  static void store(void* base, std::size_t i, vec v) { _mm512_store_pd(static_cast<__m512d*>(base) + i, v); }
};
struct ps {
  using vec = __m512;
  static vec load(const void* base, std::size_t i) { return _mm512_load_ps(static_cast<const __m512*>(base) + i); }
  static void store(void* base, std::size_t i, vec v) { _mm512_store_ps(static_cast<__m512*>(base) + i, v); }
};
struct epi32 {
  using vec = __m512i;
  static vec load(const void* base, std::size_t i) { return _mm512_load_si512(static_cast<const __m512i*>(base) + i); }
  static void store(void* base, std::size_t i, vec v) { _mm512_store_si512(static_cast<__m512i*>(base) + i, v); }
};

struct fp64_fma : pd {
  static vec step(vec acc, vec m, vec c) { return _mm512_fmadd_pd(acc, m, c); }
};
struct fp64_addmul : pd {
  static vec step(vec acc, vec m, vec c) {
    vec product = _mm512_mul_pd(acc, m);
    __asm__("" : "+v"(product));
    return _mm512_add_pd(product, c);
  }
};
struct fp32_fma : ps {
  static vec step(vec acc, vec m, vec c) { return _mm512_fmadd_ps(acc, m, c); }
};
struct fp32_addmul : ps {
  static vec step(vec acc, vec m, vec c) {
    vec product = _mm512_mul_ps(acc, m);
    __asm__("" : "+v"(product));
    return _mm512_add_ps(product, c);
  }
};
/// vdpbf16ps: x and y are 32 bf16 values each, loaded as raw bits.
struct bf16_dot : ps {
  static vec step(vec acc, vec x, vec y) {
    return _mm512_dpbf16_ps(acc, reinterpret_cast<__m512bh&>(x), reinterpret_cast<__m512bh&>(y));
  }
};
/// vpdpbusd: x = 64 unsigned bytes, y = 64 signed bytes.
struct int8_dot : epi32 {
  static vec step(vec acc, vec x, vec y) { return _mm512_dpbusd_epi32(acc, x, y); }
};

constexpr int n = static_cast<int>(accumulators);
const compute_loop_entry table[] = {
    {"fp64.vector.fma", chain_loop<fp64_fma, accumulators>, n, 64},
    {"fp64.vector.addmul", chain_loop<fp64_addmul, accumulators>, n, 64},
    {"fp32.vector.fma", chain_loop<fp32_fma, accumulators>, n, 64},
    {"fp32.vector.addmul", chain_loop<fp32_addmul, accumulators>, n, 64},
    {"bf16.vector.dot", chain_loop<bf16_dot, accumulators>, n, 64},
    {"int8.vector.dot", chain_loop<int8_dot, accumulators>, n, 64},
};

}  // namespace

const compute_loop_entry* compute_loops_avx512(std::size_t& count) noexcept {
  count = sizeof(table) / sizeof(table[0]);
  return table;
}

}  // namespace rafter::host::detail

// Compute inner loops on ymm registers (256-bit, VEX): 12 accumulators each (16 registers: 12
// chains + 2 operands + 2 spare), enough for FMA latency 4-5 times two pipes. The int8 dot loop
// uses AVX-VNNI ({vex} vpdpbusd) and is only called when the CPU has it.
#include <immintrin.h>

#include "microbench/host/kernels/compute_chain_loop.hpp"
#include "microbench/host/kernels/compute_kernel_set.hpp"

namespace rafter::host::detail {

namespace {

constexpr std::size_t accumulators = 12;

struct pd {
  using vec = __m256d;
  static vec load(const void* base, std::size_t i) { return _mm256_load_pd(static_cast<const double*>(base) + 4 * i); }
  static void store(void* base, std::size_t i, vec v) { _mm256_store_pd(static_cast<double*>(base) + 4 * i, v); }
};
struct ps {
  using vec = __m256;
  static vec load(const void* base, std::size_t i) { return _mm256_load_ps(static_cast<const float*>(base) + 8 * i); }
  static void store(void* base, std::size_t i, vec v) { _mm256_store_ps(static_cast<float*>(base) + 8 * i, v); }
};

struct fp64_fma : pd {
  static vec step(vec acc, vec m, vec c) { return _mm256_fmadd_pd(acc, m, c); }
};
struct fp64_addmul : pd {
  static vec step(vec acc, vec m, vec c) {
    vec product = _mm256_mul_pd(acc, m);
    __asm__("" : "+x"(product));
    return _mm256_add_pd(product, c);
  }
};
struct fp32_fma : ps {
  static vec step(vec acc, vec m, vec c) { return _mm256_fmadd_ps(acc, m, c); }
};
struct fp32_addmul : ps {
  static vec step(vec acc, vec m, vec c) {
    vec product = _mm256_mul_ps(acc, m);
    __asm__("" : "+x"(product));
    return _mm256_add_ps(product, c);
  }
};

// AVX-VNNI is outside this file's baseline (-mavx2 -mfma), so the whole loop carries the target.
#define RAFTER_ACC12(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
__attribute__((target("avxvnni"))) void int8_dot_loop(std::size_t iterations, const void* init, const void* operands,
                                                        void* result) noexcept {
  const auto* in = static_cast<const __m256i*>(init);
  const auto* op = static_cast<const __m256i*>(operands);
  auto* out = static_cast<__m256i*>(result);
  const __m256i x = _mm256_load_si256(op);
  const __m256i y = _mm256_load_si256(op + 1);
#define RAFTER_LOAD(k) __m256i a##k = _mm256_load_si256(in + (k));
#define RAFTER_STEP(k) a##k = _mm256_dpbusd_avx_epi32(a##k, x, y);
#define RAFTER_STORE(k) _mm256_store_si256(out + (k), a##k);
  RAFTER_ACC12(RAFTER_LOAD)
  for (std::size_t i = 0; i < iterations; ++i) {
    RAFTER_ACC12(RAFTER_STEP)
  }
  RAFTER_ACC12(RAFTER_STORE)
#undef RAFTER_LOAD
#undef RAFTER_STEP
#undef RAFTER_STORE
}
#undef RAFTER_ACC12

constexpr int n = static_cast<int>(accumulators);
const compute_loop_entry table[] = {
    {"fp64.vector.fma", chain_loop<fp64_fma, accumulators>, n, 32},
    {"fp64.vector.addmul", chain_loop<fp64_addmul, accumulators>, n, 32},
    {"fp32.vector.fma", chain_loop<fp32_fma, accumulators>, n, 32},
    {"fp32.vector.addmul", chain_loop<fp32_addmul, accumulators>, n, 32},
    {"int8.vector.dot", int8_dot_loop, n, 32},
};

}  // namespace

const compute_loop_entry* compute_loops_avx2(std::size_t& count) noexcept {
  count = sizeof(table) / sizeof(table[0]);
  return table;
}

}  // namespace rafter::host::detail

// Bandwidth inner loops, AVX2 (ymm, 32-byte vectors), unrolled 8 vectors per iteration;
// temporal stores, and non-temporal (streaming) stores ending with sfence.
#include <immintrin.h>

#include <cstring>
#include <initializer_list>

#include "microbench/host/kernels/bandwidth_kernel_set.hpp"

namespace rafter::host::detail {

namespace {

/// Hides the pointer value from the optimizer: no idiom recognition (memcpy/memset), no hoisting
/// of a pass out of the pass loop. Emits no instruction.
template <class T>
inline void opaque(T*& pointer) noexcept { __asm__ volatile("" : "+r"(pointer)); }

constexpr std::size_t per_iteration = 8 * 4;  // elements of 8 bytes per unrolled iteration

/// Each 64-bit lane rotated left by 1 bit (AVX2 has no vector rotate).
inline __m256i rotl1(__m256i v) noexcept { return _mm256_or_si256(_mm256_slli_epi64(v, 1), _mm256_srli_epi64(v, 63)); }

std::uint64_t read_avx2(const std::uint64_t* data, std::size_t count, std::size_t passes) noexcept {
  const __m256i zero = _mm256_setzero_si256();
  __m256i a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero, a5 = zero, a6 = zero, a7 = zero;
  for (std::size_t pass = 0; pass < passes; ++pass) {
    for (__m256i* a : {&a0, &a1, &a2, &a3, &a4, &a5, &a6, &a7}) *a = rotl1(*a);
    const std::uint64_t* p = data;
    opaque(p);
    const std::uint64_t* const end = p + count;
    for (; p != end; p += per_iteration) {
      a0 = _mm256_xor_si256(a0, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + 0)));
      a1 = _mm256_xor_si256(a1, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + 4)));
      a2 = _mm256_xor_si256(a2, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + 8)));
      a3 = _mm256_xor_si256(a3, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + 12)));
      a4 = _mm256_xor_si256(a4, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + 16)));
      a5 = _mm256_xor_si256(a5, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + 20)));
      a6 = _mm256_xor_si256(a6, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + 24)));
      a7 = _mm256_xor_si256(a7, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + 28)));
    }
  }
  const __m256i acc = _mm256_xor_si256(_mm256_xor_si256(_mm256_xor_si256(a0, a1), _mm256_xor_si256(a2, a3)),
                                      _mm256_xor_si256(_mm256_xor_si256(a4, a5), _mm256_xor_si256(a6, a7)));
  std::uint64_t lanes[4];
  std::memcpy(lanes, &acc, sizeof(acc));
  std::uint64_t x = 0;
  for (std::uint64_t lane : lanes) x ^= lane;
  return x;
}

void write_avx2(std::uint64_t* data, std::size_t count, std::uint64_t value, std::size_t passes) noexcept {
  const __m256i v = _mm256_set1_epi64x(static_cast<long long>(value));
  for (std::size_t pass = 0; pass < passes; ++pass) {
    std::uint64_t* p = data;
    opaque(p);
    std::uint64_t* const end = p + count;
    for (; p != end; p += per_iteration) {
      _mm256_store_si256(reinterpret_cast<__m256i*>(p + 0), v);
      _mm256_store_si256(reinterpret_cast<__m256i*>(p + 4), v);
      _mm256_store_si256(reinterpret_cast<__m256i*>(p + 8), v);
      _mm256_store_si256(reinterpret_cast<__m256i*>(p + 12), v);
      _mm256_store_si256(reinterpret_cast<__m256i*>(p + 16), v);
      _mm256_store_si256(reinterpret_cast<__m256i*>(p + 20), v);
      _mm256_store_si256(reinterpret_cast<__m256i*>(p + 24), v);
      _mm256_store_si256(reinterpret_cast<__m256i*>(p + 28), v);
    }
  }
}

void copy_avx2(std::uint64_t* dst, const std::uint64_t* src, std::size_t count, std::size_t passes) noexcept {
  for (std::size_t pass = 0; pass < passes; ++pass) {
    std::uint64_t* d = dst;
    const std::uint64_t* s = src;
    opaque(d);
    opaque(s);
    const std::uint64_t* const end = s + count;
    for (; s != end; s += per_iteration, d += per_iteration) {
      const __m256i x0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(s + 0));
      const __m256i x1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(s + 4));
      const __m256i x2 = _mm256_load_si256(reinterpret_cast<const __m256i*>(s + 8));
      const __m256i x3 = _mm256_load_si256(reinterpret_cast<const __m256i*>(s + 12));
      const __m256i x4 = _mm256_load_si256(reinterpret_cast<const __m256i*>(s + 16));
      const __m256i x5 = _mm256_load_si256(reinterpret_cast<const __m256i*>(s + 20));
      const __m256i x6 = _mm256_load_si256(reinterpret_cast<const __m256i*>(s + 24));
      const __m256i x7 = _mm256_load_si256(reinterpret_cast<const __m256i*>(s + 28));
      _mm256_store_si256(reinterpret_cast<__m256i*>(d + 0), x0);
      _mm256_store_si256(reinterpret_cast<__m256i*>(d + 4), x1);
      _mm256_store_si256(reinterpret_cast<__m256i*>(d + 8), x2);
      _mm256_store_si256(reinterpret_cast<__m256i*>(d + 12), x3);
      _mm256_store_si256(reinterpret_cast<__m256i*>(d + 16), x4);
      _mm256_store_si256(reinterpret_cast<__m256i*>(d + 20), x5);
      _mm256_store_si256(reinterpret_cast<__m256i*>(d + 24), x6);
      _mm256_store_si256(reinterpret_cast<__m256i*>(d + 28), x7);
    }
  }
}

void triad_avx2(double* a, const double* b, const double* c, double s, std::size_t count, std::size_t passes) noexcept {
  const __m256d sv = _mm256_set1_pd(s);
  for (std::size_t pass = 0; pass < passes; ++pass) {
    double* pa = a;
    const double* pb = b;
    const double* pc = c;
    opaque(pa);
    opaque(pb);
    opaque(pc);
    const double* const end = pb + count;
    for (; pb != end; pa += per_iteration, pb += per_iteration, pc += per_iteration) {
      _mm256_store_pd(pa + 0, _mm256_fmadd_pd(sv, _mm256_load_pd(pc + 0), _mm256_load_pd(pb + 0)));
      _mm256_store_pd(pa + 4, _mm256_fmadd_pd(sv, _mm256_load_pd(pc + 4), _mm256_load_pd(pb + 4)));
      _mm256_store_pd(pa + 8, _mm256_fmadd_pd(sv, _mm256_load_pd(pc + 8), _mm256_load_pd(pb + 8)));
      _mm256_store_pd(pa + 12, _mm256_fmadd_pd(sv, _mm256_load_pd(pc + 12), _mm256_load_pd(pb + 12)));
      _mm256_store_pd(pa + 16, _mm256_fmadd_pd(sv, _mm256_load_pd(pc + 16), _mm256_load_pd(pb + 16)));
      _mm256_store_pd(pa + 20, _mm256_fmadd_pd(sv, _mm256_load_pd(pc + 20), _mm256_load_pd(pb + 20)));
      _mm256_store_pd(pa + 24, _mm256_fmadd_pd(sv, _mm256_load_pd(pc + 24), _mm256_load_pd(pb + 24)));
      _mm256_store_pd(pa + 28, _mm256_fmadd_pd(sv, _mm256_load_pd(pc + 28), _mm256_load_pd(pb + 28)));
    }
  }
}

void write_nt_avx2(std::uint64_t* data, std::size_t count, std::uint64_t value, std::size_t passes) noexcept {
  const __m256i v = _mm256_set1_epi64x(static_cast<long long>(value));
  for (std::size_t pass = 0; pass < passes; ++pass) {
    std::uint64_t* p = data;
    opaque(p);
    std::uint64_t* const end = p + count;
    for (; p != end; p += per_iteration) {
      _mm256_stream_si256(reinterpret_cast<__m256i*>(p + 0), v);
      _mm256_stream_si256(reinterpret_cast<__m256i*>(p + 4), v);
      _mm256_stream_si256(reinterpret_cast<__m256i*>(p + 8), v);
      _mm256_stream_si256(reinterpret_cast<__m256i*>(p + 12), v);
      _mm256_stream_si256(reinterpret_cast<__m256i*>(p + 16), v);
      _mm256_stream_si256(reinterpret_cast<__m256i*>(p + 20), v);
      _mm256_stream_si256(reinterpret_cast<__m256i*>(p + 24), v);
      _mm256_stream_si256(reinterpret_cast<__m256i*>(p + 28), v);
    }
  }
  _mm_sfence();
}

void copy_nt_avx2(std::uint64_t* dst, const std::uint64_t* src, std::size_t count, std::size_t passes) noexcept {
  for (std::size_t pass = 0; pass < passes; ++pass) {
    std::uint64_t* d = dst;
    const std::uint64_t* s = src;
    opaque(d);
    opaque(s);
    const std::uint64_t* const end = s + count;
    for (; s != end; s += per_iteration, d += per_iteration) {
      const __m256i x0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(s + 0));
      const __m256i x1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(s + 4));
      const __m256i x2 = _mm256_load_si256(reinterpret_cast<const __m256i*>(s + 8));
      const __m256i x3 = _mm256_load_si256(reinterpret_cast<const __m256i*>(s + 12));
      const __m256i x4 = _mm256_load_si256(reinterpret_cast<const __m256i*>(s + 16));
      const __m256i x5 = _mm256_load_si256(reinterpret_cast<const __m256i*>(s + 20));
      const __m256i x6 = _mm256_load_si256(reinterpret_cast<const __m256i*>(s + 24));
      const __m256i x7 = _mm256_load_si256(reinterpret_cast<const __m256i*>(s + 28));
      _mm256_stream_si256(reinterpret_cast<__m256i*>(d + 0), x0);
      _mm256_stream_si256(reinterpret_cast<__m256i*>(d + 4), x1);
      _mm256_stream_si256(reinterpret_cast<__m256i*>(d + 8), x2);
      _mm256_stream_si256(reinterpret_cast<__m256i*>(d + 12), x3);
      _mm256_stream_si256(reinterpret_cast<__m256i*>(d + 16), x4);
      _mm256_stream_si256(reinterpret_cast<__m256i*>(d + 20), x5);
      _mm256_stream_si256(reinterpret_cast<__m256i*>(d + 24), x6);
      _mm256_stream_si256(reinterpret_cast<__m256i*>(d + 28), x7);
    }
  }
  _mm_sfence();
}

void triad_nt_avx2(double* a, const double* b, const double* c, double s, std::size_t count,
                   std::size_t passes) noexcept {
  const __m256d sv = _mm256_set1_pd(s);
  for (std::size_t pass = 0; pass < passes; ++pass) {
    double* pa = a;
    const double* pb = b;
    const double* pc = c;
    opaque(pa);
    opaque(pb);
    opaque(pc);
    const double* const end = pb + count;
    for (; pb != end; pa += per_iteration, pb += per_iteration, pc += per_iteration) {
      _mm256_stream_pd(pa + 0, _mm256_fmadd_pd(sv, _mm256_load_pd(pc + 0), _mm256_load_pd(pb + 0)));
      _mm256_stream_pd(pa + 4, _mm256_fmadd_pd(sv, _mm256_load_pd(pc + 4), _mm256_load_pd(pb + 4)));
      _mm256_stream_pd(pa + 8, _mm256_fmadd_pd(sv, _mm256_load_pd(pc + 8), _mm256_load_pd(pb + 8)));
      _mm256_stream_pd(pa + 12, _mm256_fmadd_pd(sv, _mm256_load_pd(pc + 12), _mm256_load_pd(pb + 12)));
      _mm256_stream_pd(pa + 16, _mm256_fmadd_pd(sv, _mm256_load_pd(pc + 16), _mm256_load_pd(pb + 16)));
      _mm256_stream_pd(pa + 20, _mm256_fmadd_pd(sv, _mm256_load_pd(pc + 20), _mm256_load_pd(pb + 20)));
      _mm256_stream_pd(pa + 24, _mm256_fmadd_pd(sv, _mm256_load_pd(pc + 24), _mm256_load_pd(pb + 24)));
      _mm256_stream_pd(pa + 28, _mm256_fmadd_pd(sv, _mm256_load_pd(pc + 28), _mm256_load_pd(pb + 28)));
    }
  }
  _mm_sfence();
}

}  // namespace

bandwidth_kernel_set bandwidth_kernels_avx2() noexcept {
  return {read_avx2, write_avx2, copy_avx2, triad_avx2, write_nt_avx2, copy_nt_avx2, triad_nt_avx2};
}

}  // namespace rafter::host::detail

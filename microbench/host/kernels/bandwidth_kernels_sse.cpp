// Bandwidth inner loops, SSE (xmm, 16-byte vectors), unrolled 8 vectors per iteration;
// temporal stores, and non-temporal (streaming) stores ending with sfence.
#include <nmmintrin.h>

#include <cstring>
#include <initializer_list>

#include "microbench/host/kernels/bandwidth_kernel_set.hpp"

namespace rafter::host::detail {

namespace {

/// Hides the pointer value from the optimizer: no idiom recognition (memcpy/memset), no hoisting
/// of a pass out of the pass loop. Emits no instruction.
template <class T>
inline void opaque(T*& pointer) noexcept { __asm__ volatile("" : "+r"(pointer)); }

constexpr std::size_t per_iteration = 8 * 2;  // elements of 8 bytes per unrolled iteration

/// Each 64-bit lane rotated left by 1 bit (SSE has no vector rotate).
inline __m128i rotl1(__m128i v) noexcept { return _mm_or_si128(_mm_slli_epi64(v, 1), _mm_srli_epi64(v, 63)); }

std::uint64_t read_sse(const std::uint64_t* data, std::size_t count, std::size_t passes) noexcept {
  const __m128i zero = _mm_setzero_si128();
  __m128i a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero, a5 = zero, a6 = zero, a7 = zero;
  for (std::size_t pass = 0; pass < passes; ++pass) {
    for (__m128i* a : {&a0, &a1, &a2, &a3, &a4, &a5, &a6, &a7}) *a = rotl1(*a);
    const std::uint64_t* p = data;
    opaque(p);
    const std::uint64_t* const end = p + count;
    for (; p != end; p += per_iteration) {
      a0 = _mm_xor_si128(a0, _mm_load_si128(reinterpret_cast<const __m128i*>(p + 0)));
      a1 = _mm_xor_si128(a1, _mm_load_si128(reinterpret_cast<const __m128i*>(p + 2)));
      a2 = _mm_xor_si128(a2, _mm_load_si128(reinterpret_cast<const __m128i*>(p + 4)));
      a3 = _mm_xor_si128(a3, _mm_load_si128(reinterpret_cast<const __m128i*>(p + 6)));
      a4 = _mm_xor_si128(a4, _mm_load_si128(reinterpret_cast<const __m128i*>(p + 8)));
      a5 = _mm_xor_si128(a5, _mm_load_si128(reinterpret_cast<const __m128i*>(p + 10)));
      a6 = _mm_xor_si128(a6, _mm_load_si128(reinterpret_cast<const __m128i*>(p + 12)));
      a7 = _mm_xor_si128(a7, _mm_load_si128(reinterpret_cast<const __m128i*>(p + 14)));
    }
  }
  const __m128i acc = _mm_xor_si128(_mm_xor_si128(_mm_xor_si128(a0, a1), _mm_xor_si128(a2, a3)),
                                   _mm_xor_si128(_mm_xor_si128(a4, a5), _mm_xor_si128(a6, a7)));
  std::uint64_t lanes[2];
  std::memcpy(lanes, &acc, sizeof(acc));
  return lanes[0] ^ lanes[1];
}

void write_sse(std::uint64_t* data, std::size_t count, std::uint64_t value, std::size_t passes) noexcept {
  const __m128i v = _mm_set1_epi64x(static_cast<long long>(value));
  for (std::size_t pass = 0; pass < passes; ++pass) {
    std::uint64_t* p = data;
    opaque(p);
    std::uint64_t* const end = p + count;
    for (; p != end; p += per_iteration) {
      _mm_store_si128(reinterpret_cast<__m128i*>(p + 0), v);
      _mm_store_si128(reinterpret_cast<__m128i*>(p + 2), v);
      _mm_store_si128(reinterpret_cast<__m128i*>(p + 4), v);
      _mm_store_si128(reinterpret_cast<__m128i*>(p + 6), v);
      _mm_store_si128(reinterpret_cast<__m128i*>(p + 8), v);
      _mm_store_si128(reinterpret_cast<__m128i*>(p + 10), v);
      _mm_store_si128(reinterpret_cast<__m128i*>(p + 12), v);
      _mm_store_si128(reinterpret_cast<__m128i*>(p + 14), v);
    }
  }
}

void copy_sse(std::uint64_t* dst, const std::uint64_t* src, std::size_t count, std::size_t passes) noexcept {
  for (std::size_t pass = 0; pass < passes; ++pass) {
    std::uint64_t* d = dst;
    const std::uint64_t* s = src;
    opaque(d);
    opaque(s);
    const std::uint64_t* const end = s + count;
    for (; s != end; s += per_iteration, d += per_iteration) {
      const __m128i x0 = _mm_load_si128(reinterpret_cast<const __m128i*>(s + 0));
      const __m128i x1 = _mm_load_si128(reinterpret_cast<const __m128i*>(s + 2));
      const __m128i x2 = _mm_load_si128(reinterpret_cast<const __m128i*>(s + 4));
      const __m128i x3 = _mm_load_si128(reinterpret_cast<const __m128i*>(s + 6));
      const __m128i x4 = _mm_load_si128(reinterpret_cast<const __m128i*>(s + 8));
      const __m128i x5 = _mm_load_si128(reinterpret_cast<const __m128i*>(s + 10));
      const __m128i x6 = _mm_load_si128(reinterpret_cast<const __m128i*>(s + 12));
      const __m128i x7 = _mm_load_si128(reinterpret_cast<const __m128i*>(s + 14));
      _mm_store_si128(reinterpret_cast<__m128i*>(d + 0), x0);
      _mm_store_si128(reinterpret_cast<__m128i*>(d + 2), x1);
      _mm_store_si128(reinterpret_cast<__m128i*>(d + 4), x2);
      _mm_store_si128(reinterpret_cast<__m128i*>(d + 6), x3);
      _mm_store_si128(reinterpret_cast<__m128i*>(d + 8), x4);
      _mm_store_si128(reinterpret_cast<__m128i*>(d + 10), x5);
      _mm_store_si128(reinterpret_cast<__m128i*>(d + 12), x6);
      _mm_store_si128(reinterpret_cast<__m128i*>(d + 14), x7);
    }
  }
}

void triad_sse(double* a, const double* b, const double* c, double s, std::size_t count, std::size_t passes) noexcept {
  const __m128d sv = _mm_set1_pd(s);
  for (std::size_t pass = 0; pass < passes; ++pass) {
    double* pa = a;
    const double* pb = b;
    const double* pc = c;
    opaque(pa);
    opaque(pb);
    opaque(pc);
    const double* const end = pb + count;
    for (; pb != end; pa += per_iteration, pb += per_iteration, pc += per_iteration) {
      _mm_store_pd(pa + 0, _mm_add_pd(_mm_load_pd(pb + 0), _mm_mul_pd(sv, _mm_load_pd(pc + 0))));
      _mm_store_pd(pa + 2, _mm_add_pd(_mm_load_pd(pb + 2), _mm_mul_pd(sv, _mm_load_pd(pc + 2))));
      _mm_store_pd(pa + 4, _mm_add_pd(_mm_load_pd(pb + 4), _mm_mul_pd(sv, _mm_load_pd(pc + 4))));
      _mm_store_pd(pa + 6, _mm_add_pd(_mm_load_pd(pb + 6), _mm_mul_pd(sv, _mm_load_pd(pc + 6))));
      _mm_store_pd(pa + 8, _mm_add_pd(_mm_load_pd(pb + 8), _mm_mul_pd(sv, _mm_load_pd(pc + 8))));
      _mm_store_pd(pa + 10, _mm_add_pd(_mm_load_pd(pb + 10), _mm_mul_pd(sv, _mm_load_pd(pc + 10))));
      _mm_store_pd(pa + 12, _mm_add_pd(_mm_load_pd(pb + 12), _mm_mul_pd(sv, _mm_load_pd(pc + 12))));
      _mm_store_pd(pa + 14, _mm_add_pd(_mm_load_pd(pb + 14), _mm_mul_pd(sv, _mm_load_pd(pc + 14))));
    }
  }
}

void write_nt_sse(std::uint64_t* data, std::size_t count, std::uint64_t value, std::size_t passes) noexcept {
  const __m128i v = _mm_set1_epi64x(static_cast<long long>(value));
  for (std::size_t pass = 0; pass < passes; ++pass) {
    std::uint64_t* p = data;
    opaque(p);
    std::uint64_t* const end = p + count;
    for (; p != end; p += per_iteration) {
      _mm_stream_si128(reinterpret_cast<__m128i*>(p + 0), v);
      _mm_stream_si128(reinterpret_cast<__m128i*>(p + 2), v);
      _mm_stream_si128(reinterpret_cast<__m128i*>(p + 4), v);
      _mm_stream_si128(reinterpret_cast<__m128i*>(p + 6), v);
      _mm_stream_si128(reinterpret_cast<__m128i*>(p + 8), v);
      _mm_stream_si128(reinterpret_cast<__m128i*>(p + 10), v);
      _mm_stream_si128(reinterpret_cast<__m128i*>(p + 12), v);
      _mm_stream_si128(reinterpret_cast<__m128i*>(p + 14), v);
    }
  }
  _mm_sfence();
}

void copy_nt_sse(std::uint64_t* dst, const std::uint64_t* src, std::size_t count, std::size_t passes) noexcept {
  for (std::size_t pass = 0; pass < passes; ++pass) {
    std::uint64_t* d = dst;
    const std::uint64_t* s = src;
    opaque(d);
    opaque(s);
    const std::uint64_t* const end = s + count;
    for (; s != end; s += per_iteration, d += per_iteration) {
      const __m128i x0 = _mm_load_si128(reinterpret_cast<const __m128i*>(s + 0));
      const __m128i x1 = _mm_load_si128(reinterpret_cast<const __m128i*>(s + 2));
      const __m128i x2 = _mm_load_si128(reinterpret_cast<const __m128i*>(s + 4));
      const __m128i x3 = _mm_load_si128(reinterpret_cast<const __m128i*>(s + 6));
      const __m128i x4 = _mm_load_si128(reinterpret_cast<const __m128i*>(s + 8));
      const __m128i x5 = _mm_load_si128(reinterpret_cast<const __m128i*>(s + 10));
      const __m128i x6 = _mm_load_si128(reinterpret_cast<const __m128i*>(s + 12));
      const __m128i x7 = _mm_load_si128(reinterpret_cast<const __m128i*>(s + 14));
      _mm_stream_si128(reinterpret_cast<__m128i*>(d + 0), x0);
      _mm_stream_si128(reinterpret_cast<__m128i*>(d + 2), x1);
      _mm_stream_si128(reinterpret_cast<__m128i*>(d + 4), x2);
      _mm_stream_si128(reinterpret_cast<__m128i*>(d + 6), x3);
      _mm_stream_si128(reinterpret_cast<__m128i*>(d + 8), x4);
      _mm_stream_si128(reinterpret_cast<__m128i*>(d + 10), x5);
      _mm_stream_si128(reinterpret_cast<__m128i*>(d + 12), x6);
      _mm_stream_si128(reinterpret_cast<__m128i*>(d + 14), x7);
    }
  }
  _mm_sfence();
}

void triad_nt_sse(double* a, const double* b, const double* c, double s, std::size_t count,
                  std::size_t passes) noexcept {
  const __m128d sv = _mm_set1_pd(s);
  for (std::size_t pass = 0; pass < passes; ++pass) {
    double* pa = a;
    const double* pb = b;
    const double* pc = c;
    opaque(pa);
    opaque(pb);
    opaque(pc);
    const double* const end = pb + count;
    for (; pb != end; pa += per_iteration, pb += per_iteration, pc += per_iteration) {
      _mm_stream_pd(pa + 0, _mm_add_pd(_mm_load_pd(pb + 0), _mm_mul_pd(sv, _mm_load_pd(pc + 0))));
      _mm_stream_pd(pa + 2, _mm_add_pd(_mm_load_pd(pb + 2), _mm_mul_pd(sv, _mm_load_pd(pc + 2))));
      _mm_stream_pd(pa + 4, _mm_add_pd(_mm_load_pd(pb + 4), _mm_mul_pd(sv, _mm_load_pd(pc + 4))));
      _mm_stream_pd(pa + 6, _mm_add_pd(_mm_load_pd(pb + 6), _mm_mul_pd(sv, _mm_load_pd(pc + 6))));
      _mm_stream_pd(pa + 8, _mm_add_pd(_mm_load_pd(pb + 8), _mm_mul_pd(sv, _mm_load_pd(pc + 8))));
      _mm_stream_pd(pa + 10, _mm_add_pd(_mm_load_pd(pb + 10), _mm_mul_pd(sv, _mm_load_pd(pc + 10))));
      _mm_stream_pd(pa + 12, _mm_add_pd(_mm_load_pd(pb + 12), _mm_mul_pd(sv, _mm_load_pd(pc + 12))));
      _mm_stream_pd(pa + 14, _mm_add_pd(_mm_load_pd(pb + 14), _mm_mul_pd(sv, _mm_load_pd(pc + 14))));
    }
  }
  _mm_sfence();
}

}  // namespace

bandwidth_kernel_set bandwidth_kernels_sse() noexcept {
  return {read_sse, write_sse, copy_sse, triad_sse, write_nt_sse, copy_nt_sse, triad_nt_sse};
}

}  // namespace rafter::host::detail

// Bandwidth inner loops, AVX-512 (zmm, 64-byte vectors), unrolled 8 vectors per iteration;
// temporal stores, and non-temporal (streaming) stores ending with sfence.
#include <immintrin.h>

#include <cstring>

#include "microbench/host/kernels/bandwidth_kernel_set.hpp"

namespace rafter::host::detail {

namespace {

/// Hides the pointer value from the optimizer: no idiom recognition (memcpy/memset), no hoisting
/// of a pass out of the pass loop. Emits no instruction.
template <class T>
inline void opaque(T*& pointer) noexcept { __asm__ volatile("" : "+r"(pointer)); }

constexpr std::size_t per_iteration = 8 * 8;  // elements of 8 bytes per unrolled iteration

// GCC 12's AVX-512 intrinsics pass _mm512_undefined_epi32() as the unused merge source, which
// -Wmaybe-uninitialized reports (GCC bug 105593, fixed in GCC 13).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

/// Each 64-bit lane rotated left by 1 bit.
inline __m512i rotl1(__m512i v) noexcept { return _mm512_rol_epi64(v, 1); }

std::uint64_t read_avx512(const std::uint64_t* data, std::size_t count, std::size_t passes) noexcept {
  // Two loads per vpternlogq (a ^ b ^ c, immediate 0x96): 8 loads and 4 vector ALU ops per
  // iteration (the loop body is inline asm so that the loads stay separate instructions).
  const __m512i zero = _mm512_setzero_si512();
  __m512i a0 = zero, a1 = zero, a2 = zero, a3 = zero;
  for (std::size_t pass = 0; pass < passes; ++pass) {
    a0 = rotl1(a0);
    a1 = rotl1(a1);
    a2 = rotl1(a2);
    a3 = rotl1(a3);
    const std::uint64_t* p = data;
    opaque(p);
    const std::uint64_t* const end = p + count;
    for (; p != end; p += per_iteration) {
      // Explicit loads into registers: with a folded memory operand the compiler's
      // `vpternlogq $0x96, mem, zmm, zmm` (4 inputs) is un-laminated and ran 7-10% slower in L1.
      __asm__ volatile(
          "vmovdqa64 0(%4), %%zmm16\n\t"
          "vmovdqa64 64(%4), %%zmm17\n\t"
          "vmovdqa64 128(%4), %%zmm18\n\t"
          "vmovdqa64 192(%4), %%zmm19\n\t"
          "vmovdqa64 256(%4), %%zmm20\n\t"
          "vmovdqa64 320(%4), %%zmm21\n\t"
          "vmovdqa64 384(%4), %%zmm22\n\t"
          "vmovdqa64 448(%4), %%zmm23\n\t"
          "vpternlogq $0x96, %%zmm17, %%zmm16, %0\n\t"
          "vpternlogq $0x96, %%zmm19, %%zmm18, %1\n\t"
          "vpternlogq $0x96, %%zmm21, %%zmm20, %2\n\t"
          "vpternlogq $0x96, %%zmm23, %%zmm22, %3"
          : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3)
          : "r"(p)
          : "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "memory");
    }
  }
  const __m512i acc = _mm512_ternarylogic_epi64(a0, a1, _mm512_xor_si512(a2, a3), 0x96);
  std::uint64_t lanes[8];
  std::memcpy(lanes, &acc, sizeof(acc));
  std::uint64_t x = 0;
  for (std::uint64_t lane : lanes) x ^= lane;
  return x;
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

void write_avx512(std::uint64_t* data, std::size_t count, std::uint64_t value, std::size_t passes) noexcept {
  const __m512i v = _mm512_set1_epi64(static_cast<long long>(value));
  for (std::size_t pass = 0; pass < passes; ++pass) {
    std::uint64_t* p = data;
    opaque(p);
    std::uint64_t* const end = p + count;
    for (; p != end; p += per_iteration) {
      _mm512_store_si512(reinterpret_cast<__m512i*>(p + 0), v);
      _mm512_store_si512(reinterpret_cast<__m512i*>(p + 8), v);
      _mm512_store_si512(reinterpret_cast<__m512i*>(p + 16), v);
      _mm512_store_si512(reinterpret_cast<__m512i*>(p + 24), v);
      _mm512_store_si512(reinterpret_cast<__m512i*>(p + 32), v);
      _mm512_store_si512(reinterpret_cast<__m512i*>(p + 40), v);
      _mm512_store_si512(reinterpret_cast<__m512i*>(p + 48), v);
      _mm512_store_si512(reinterpret_cast<__m512i*>(p + 56), v);
    }
  }
}

void copy_avx512(std::uint64_t* dst, const std::uint64_t* src, std::size_t count, std::size_t passes) noexcept {
  for (std::size_t pass = 0; pass < passes; ++pass) {
    std::uint64_t* d = dst;
    const std::uint64_t* s = src;
    opaque(d);
    opaque(s);
    const std::uint64_t* const end = s + count;
    for (; s != end; s += per_iteration, d += per_iteration) {
      const __m512i x0 = _mm512_load_si512(reinterpret_cast<const __m512i*>(s + 0));
      const __m512i x1 = _mm512_load_si512(reinterpret_cast<const __m512i*>(s + 8));
      const __m512i x2 = _mm512_load_si512(reinterpret_cast<const __m512i*>(s + 16));
      const __m512i x3 = _mm512_load_si512(reinterpret_cast<const __m512i*>(s + 24));
      const __m512i x4 = _mm512_load_si512(reinterpret_cast<const __m512i*>(s + 32));
      const __m512i x5 = _mm512_load_si512(reinterpret_cast<const __m512i*>(s + 40));
      const __m512i x6 = _mm512_load_si512(reinterpret_cast<const __m512i*>(s + 48));
      const __m512i x7 = _mm512_load_si512(reinterpret_cast<const __m512i*>(s + 56));
      _mm512_store_si512(reinterpret_cast<__m512i*>(d + 0), x0);
      _mm512_store_si512(reinterpret_cast<__m512i*>(d + 8), x1);
      _mm512_store_si512(reinterpret_cast<__m512i*>(d + 16), x2);
      _mm512_store_si512(reinterpret_cast<__m512i*>(d + 24), x3);
      _mm512_store_si512(reinterpret_cast<__m512i*>(d + 32), x4);
      _mm512_store_si512(reinterpret_cast<__m512i*>(d + 40), x5);
      _mm512_store_si512(reinterpret_cast<__m512i*>(d + 48), x6);
      _mm512_store_si512(reinterpret_cast<__m512i*>(d + 56), x7);
    }
  }
}

void triad_avx512(double* a, const double* b, const double* c, double s, std::size_t count, std::size_t passes) noexcept {
  const __m512d sv = _mm512_set1_pd(s);
  for (std::size_t pass = 0; pass < passes; ++pass) {
    double* pa = a;
    const double* pb = b;
    const double* pc = c;
    opaque(pa);
    opaque(pb);
    opaque(pc);
    const double* const end = pb + count;
    for (; pb != end; pa += per_iteration, pb += per_iteration, pc += per_iteration) {
      _mm512_store_pd(pa + 0, _mm512_fmadd_pd(sv, _mm512_load_pd(pc + 0), _mm512_load_pd(pb + 0)));
      _mm512_store_pd(pa + 8, _mm512_fmadd_pd(sv, _mm512_load_pd(pc + 8), _mm512_load_pd(pb + 8)));
      _mm512_store_pd(pa + 16, _mm512_fmadd_pd(sv, _mm512_load_pd(pc + 16), _mm512_load_pd(pb + 16)));
      _mm512_store_pd(pa + 24, _mm512_fmadd_pd(sv, _mm512_load_pd(pc + 24), _mm512_load_pd(pb + 24)));
      _mm512_store_pd(pa + 32, _mm512_fmadd_pd(sv, _mm512_load_pd(pc + 32), _mm512_load_pd(pb + 32)));
      _mm512_store_pd(pa + 40, _mm512_fmadd_pd(sv, _mm512_load_pd(pc + 40), _mm512_load_pd(pb + 40)));
      _mm512_store_pd(pa + 48, _mm512_fmadd_pd(sv, _mm512_load_pd(pc + 48), _mm512_load_pd(pb + 48)));
      _mm512_store_pd(pa + 56, _mm512_fmadd_pd(sv, _mm512_load_pd(pc + 56), _mm512_load_pd(pb + 56)));
    }
  }
}

void write_nt_avx512(std::uint64_t* data, std::size_t count, std::uint64_t value, std::size_t passes) noexcept {
  const __m512i v = _mm512_set1_epi64(static_cast<long long>(value));
  for (std::size_t pass = 0; pass < passes; ++pass) {
    std::uint64_t* p = data;
    opaque(p);
    std::uint64_t* const end = p + count;
    for (; p != end; p += per_iteration) {
      _mm512_stream_si512(reinterpret_cast<__m512i*>(p + 0), v);
      _mm512_stream_si512(reinterpret_cast<__m512i*>(p + 8), v);
      _mm512_stream_si512(reinterpret_cast<__m512i*>(p + 16), v);
      _mm512_stream_si512(reinterpret_cast<__m512i*>(p + 24), v);
      _mm512_stream_si512(reinterpret_cast<__m512i*>(p + 32), v);
      _mm512_stream_si512(reinterpret_cast<__m512i*>(p + 40), v);
      _mm512_stream_si512(reinterpret_cast<__m512i*>(p + 48), v);
      _mm512_stream_si512(reinterpret_cast<__m512i*>(p + 56), v);
    }
  }
  _mm_sfence();
}

void copy_nt_avx512(std::uint64_t* dst, const std::uint64_t* src, std::size_t count, std::size_t passes) noexcept {
  for (std::size_t pass = 0; pass < passes; ++pass) {
    std::uint64_t* d = dst;
    const std::uint64_t* s = src;
    opaque(d);
    opaque(s);
    const std::uint64_t* const end = s + count;
    for (; s != end; s += per_iteration, d += per_iteration) {
      const __m512i x0 = _mm512_load_si512(reinterpret_cast<const __m512i*>(s + 0));
      const __m512i x1 = _mm512_load_si512(reinterpret_cast<const __m512i*>(s + 8));
      const __m512i x2 = _mm512_load_si512(reinterpret_cast<const __m512i*>(s + 16));
      const __m512i x3 = _mm512_load_si512(reinterpret_cast<const __m512i*>(s + 24));
      const __m512i x4 = _mm512_load_si512(reinterpret_cast<const __m512i*>(s + 32));
      const __m512i x5 = _mm512_load_si512(reinterpret_cast<const __m512i*>(s + 40));
      const __m512i x6 = _mm512_load_si512(reinterpret_cast<const __m512i*>(s + 48));
      const __m512i x7 = _mm512_load_si512(reinterpret_cast<const __m512i*>(s + 56));
      _mm512_stream_si512(reinterpret_cast<__m512i*>(d + 0), x0);
      _mm512_stream_si512(reinterpret_cast<__m512i*>(d + 8), x1);
      _mm512_stream_si512(reinterpret_cast<__m512i*>(d + 16), x2);
      _mm512_stream_si512(reinterpret_cast<__m512i*>(d + 24), x3);
      _mm512_stream_si512(reinterpret_cast<__m512i*>(d + 32), x4);
      _mm512_stream_si512(reinterpret_cast<__m512i*>(d + 40), x5);
      _mm512_stream_si512(reinterpret_cast<__m512i*>(d + 48), x6);
      _mm512_stream_si512(reinterpret_cast<__m512i*>(d + 56), x7);
    }
  }
  _mm_sfence();
}

void triad_nt_avx512(double* a, const double* b, const double* c, double s, std::size_t count,
                     std::size_t passes) noexcept {
  const __m512d sv = _mm512_set1_pd(s);
  for (std::size_t pass = 0; pass < passes; ++pass) {
    double* pa = a;
    const double* pb = b;
    const double* pc = c;
    opaque(pa);
    opaque(pb);
    opaque(pc);
    const double* const end = pb + count;
    for (; pb != end; pa += per_iteration, pb += per_iteration, pc += per_iteration) {
      _mm512_stream_pd(pa + 0, _mm512_fmadd_pd(sv, _mm512_load_pd(pc + 0), _mm512_load_pd(pb + 0)));
      _mm512_stream_pd(pa + 8, _mm512_fmadd_pd(sv, _mm512_load_pd(pc + 8), _mm512_load_pd(pb + 8)));
      _mm512_stream_pd(pa + 16, _mm512_fmadd_pd(sv, _mm512_load_pd(pc + 16), _mm512_load_pd(pb + 16)));
      _mm512_stream_pd(pa + 24, _mm512_fmadd_pd(sv, _mm512_load_pd(pc + 24), _mm512_load_pd(pb + 24)));
      _mm512_stream_pd(pa + 32, _mm512_fmadd_pd(sv, _mm512_load_pd(pc + 32), _mm512_load_pd(pb + 32)));
      _mm512_stream_pd(pa + 40, _mm512_fmadd_pd(sv, _mm512_load_pd(pc + 40), _mm512_load_pd(pb + 40)));
      _mm512_stream_pd(pa + 48, _mm512_fmadd_pd(sv, _mm512_load_pd(pc + 48), _mm512_load_pd(pb + 48)));
      _mm512_stream_pd(pa + 56, _mm512_fmadd_pd(sv, _mm512_load_pd(pc + 56), _mm512_load_pd(pb + 56)));
    }
  }
  _mm_sfence();
}

}  // namespace

bandwidth_kernel_set bandwidth_kernels_avx512() noexcept {
  return {read_avx512, write_avx512, copy_avx512, triad_avx512, write_nt_avx512, copy_nt_avx512, triad_nt_avx512};
}

}  // namespace rafter::host::detail

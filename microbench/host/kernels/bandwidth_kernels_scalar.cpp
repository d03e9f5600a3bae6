// Bandwidth inner loops in portable C++ (64-bit scalar elements, 8 per iteration); the compiler may
// use the baseline SIMD of the target. The fallback when no SIMD tier is usable. Non-temporal
// stores use movnti (SSE2, part of x86-64); elsewhere they fall back to ordinary stores.
#include <bit>
#include <cstring>
#include <initializer_list>

#if defined(__x86_64__)
#include <emmintrin.h>
#endif

#include "microbench/host/kernels/bandwidth_kernel_set.hpp"

namespace rafter::host::detail {

namespace {

/// Hides the pointer value from the optimizer (no memcpy/memset idioms, no merged passes).
template <class T>
inline void opaque(T*& pointer) noexcept { __asm__ volatile("" : "+r"(pointer)); }

constexpr std::size_t per_iteration = 8;

std::uint64_t read_scalar(const std::uint64_t* data, std::size_t count, std::size_t passes) noexcept {
  std::uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
  for (std::size_t pass = 0; pass < passes; ++pass) {
    for (std::uint64_t* a : {&a0, &a1, &a2, &a3, &a4, &a5, &a6, &a7}) *a = std::rotl(*a, 1);
    const std::uint64_t* p = data;
    opaque(p);
    const std::uint64_t* const end = p + count;
    for (; p != end; p += per_iteration) {
      a0 ^= p[0];
      a1 ^= p[1];
      a2 ^= p[2];
      a3 ^= p[3];
      a4 ^= p[4];
      a5 ^= p[5];
      a6 ^= p[6];
      a7 ^= p[7];
    }
  }
  return ((a0 ^ a1) ^ (a2 ^ a3)) ^ ((a4 ^ a5) ^ (a6 ^ a7));
}

void write_scalar(std::uint64_t* data, std::size_t count, std::uint64_t value, std::size_t passes) noexcept {
  for (std::size_t pass = 0; pass < passes; ++pass) {
    std::uint64_t* p = data;
    opaque(p);
    std::uint64_t* const end = p + count;
    for (; p != end; p += per_iteration) {
      for (std::size_t k = 0; k < per_iteration; ++k) p[k] = value;
    }
  }
}

void copy_scalar(std::uint64_t* dst, const std::uint64_t* src, std::size_t count, std::size_t passes) noexcept {
  for (std::size_t pass = 0; pass < passes; ++pass) {
    std::uint64_t* d = dst;
    const std::uint64_t* s = src;
    opaque(d);
    opaque(s);
    const std::uint64_t* const end = s + count;
    for (; s != end; s += per_iteration, d += per_iteration) {
      for (std::size_t k = 0; k < per_iteration; ++k) d[k] = s[k];
    }
  }
}

void triad_scalar(double* a, const double* b, const double* c, double s, std::size_t count,
                  std::size_t passes) noexcept {
  for (std::size_t pass = 0; pass < passes; ++pass) {
    double* pa = a;
    const double* pb = b;
    const double* pc = c;
    opaque(pa);
    opaque(pb);
    opaque(pc);
    const double* const end = pb + count;
    for (; pb != end; pa += per_iteration, pb += per_iteration, pc += per_iteration) {
      for (std::size_t k = 0; k < per_iteration; ++k) pa[k] = pb[k] + s * pc[k];
    }
  }
}

/// Stores one 8-byte word bypassing the caches where the target can.
inline void stream_word(void* p, std::uint64_t word) noexcept {
#if defined(__x86_64__)
  _mm_stream_si64(static_cast<long long*>(p), static_cast<long long>(word));
#else
  std::memcpy(p, &word, sizeof word);
#endif
}

inline void store_fence() noexcept {
#if defined(__x86_64__)
  _mm_sfence();
#endif
}

void write_nt_scalar(std::uint64_t* data, std::size_t count, std::uint64_t value, std::size_t passes) noexcept {
  for (std::size_t pass = 0; pass < passes; ++pass) {
    std::uint64_t* p = data;
    opaque(p);
    std::uint64_t* const end = p + count;
    for (; p != end; p += per_iteration) {
      for (std::size_t k = 0; k < per_iteration; ++k) stream_word(p + k, value);
    }
  }
  store_fence();
}

void copy_nt_scalar(std::uint64_t* dst, const std::uint64_t* src, std::size_t count, std::size_t passes) noexcept {
  for (std::size_t pass = 0; pass < passes; ++pass) {
    std::uint64_t* d = dst;
    const std::uint64_t* s = src;
    opaque(d);
    opaque(s);
    const std::uint64_t* const end = s + count;
    for (; s != end; s += per_iteration, d += per_iteration) {
      for (std::size_t k = 0; k < per_iteration; ++k) stream_word(d + k, s[k]);
    }
  }
  store_fence();
}

void triad_nt_scalar(double* a, const double* b, const double* c, double s, std::size_t count,
                     std::size_t passes) noexcept {
  for (std::size_t pass = 0; pass < passes; ++pass) {
    double* pa = a;
    const double* pb = b;
    const double* pc = c;
    opaque(pa);
    opaque(pb);
    opaque(pc);
    const double* const end = pb + count;
    for (; pb != end; pa += per_iteration, pb += per_iteration, pc += per_iteration) {
      for (std::size_t k = 0; k < per_iteration; ++k) {
        const double value = pb[k] + s * pc[k];
        std::uint64_t word = 0;
        std::memcpy(&word, &value, sizeof word);
        stream_word(pa + k, word);
      }
    }
  }
  store_fence();
}

}  // namespace

bandwidth_kernel_set bandwidth_kernels_scalar() noexcept {
  return {read_scalar, write_scalar, copy_scalar, triad_scalar, write_nt_scalar, copy_nt_scalar, triad_nt_scalar};
}

}  // namespace rafter::host::detail

#include "microbench/host/kernels/simd_level.hpp"

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define RAFTER_HOST_X86 1
#endif

namespace rafter::host {

namespace {

/// CPU and OS facts the tiers are decided from; all false on non-x86 hosts.
struct isa_facts {
  bool sse42 = false;
  bool avx2_fma = false;    ///< AVX2 + FMA + OS saves ymm state.
  bool avx512 = false;      ///< F/BW/DQ/VL + avx2_fma + OS saves opmask/zmm state.
  bool avx512_bf16 = false;
  bool avx512_vnni = false;
  bool avx_vnni = false;
};

#ifdef RAFTER_HOST_X86
bool bit(std::uint32_t word, int index) { return ((word >> index) & 1U) != 0; }

std::uint64_t read_xcr0() {
  std::uint32_t eax = 0;
  std::uint32_t edx = 0;
  // xgetbv with ecx = 0; encoded as bytes so no -mxsave is needed.
  __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<std::uint64_t>(edx) << 32) | eax;
}

isa_facts probe() {
  isa_facts facts;
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid_max(0, nullptr) < 1) return facts;
  __cpuid_count(1, 0, eax, ebx, ecx, edx);
  const bool sse3 = bit(ecx, 0), ssse3 = bit(ecx, 9), sse41 = bit(ecx, 19), sse42 = bit(ecx, 20);
  const bool fma = bit(ecx, 12), osxsave = bit(ecx, 27), avx = bit(ecx, 28);
  facts.sse42 = sse3 && ssse3 && sse41 && sse42;

  bool os_ymm = false;
  bool os_zmm = false;
  if (osxsave) {
    const std::uint64_t xcr0 = read_xcr0();
    os_ymm = (xcr0 & 0x6U) == 0x6U;     // XMM (bit 1) and YMM (bit 2) state
    os_zmm = (xcr0 & 0xe6U) == 0xe6U;   // plus opmask (5), ZMM_Hi256 (6), Hi16_ZMM (7)
  }
  if (__get_cpuid_max(0, nullptr) < 7) return facts;
  unsigned b7 = 0, c7 = 0, d7 = 0, a7 = 0;
  __cpuid_count(7, 0, a7, b7, c7, d7);
  const unsigned max_subleaf = a7;
  const bool avx2 = bit(b7, 5);
  const bool avx512f = bit(b7, 16), avx512dq = bit(b7, 17), avx512bw = bit(b7, 30), avx512vl = bit(b7, 31);
  facts.avx2_fma = facts.sse42 && avx && avx2 && fma && os_ymm;
  facts.avx512 = facts.avx2_fma && avx512f && avx512dq && avx512bw && avx512vl && os_zmm;
  facts.avx512_vnni = facts.avx512 && bit(c7, 11);
  if (max_subleaf >= 1) {
    unsigned a71 = 0, b71 = 0, c71 = 0, d71 = 0;
    __cpuid_count(7, 1, a71, b71, c71, d71);
    facts.avx_vnni = facts.avx2_fma && bit(a71, 4);
    facts.avx512_bf16 = facts.avx512 && bit(a71, 5);
  }
  return facts;
}
#else
isa_facts probe() { return {}; }
#endif

const isa_facts& facts() noexcept {
  static const isa_facts cached = probe();
  return cached;
}

}  // namespace

simd_level detect_simd_level() noexcept {
  const isa_facts& f = facts();
  if (f.avx512) return simd_level::avx512;
  if (f.avx2_fma) return simd_level::avx2;
  if (f.sse42) return simd_level::sse;
  return simd_level::scalar;
}

const char* to_string(simd_level level) noexcept {
  switch (level) {
    case simd_level::scalar: return "scalar";
    case simd_level::sse: return "sse";
    case simd_level::avx2: return "avx2";
    case simd_level::avx512: return "avx512";
  }
  return "unknown";
}

bool has_avx512_bf16() noexcept { return facts().avx512_bf16; }
bool has_avx512_vnni() noexcept { return facts().avx512_vnni; }
bool has_avx_vnni() noexcept { return facts().avx_vnni; }

}  // namespace rafter::host

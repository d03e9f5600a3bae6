#pragma once

namespace rafter::host {

/// Instruction-set tiers of the host kernels, narrowest first. Each tier is what the kernel files of
/// that name are compiled for: sse = SSE4.2 (128-bit), avx2 = AVX2 + FMA (256-bit), avx512 =
/// AVX-512 F/BW/DQ/VL + AVX2 + FMA (512-bit). scalar = plain x86-64 / portable C++.
enum class simd_level { scalar, sse, avx2, avx512 };

/// The widest tier both the CPU (cpuid) and the OS (XCR0 register state enabled, read by xgetbv)
/// support. Never returns a tier whose instructions would fault. Cached after the first call.
[[nodiscard]] simd_level detect_simd_level() noexcept;

/// "scalar", "sse", "avx2", "avx512".
[[nodiscard]] const char* to_string(simd_level level) noexcept;

/// AVX512_BF16 (vdpbf16ps) usable: CPU flag and AVX-512 register state enabled by the OS.
[[nodiscard]] bool has_avx512_bf16() noexcept;
/// AVX512_VNNI (EVEX vpdpbusd) usable: CPU flag and AVX-512 register state enabled by the OS.
[[nodiscard]] bool has_avx512_vnni() noexcept;
/// AVX-VNNI (VEX vpdpbusd on ymm) usable: CPU flag and AVX register state enabled by the OS.
[[nodiscard]] bool has_avx_vnni() noexcept;

}  // namespace rafter::host

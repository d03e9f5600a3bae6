#pragma once

#include <cstdint>

namespace rafter::cuda {

/// The 64-bit shared-memory matrix descriptors and the 32-bit instruction descriptor that the
/// asynchronous tensor-core instructions take (PTX ISA: "Matrix Descriptor Format" of wgmma,
/// "Shared Memory Descriptor" and "Instruction descriptor" of tcgen05). Plain constexpr
/// arithmetic: the kernels build their descriptors with these, the unit tests pin their bits.
///
/// Every operand here is K-major without swizzle: 8 rows x 16 bytes form a 128-byte core matrix;
/// `leading_byte_offset` is the distance between core matrices adjacent along K and
/// `stride_byte_offset` between core matrices adjacent along M or N (the 8-row groups), in bytes,
/// multiples of 16 below 256 KiB. `smem_address` is a shared-window address (cvta.to.shared),
/// 16-byte aligned.

/// wgmma (sm_90a): start address >> 4 in bits 0-13, leading byte offset >> 4 in bits 16-29,
/// stride byte offset >> 4 in bits 32-45, base offset (49-51) 0, swizzle (62-63) 0 = none.
constexpr std::uint64_t wgmma_smem_descriptor(std::uint32_t smem_address, std::uint32_t leading_byte_offset,
                                              std::uint32_t stride_byte_offset) noexcept {
  return ((std::uint64_t{smem_address} & 0x3ffff) >> 4) | ((std::uint64_t{leading_byte_offset} & 0x3ffff) >> 4 << 16) |
         ((std::uint64_t{stride_byte_offset} & 0x3ffff) >> 4 << 32);
}

/// tcgen05 (sm_100 family): the wgmma fields, plus the fixed version 0b001 in bits 46-48; base
/// offset (49-51) 0, relative leading-dimension mode (bit 52), swizzle (61-63) 0 = none.
constexpr std::uint64_t tcgen05_smem_descriptor(std::uint32_t smem_address, std::uint32_t leading_byte_offset,
                                                std::uint32_t stride_byte_offset) noexcept {
  return wgmma_smem_descriptor(smem_address, leading_byte_offset, stride_byte_offset) | (std::uint64_t{1} << 46);
}

/// tcgen05.mma instruction descriptor for .kind::tf32, .kind::f16 and .kind::f8f6f4, dense: D is
/// fp32 (bits 4-5 = 1), `operand_format` is the A and B type code of the kind (bits 7-9 and 10-12:
/// kind::f16 fp16 0, bf16 1; kind::tf32 2; kind::f8f6f4 e4m3 0), bit 14 negates B, A and B are
/// K-major (bits 15, 16 = 0), N >> 3 in bits 17-22, M >> 4 in bits 24-28.
constexpr std::uint32_t tcgen05_instruction_descriptor(std::uint32_t operand_format, std::uint32_t m, std::uint32_t n,
                                                       bool negate_b) noexcept {
  return (1u << 4) | ((operand_format & 7u) << 7) | ((operand_format & 7u) << 10) | ((negate_b ? 1u : 0u) << 14) |
         (((n >> 3) & 0x3fu) << 17) | (((m >> 4) & 0x1fu) << 24);
}

/// tcgen05.mma instruction descriptor for .kind::i8 with signed A and B (code 1 in bits 7-9 and
/// 10-12) and int32 D (bits 4-5 = 2), no saturation (bit 3 = 0), dense, K-major, N >> 3 in bits
/// 17-22, M >> 4 in bits 24-28. The kind has no negation.
constexpr std::uint32_t tcgen05_i8_instruction_descriptor(std::uint32_t m, std::uint32_t n) noexcept {
  return (2u << 4) | (1u << 7) | (1u << 10) | (((n >> 3) & 0x3fu) << 17) | (((m >> 4) & 0x1fu) << 24);
}

/// tcgen05.mma instruction descriptor for .kind::mxf4nvf4 with e2m1 A and B (code 1 in bits 7-9
/// and 10-11) and e4m3 scale factors (bit 23 = 0), dense with K = 64 (bit 31 = 0), scale-factor
/// ids 0 (bits 4-5 and 29-30: required by block16), bit 14 negates B, A and B K-major, N >> 3 in
/// bits 17-22 and M >> 7 in bits 27-28 (PTX ISA, "Instruction descriptor format for .kind::mxf4
/// and .kind::mxf4nvf4").
constexpr std::uint32_t tcgen05_nvf4_instruction_descriptor(std::uint32_t m, std::uint32_t n, bool negate_b) noexcept {
  return (1u << 7) | (1u << 10) | ((negate_b ? 1u : 0u) << 14) | (((n >> 3) & 0x3fu) << 17) | (((m >> 7) & 3u) << 27);
}

}  // namespace rafter::cuda

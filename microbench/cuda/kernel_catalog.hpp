#pragma once

#include <span>

namespace rafter::cuda {

/// What each GPU ceiling kernel computes, independent of any CUDA header: ids, precisions, shapes
/// and the operation counts one instruction stands for. Host code (sweep, tests, references) and
/// the launchers share this table.

/// CUDA-core (SIMT) fused multiply-add chains.
enum class core_op { fp64_fma, fp32_fma, fp16x2_fma, bf16x2_fma, int32_imad };

struct core_op_info {
  core_op op;
  const char* id;           ///< Compute-ceiling id in the profile: "fp32.vector.fma".
  const char* precision;    ///< "fp64", "fp32", "fp16", "bf16", "int32".
  const char* instruction;  ///< The SASS instruction the kernel is built around: "FFMA".
  int element_bytes;        ///< Bytes of one register value (a packed pair counts once): 8, 4, 4, 4, 4.
  int lanes;                ///< Values per register: 2 for the packed half types, else 1.
};

/// Warp-level tensor-core instruction `mma.sync.aligned.m{m}n{n}k{k}.row.col`.
enum class mma_op { fp16, bf16, tf32, int8, fp8, fp4 };

struct mma_op_info {
  mma_op op;
  const char* id;         ///< "bf16.tensor.mma_sync".
  const char* precision;  ///< Input precision.
  const char* ptx;        ///< The PTX instruction.
  int m, n, k;
  int min_cc;             ///< Lowest compute capability (major*10+minor) that has it: 80, 89 for fp8, 120 for fp4.
  bool integer;           ///< int32 accumulators (exact arithmetic) instead of fp32.
  int element_bits;       ///< Bits of one A/B element: 16, 16, 32, 8, 8, 4.
  /// Block-scaled (kind::mxf4nvf4, NVFP4): one e4m3 scale per 16 values of K for A and for B.
  bool block_scaled;
  /// Built for the family target of min_cc alone (fp4: sm_120f, whose cubin runs on compute
  /// capability 12.x only: RTX 50, RTX PRO 6000 Blackwell, GB10), not for later majors.
  bool family_only;
};

/// Warpgroup-level `wgmma.mma_async` (sm_90a only), A and B from shared memory.
enum class wgmma_op { bf16, fp16, fp8 };

struct wgmma_op_info {
  wgmma_op op;
  const char* id;         ///< "bf16.tensor.wgmma".
  const char* precision;
  const char* ptx;
  int m, n, k;            ///< 64 x 256 x (16 or 32).
  int element_bits;       ///< 16 or 8.
};

/// Single-thread `tcgen05.mma` (the sm_100 family: B200, B300; and Thor, sm_110), A and B from
/// shared memory, the accumulator in tensor memory.
enum class tcgen05_op { bf16, fp16, tf32, fp8, fp4, int8 };

struct tcgen05_op_info {
  tcgen05_op op;
  const char* id;         ///< "bf16.tensor.tcgen05".
  const char* precision;
  const char* ptx;        ///< "tcgen05.mma.cta_group::1.kind::f16".
  int m, n, k;            ///< 128 x 256 x (32 bytes of K: 16, 8, 32 or 64 elements).
  int element_bits;       ///< 16, 32, 8 or 4.
  unsigned operand_format;  ///< A/B type code of the kind in the instruction descriptor.
  bool block_scaled;      ///< Scale factors from tensor memory (kind::mxf4nvf4, NVFP4: one e4m3 scale per 16 values).
  bool integer;           ///< int32 accumulators, exact (kind::i8: no negation, so every MMA adds +A*B^T).
  /// Built for the arch-specific targets sm_100a and sm_110a alone (kind::i8, outside the family
  /// feature sets): B200 (cc 10.0) and Thor (11.0), not B300 (10.3).
  bool arch_specific;
};

/// STREAM-style global-memory kernels.
enum class stream_op { read, write, copy, triad };

[[nodiscard]] std::span<const core_op_info> core_ops() noexcept;
[[nodiscard]] std::span<const mma_op_info> mma_ops() noexcept;
[[nodiscard]] std::span<const wgmma_op_info> wgmma_ops() noexcept;
[[nodiscard]] std::span<const tcgen05_op_info> tcgen05_ops() noexcept;
[[nodiscard]] const core_op_info& info(core_op op) noexcept;
[[nodiscard]] const mma_op_info& info(mma_op op) noexcept;
[[nodiscard]] const wgmma_op_info& info(wgmma_op op) noexcept;
[[nodiscard]] const tcgen05_op_info& info(tcgen05_op op) noexcept;
[[nodiscard]] const char* to_string(stream_op op) noexcept;

/// True where ptxas has no native tensor instruction for `op` at compute capability `cc` (major*10
/// + minor) and lowers it to other instructions: fp8 mma.sync on sm_90 and the datacenter
/// Blackwells (sm_100, sm_103, sm_110) becomes fp16 HMMA with conversions and FADDs, with the
/// product hoisted out of the loop, so its timing is no tensor-core rate. Native QMMA: sm_89, sm_120.
[[nodiscard]] bool mma_is_emulated(mma_op op, int cc) noexcept;

/// True where the compute capability `cc` (major*10 + minor) can run the tcgen05 kernel of `op`:
/// 10.0, 10.3 and 11.0 (sm_100f and sm_110f images); an arch_specific op 10.0 and 11.0 only.
[[nodiscard]] bool tcgen05_exists(tcgen05_op op, int cc) noexcept;

/// True where the compute capability `cc` (major*10 + minor) can run the mma.sync kernel of `op`:
/// cc >= min_cc, and for a family_only op the same major as min_cc.
[[nodiscard]] bool mma_exists(mma_op op, int cc) noexcept;

/// Arrays one element of the operation touches (STREAM counting): read 1, write 1, copy 2, triad 3.
[[nodiscard]] int arrays_touched(stream_op op) noexcept;

}  // namespace rafter::cuda

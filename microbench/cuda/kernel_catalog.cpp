#include "microbench/cuda/kernel_catalog.hpp"

#include <array>

namespace rafter::cuda {

namespace {

constexpr std::array<core_op_info, 5> core_table{{
    {core_op::fp64_fma, "fp64.vector.fma", "fp64", "DFMA", 8, 1},
    {core_op::fp32_fma, "fp32.vector.fma", "fp32", "FFMA", 4, 1},
    {core_op::fp16x2_fma, "fp16.vector.hfma2", "fp16", "HFMA2", 4, 2},
    {core_op::bf16x2_fma, "bf16.vector.hfma2", "bf16", "HFMA2.BF16", 4, 2},
    {core_op::int32_imad, "int32.vector.imad", "int32", "IMAD", 4, 1},
}};

constexpr std::array<mma_op_info, 6> mma_table{{
    {mma_op::fp16, "fp16.tensor.mma_sync", "fp16", "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32", 16, 8, 16, 80,
     false, 16, false, false},
    {mma_op::bf16, "bf16.tensor.mma_sync", "bf16", "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32", 16, 8, 16,
     80, false, 16, false, false},
    {mma_op::tf32, "tf32.tensor.mma_sync", "tf32", "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32", 16, 8, 8, 80,
     false, 32, false, false},
    {mma_op::int8, "int8.tensor.mma_sync", "int8", "mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32", 16, 8, 32, 80,
     true, 8, false, false},
    {mma_op::fp8, "fp8.tensor.mma_sync", "fp8", "mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32", 16, 8, 32, 89,
     false, 8, false, false},
    {mma_op::fp4, "fp4.tensor.mma_sync", "fp4",
     "mma.sync.aligned.m16n8k64.row.col.kind::mxf4nvf4.block_scale.scale_vec::4X.f32.e2m1.e2m1.f32.ue4m3", 16, 8, 64,
     120, false, 4, true, true},
}};

constexpr std::array<wgmma_op_info, 3> wgmma_table{{
    {wgmma_op::bf16, "bf16.tensor.wgmma", "bf16", "wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16", 64, 256, 16,
     16},
    {wgmma_op::fp16, "fp16.tensor.wgmma", "fp16", "wgmma.mma_async.sync.aligned.m64n256k16.f32.f16.f16", 64, 256, 16,
     16},
    {wgmma_op::fp8, "fp8.tensor.wgmma", "fp8", "wgmma.mma_async.sync.aligned.m64n256k32.f32.e4m3.e4m3", 64, 256, 32, 8},
}};

constexpr std::array<tcgen05_op_info, 6> tcgen05_table{{
    {tcgen05_op::bf16, "bf16.tensor.tcgen05", "bf16", "tcgen05.mma.cta_group::1.kind::f16", 128, 256, 16, 16, 1, false,
     false, false},
    {tcgen05_op::fp16, "fp16.tensor.tcgen05", "fp16", "tcgen05.mma.cta_group::1.kind::f16", 128, 256, 16, 16, 0, false,
     false, false},
    {tcgen05_op::tf32, "tf32.tensor.tcgen05", "tf32", "tcgen05.mma.cta_group::1.kind::tf32", 128, 256, 8, 32, 2, false,
     false, false},
    {tcgen05_op::fp8, "fp8.tensor.tcgen05", "fp8", "tcgen05.mma.cta_group::1.kind::f8f6f4 (e4m3)", 128, 256, 32, 8, 0,
     false, false, false},
    {tcgen05_op::fp4, "fp4.tensor.tcgen05", "fp4",
     "tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.block16 (e2m1, e4m3 scales)", 128, 256, 64, 4, 1, true, false,
     false},
    {tcgen05_op::int8, "int8.tensor.tcgen05", "int8", "tcgen05.mma.cta_group::1.kind::i8 (s8, s32 accumulators)", 128,
     256, 32, 8, 1, false, true, true},
}};

}  // namespace

bool mma_is_emulated(mma_op op, int cc) noexcept {
  return op == mma_op::fp8 && (cc == 90 || cc / 10 == 10 || cc / 10 == 11);
}

bool mma_exists(mma_op op, int cc) noexcept {
  const mma_op_info& i = info(op);
  return cc >= i.min_cc && (!i.family_only || cc / 10 == i.min_cc / 10);
}

bool tcgen05_exists(tcgen05_op op, int cc) noexcept {
  return cc == 100 || cc == 110 || (cc == 103 && !info(op).arch_specific);
}

std::span<const core_op_info> core_ops() noexcept { return core_table; }
std::span<const mma_op_info> mma_ops() noexcept { return mma_table; }
std::span<const wgmma_op_info> wgmma_ops() noexcept { return wgmma_table; }
std::span<const tcgen05_op_info> tcgen05_ops() noexcept { return tcgen05_table; }

const core_op_info& info(core_op op) noexcept { return core_table[static_cast<std::size_t>(op)]; }
const mma_op_info& info(mma_op op) noexcept { return mma_table[static_cast<std::size_t>(op)]; }
const wgmma_op_info& info(wgmma_op op) noexcept { return wgmma_table[static_cast<std::size_t>(op)]; }
const tcgen05_op_info& info(tcgen05_op op) noexcept { return tcgen05_table[static_cast<std::size_t>(op)]; }

const char* to_string(stream_op op) noexcept {
  switch (op) {
    case stream_op::read: return "read";
    case stream_op::write: return "write";
    case stream_op::copy: return "copy";
    case stream_op::triad: return "triad";
  }
  return "?";
}

int arrays_touched(stream_op op) noexcept {
  switch (op) {
    case stream_op::read:
    case stream_op::write: return 1;
    case stream_op::copy: return 2;
    case stream_op::triad: return 3;
  }
  return 0;
}

}  // namespace rafter::cuda

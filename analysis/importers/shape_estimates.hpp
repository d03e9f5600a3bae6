#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "analysis/importers/op_shape_table.hpp"
#include "core/trace.hpp"

namespace rafter {

/// FLOP and minimum DRAM bytes of one framework op, derived from its recorded input shapes
/// (docs/metrics.md, "Shape-based estimates"). `flop` is 0 for the bytes-only formulas
/// (elementwise, copy, fill, normalization, reduction).
struct op_estimate {
  std::string formula;    ///< "gemm", "sdpa", "sdpa_causal", "sdpa_backward", "conv", "elementwise", ...
  std::string precision;  ///< Of the first tensor input: "bf16", "fp32", ...
  double flop = 0.0;
  double bytes = 0.0;
};

// ---- the formulas (each one line of docs/metrics.md) ----

/// `2 * batch * m * n * k`: a multiply-add is 2 FLOP.
[[nodiscard]] double gemm_flop(double batch, double m, double n, double k) noexcept;
/// Query-key pairs a causal (top-left aligned, `tril`) mask keeps: sum over i < sq of min(i + 1, sk).
[[nodiscard]] double causal_pairs(std::int64_t sq, std::int64_t sk) noexcept;
/// `2 * b * h * pairs * (d_qk + d_v)`: Q K^T and P V, with pairs = sq * sk or `causal_pairs`.
[[nodiscard]] double attention_flop(std::int64_t b, std::int64_t h, std::int64_t sq, std::int64_t sk,
                                    std::int64_t d_qk, std::int64_t d_v, bool causal) noexcept;
/// `2 * b * h * pairs * (3 * d_qk + 2 * d_v)`: the backward's five products with the forward's
/// Q K^T recomputed (S = Q K^T, dV = P^T dO, dP = dO V^T, dQ = dS K, dK = dS^T Q), as
/// FlashAttention-2 counts it (2.5x the forward when d_qk = d_v).
[[nodiscard]] double attention_backward_flop(std::int64_t b, std::int64_t h, std::int64_t sq, std::int64_t sk,
                                             std::int64_t d_qk, std::int64_t d_v, bool causal) noexcept;
/// `2 * n * c_out * output_positions * c_in_per_group * kernel_positions`.
[[nodiscard]] double conv_flop(std::int64_t n, std::int64_t c_out, std::int64_t output_positions,
                               std::int64_t c_in_per_group, std::int64_t kernel_positions) noexcept;

/// The estimate for `op`, or nothing with the reason in `why_not` ("no formula for aten::foo",
/// "mm: inner dimensions differ", ...). `kernel_name`: a kernel the op launched, read only for
/// what the inputs lack (a tensor list's element type).
[[nodiscard]] std::optional<op_estimate> estimate_op(const trace_op& op, const op_shape_table& table,
                                                     std::string* why_not = nullptr, std::string_view kernel_name = {});

struct estimate_summary {
  std::int64_t ops_estimated = 0;      ///< Ops that launched kernels and got an estimate.
  std::int64_t kernels_estimated = 0;  ///< Kernels given `estimate`.
  std::map<std::string, std::int64_t> not_estimated;  ///< Reason -> ops that launched kernels.
};

/// Sets `kernel.estimate` for every kernel whose `op_id` names an op with an estimate. An op that
/// launched several kernels shares its FLOP and bytes among them in proportion to their
/// durations (equally when no kernel has a measured, non-zero duration); `estimate.share` says
/// which fraction each got.
estimate_summary attach_shape_estimates(trace& t, const op_shape_table& table);

}  // namespace rafter

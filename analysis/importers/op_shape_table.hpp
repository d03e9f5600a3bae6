#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/posix_regex.hpp"

namespace rafter {

/// The data table configs/op_shapes.json: which shape formula (docs/metrics.md, "Shape-based
/// estimates") applies to which framework operator, where its scalar arguments are, and the
/// element size and precision of each recorded input type.
class op_shape_table {
public:
  /// How to read one operator. Argument positions index the op's inputs (0-based).
  struct rule {
    /// mm, addmm, bmm, baddbmm, matmul, linear, sdpa, conv, elementwise, copy, fill,
    /// normalization, reduction, concat, foreach, index_select.
    std::string formula;
    std::string layout;  ///< sdpa: "bhsd" (batch, heads, sequence, head dim) or "bshd".
    std::optional<int> causal_arg;      ///< sdpa: `is_causal` ("True"/"False").
    std::optional<int> mask_type_arg;   ///< sdpa: `custom_mask_type` (0 none, 1 or 2 causal).
    int query_arg = 0;                  ///< sdpa: position of Q (K and V follow it).
    bool backward = false;  ///< sdpa: the backward op (dQ, dK, dV from dO); conv: convolution_backward.
    std::optional<int> stride_arg, padding_arg, dilation_arg, transposed_arg, output_padding_arg, groups_arg;
    std::optional<int> output_mask_arg;  ///< conv backward: which gradients ("[True, True, False]").
    std::optional<int> dim_arg;  ///< reduction: the reduced dimensions ("[-1]"); index_select: the indexed one.
    std::optional<int> index_arg;  ///< index_select: the index tensor.
    std::vector<int> written_args;  ///< foreach: the lists written (default: the first list).
    std::string output_dtype;    ///< Input-type name of the output when it is not the first input's.
  };
  struct dtype {
    std::string precision;  ///< "bf16", "fp32", ...
    int bytes = 0;          ///< Element size.
  };

  /// Reads and validates the table; throws `input_error` naming `file` and the field.
  [[nodiscard]] static op_shape_table load(const std::filesystem::path& file);
  /// configs/op_shapes.json in `find_config_dir()`; throws `input_error` when there is none.
  [[nodiscard]] static op_shape_table load_default();

  /// The rule for an op name ("aten::mm"), or nullptr.
  [[nodiscard]] const rule* find_rule(const std::string& op) const;
  /// The element type for a Kineto "Input type" ("c10::BFloat16"), or nullptr for non-tensors.
  [[nodiscard]] const dtype* find_dtype(const std::string& type) const;
  /// The element type a kernel's name states (`kernel_element_types`: the first pattern whose
  /// group 1 matches, read as a size in bytes, "OpaqueType<2u>" -> 2 bytes with no precision, or
  /// as a dtype name, "float"), or nothing. For inputs recorded without a type (tensor lists).
  [[nodiscard]] std::optional<dtype> element_type_in_kernel(std::string_view kernel) const;
  /// The precision a kernel computes an op of `precision` in: the first `kernel_precisions` rule
  /// whose `from` is `precision` and whose pattern matches the name ("fp32" on
  /// cutlass_80_tensorop_s1688gemm -> "tf32"), else `precision`.
  [[nodiscard]] std::string precision_in_kernel(std::string_view kernel, const std::string& precision) const;
  /// True when the kernel does none of its op's products (`flop_free_kernels`: split-K
  /// reductions), so the op's FLOP goes to its other kernels.
  [[nodiscard]] bool flop_free_kernel(std::string_view kernel) const;

private:
  std::map<std::string, rule> m_rules;
  std::map<std::string, dtype> m_dtypes;
  std::vector<posix_regex> m_kernel_element_types;
  struct precision_rule {
    posix_regex pattern;
    std::string from, precision;
  };
  std::vector<precision_rule> m_kernel_precisions;
  std::vector<posix_regex> m_flop_free_kernels;
};

}  // namespace rafter

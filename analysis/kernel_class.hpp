#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace rafter {

/// What a kernel does, decided from its name by `kernel_classifier` (rules in
/// configs/kernel_classes.json). `copy` covers copy and memset kernels; GEMM-like convolutions are
/// `gemm`.
enum class kernel_class { gemm, attention, normalization, elementwise, reduction, communication, copy, other };

/// Every class, in the order reports list them.
inline constexpr std::array<kernel_class, 8> all_kernel_classes{
    kernel_class::gemm,      kernel_class::attention,     kernel_class::normalization, kernel_class::elementwise,
    kernel_class::reduction, kernel_class::communication, kernel_class::copy,          kernel_class::other};

[[nodiscard]] const char* to_string(kernel_class cls) noexcept;
/// "gemm" -> kernel_class::gemm; nothing for an unknown name.
[[nodiscard]] std::optional<kernel_class> kernel_class_from_string(std::string_view name) noexcept;

}  // namespace rafter

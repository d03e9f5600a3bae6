#pragma once

#include <string>

namespace rafter {

/// A kernel name reduced to what names the kernel: leading "void " and the trailing argument list
/// removed, whitespace collapsed; template arguments are kept (they name the functor or the
/// attention kernel a generic launcher runs). Used to match kernels across runs and to classify
/// them (a parameter type such as cudnn::reduced_divisor says nothing about the kernel's work).
/// `mask_digits` also replaces every run of digits by '#'.
[[nodiscard]] std::string normalize_kernel_name(const std::string& name, bool mask_digits = false);

}  // namespace rafter

#include "analysis/kernel_class.hpp"

namespace rafter {

const char* to_string(kernel_class cls) noexcept {
  switch (cls) {
    case kernel_class::gemm: return "gemm";
    case kernel_class::attention: return "attention";
    case kernel_class::normalization: return "normalization";
    case kernel_class::elementwise: return "elementwise";
    case kernel_class::reduction: return "reduction";
    case kernel_class::communication: return "communication";
    case kernel_class::copy: return "copy";
    case kernel_class::other: return "other";
  }
  return "other";
}

std::optional<kernel_class> kernel_class_from_string(std::string_view name) noexcept {
  for (const kernel_class cls : all_kernel_classes) {
    if (name == to_string(cls)) return cls;
  }
  return std::nullopt;
}

}  // namespace rafter

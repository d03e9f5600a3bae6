#include "microbench/cuda/cublaslt_library.hpp"

#include <dlfcn.h>

#include "core/error.hpp"

namespace rafter::cuda {

namespace {

template <typename F>
void bind(void* handle, F& out, const char* name, std::string& reason) {
  out = reinterpret_cast<F>(dlsym(handle, name));
  if (out == nullptr && reason.empty()) reason = cublaslt_library::library_name() + " has no " + name;
}

}  // namespace

std::string cublaslt_library::library_name() { return "libcublasLt.so." + std::to_string(CUBLAS_VER_MAJOR); }

cublaslt_library::cublaslt_library() {
  const std::string name = library_name();
  m_handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (m_handle == nullptr) {
    const char* why = dlerror();
    m_reason = why ? why : name + " cannot be loaded";
    return;
  }
  bind(m_handle, get_version, "cublasLtGetVersion", m_reason);
  bind(m_handle, get_status_name, "cublasLtGetStatusName", m_reason);
  bind(m_handle, create, "cublasLtCreate", m_reason);
  bind(m_handle, destroy, "cublasLtDestroy", m_reason);
  bind(m_handle, matmul_desc_create, "cublasLtMatmulDescCreate", m_reason);
  bind(m_handle, matmul_desc_destroy, "cublasLtMatmulDescDestroy", m_reason);
  bind(m_handle, matmul_desc_set_attribute, "cublasLtMatmulDescSetAttribute", m_reason);
  bind(m_handle, matrix_layout_create, "cublasLtMatrixLayoutCreate", m_reason);
  bind(m_handle, matrix_layout_destroy, "cublasLtMatrixLayoutDestroy", m_reason);
  bind(m_handle, preference_create, "cublasLtMatmulPreferenceCreate", m_reason);
  bind(m_handle, preference_destroy, "cublasLtMatmulPreferenceDestroy", m_reason);
  bind(m_handle, preference_set_attribute, "cublasLtMatmulPreferenceSetAttribute", m_reason);
  bind(m_handle, algo_get_heuristic, "cublasLtMatmulAlgoGetHeuristic", m_reason);
  bind(m_handle, matmul, "cublasLtMatmul", m_reason);
}

cublaslt_library::~cublaslt_library() {
  // Never dlclose: cuBLASLt registers CUDA modules that must outlive every handle.
}

void cublaslt_library::check(cublasStatus_t status, const char* call) const {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  const char* name = get_status_name ? get_status_name(status) : nullptr;
  throw unsupported_error(std::string(call) + " failed: " + (name ? name : "cuBLAS status " + std::to_string(static_cast<int>(status))));
}

}  // namespace rafter::cuda

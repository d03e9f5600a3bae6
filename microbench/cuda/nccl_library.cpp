#include "microbench/cuda/nccl_library.hpp"

#include <dlfcn.h>

#include <fmt/format.h>

#include "core/error.hpp"

namespace rafter::cuda {

namespace {

template <typename F>
void bind(void* handle, F& out, const char* name, std::string& reason) {
  out = reinterpret_cast<F>(dlsym(handle, name));
  if (out == nullptr && reason.empty()) reason = nccl_library::library_name() + " has no " + name;
}

}  // namespace

std::string nccl_library::library_name() { return "libnccl.so." + std::to_string(NCCL_MAJOR); }

nccl_library::nccl_library() {
  const std::string name = library_name();
  m_handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (m_handle == nullptr) {
    const char* why = dlerror();
    m_reason = why ? why : name + " cannot be loaded";
    return;
  }
  bind(m_handle, get_version, "ncclGetVersion", m_reason);
  bind(m_handle, get_error_string, "ncclGetErrorString", m_reason);
  bind(m_handle, comm_init_all, "ncclCommInitAll", m_reason);
  bind(m_handle, get_unique_id, "ncclGetUniqueId", m_reason);
  bind(m_handle, comm_init_rank, "ncclCommInitRank", m_reason);
  bind(m_handle, comm_destroy, "ncclCommDestroy", m_reason);
  bind(m_handle, group_start, "ncclGroupStart", m_reason);
  bind(m_handle, group_end, "ncclGroupEnd", m_reason);
  bind(m_handle, all_reduce, "ncclAllReduce", m_reason);
  bind(m_handle, all_gather, "ncclAllGather", m_reason);
  bind(m_handle, reduce_scatter, "ncclReduceScatter", m_reason);
}

std::string nccl_library::version() const {
  int v = 0;
  if (!available() || get_version(&v) != ncclSuccess || v <= 0) return {};
  // NCCL_VERSION(X, Y, Z): X*10000 + Y*100 + Z since 2.9 (X*1000 + Y*100 + Z before).
  return v >= 20900 ? fmt::format("{}.{}.{}", v / 10000, v / 100 % 100, v % 100)
                    : fmt::format("{}.{}.{}", v / 1000, v / 100 % 10, v % 100);
}

void nccl_library::check(ncclResult_t result, const char* call) const {
  if (result == ncclSuccess) return;
  const char* text = get_error_string ? get_error_string(result) : nullptr;
  throw unsupported_error(std::string(call) + " failed: " +
                          (text ? text : "NCCL result " + std::to_string(static_cast<int>(result))));
}

}  // namespace rafter::cuda

#pragma once

#include <string>

#include <nccl.h>

namespace rafter::cuda {

/// NCCL reached at run time through dlopen("libnccl.so.<NCCL_MAJOR>"), like cuBLASLt: never
/// linked, so the CLI runs where NCCL is missing and the collectives are then skipped with the
/// reason. The entry points the collective measurement uses, with the header's signatures.
class nccl_library {
public:
  nccl_library();
  nccl_library(const nccl_library&) = delete;
  nccl_library& operator=(const nccl_library&) = delete;

  [[nodiscard]] bool available() const noexcept { return m_handle != nullptr && m_reason.empty(); }
  [[nodiscard]] const std::string& unavailable_reason() const noexcept { return m_reason; }
  [[nodiscard]] static std::string library_name();
  /// "2.27.7", or empty when unknown.
  [[nodiscard]] std::string version() const;
  /// Throws unsupported_error (exit code 3) naming the call and NCCL's error string unless it
  /// succeeded: NCCL cannot do what was asked here (no usable transport, a failed communicator).
  void check(ncclResult_t result, const char* call) const;

  decltype(&::ncclGetVersion) get_version = nullptr;
  decltype(&::ncclGetErrorString) get_error_string = nullptr;
  decltype(&::ncclCommInitAll) comm_init_all = nullptr;
  decltype(&::ncclGetUniqueId) get_unique_id = nullptr;    ///< Multi-process bootstrap (rank 0, then broadcast).
  decltype(&::ncclCommInitRank) comm_init_rank = nullptr;
  decltype(&::ncclCommDestroy) comm_destroy = nullptr;
  decltype(&::ncclGroupStart) group_start = nullptr;
  decltype(&::ncclGroupEnd) group_end = nullptr;
  decltype(&::ncclAllReduce) all_reduce = nullptr;
  decltype(&::ncclAllGather) all_gather = nullptr;
  decltype(&::ncclReduceScatter) reduce_scatter = nullptr;

private:
  void* m_handle = nullptr;
  std::string m_reason;
};

}  // namespace rafter::cuda

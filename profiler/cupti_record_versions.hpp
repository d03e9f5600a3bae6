#pragma once

#include <cstdint>

#include <cupti_activity.h>
#include <cupti_version.h>

namespace rafter::profiler {

/// The activity record structs of one CUPTI generation. cupti_activity.h declares only the latest
/// version of each record; older versions stay declared in cupti_activity_deprecated.h.
/// The records CUPTI writes into a buffer are those of the CUPTI library in use; a newer library
/// of the same major appends fields, so reading a record through an older struct reads a prefix.

/// CUDA 12.x (CUPTI API versions 19..28): the structs Kineto reads on 12.x.
struct record_versions_12 {
  using kernel = CUpti_ActivityKernel9;
  using memcpy = CUpti_ActivityMemcpy5;
  using memcpy_peer = CUpti_ActivityMemcpyPtoP4;  // MEMCPY2: copies between two devices
  using memset = CUpti_ActivityMemset4;
  using marker = CUpti_ActivityMarker2;
  using overhead = CUpti_ActivityOverhead2;
  using device = CUpti_ActivityDevice4;
  using context = CUpti_ActivityContext2;
  using synchronization = CUpti_ActivitySynchronization;
  using external_correlation = CUpti_ActivityExternalCorrelation;
  using api = CUpti_ActivityAPI;  // RUNTIME and DRIVER: one version since CUDA 5.5
};

#if CUPTI_API_VERSION >= 130000
/// CUDA 13.0 (CUPTI API version 130001): Kernel10 adds `isDeviceLaunched`, Memcpy6 `copyCount`.
struct record_versions_13_0 {
#if CUPTI_API_VERSION >= 130100
  using kernel = CUpti_ActivityKernel11;  // adds the launch priority (CUPTI 13.1), as Kineto selects
#else
  using kernel = CUpti_ActivityKernel10;
#endif
  using memcpy = CUpti_ActivityMemcpy6;
  using memcpy_peer = CUpti_ActivityMemcpyPtoP4;
  using memset = CUpti_ActivityMemset4;
  using marker = CUpti_ActivityMarker2;
  using overhead = CUpti_ActivityOverhead3;
  using device = CUpti_ActivityDevice5;
  using context = CUpti_ActivityContext3;
  using synchronization = CUpti_ActivitySynchronization2;
  using external_correlation = CUpti_ActivityExternalCorrelation;
  using api = CUpti_ActivityAPI;  // RUNTIME and DRIVER: one version since CUDA 5.5
};
/// The versions this build's collector decodes: chosen at compile time from the CUPTI headers.
using current_record_versions = record_versions_13_0;
#else
using current_record_versions = record_versions_12;
#endif

/// True when records written by a CUPTI library of API version `loaded` read correctly through the
/// structs of headers of version `built`. From CUDA 13 the version is major*10000 + minor*100 +
/// update and a library of the same major only appends fields (13.0 GA, 130000, is as good as the
/// 130001 headers); CUDA 12.x numbers its versions 19..28 and needs a library at least as new.
/// A 13.x library older than the headers is accepted because the decoder reads no field added
/// after 13.0: a field read from a later 13.x struct would need that minor version here.
[[nodiscard]] constexpr bool same_record_layouts(std::uint32_t loaded, std::uint32_t built) noexcept {
  if (built >= 130000) return loaded / 10000 == built / 10000;
  return loaded >= built && loaded < 130000;
}

}  // namespace rafter::profiler

#pragma once
// Test support: activity buffers built by hand, the way CUPTI lays them out (records back to back,
// each 8-byte aligned), for tests of profiler/ that run without a GPU.
#ifdef RAFTER_HAVE_CUPTI

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "profiler/activity_source.hpp"

namespace rafter::testing {

class activity_buffer final : public profiler::activity_source {
public:
  activity_buffer() { m_bytes.reserve(1 << 16); }

  template <class Record>
  void append(const Record& record) {
    const std::size_t offset = m_bytes.size();
    m_bytes.resize(offset + ((sizeof(Record) + 7) / 8) * 8, std::byte{0});
    std::memcpy(m_bytes.data() + offset, &record, sizeof(Record));
    m_offsets.push_back(offset);
  }

  /// The records as CUPTI would hand them over, walked by the offsets this buffer knows.
  [[nodiscard]] const CUpti_Activity* next() override {
    if (m_next == m_offsets.size()) return nullptr;
    return reinterpret_cast<const CUpti_Activity*>(m_bytes.data() + m_offsets[m_next++]);
  }
  void rewind() { m_next = 0; }
  [[nodiscard]] std::uint8_t* data() { return reinterpret_cast<std::uint8_t*>(m_bytes.data()); }
  [[nodiscard]] std::size_t size() const { return m_bytes.size(); }

private:
  // The vector's storage is 16-byte aligned (operator new), like a CUPTI buffer must be 8-aligned.
  std::vector<std::byte> m_bytes;
  std::vector<std::size_t> m_offsets;
  std::size_t m_next = 0;
};

/// A kernel record of any version (the field names are shared by Kernel4 .. Kernel11).
template <class Kernel>
Kernel make_kernel(const char* name, std::uint64_t start, std::uint64_t end, std::uint32_t correlation) {
  Kernel k{};
  k.kind = CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL;
  k.name = name;
  k.start = start;
  k.end = end;
  k.deviceId = 0;
  k.contextId = 1;
  k.streamId = 7;
  k.gridX = 128;
  k.gridY = 2;
  k.gridZ = 1;
  k.blockX = 256;
  k.blockY = 1;
  k.blockZ = 1;
  k.registersPerThread = 64;
  k.staticSharedMemory = 4096;
  k.dynamicSharedMemory = 16384;
  k.correlationId = correlation;
  return k;
}

template <class Memcpy>
Memcpy make_memcpy(std::uint8_t copy_kind, std::uint8_t src, std::uint8_t dst, std::uint64_t bytes,
                   std::uint64_t start, std::uint64_t end, std::uint32_t correlation) {
  Memcpy m{};
  m.kind = CUPTI_ACTIVITY_KIND_MEMCPY;
  m.copyKind = copy_kind;
  m.srcKind = src;
  m.dstKind = dst;
  m.bytes = bytes;
  m.start = start;
  m.end = end;
  m.deviceId = 0;
  m.streamId = 7;
  m.correlationId = correlation;
  return m;
}

/// A copy between two devices (CUPTI_ACTIVITY_KIND_MEMCPY2), run by device `device`.
template <class MemcpyPeer>
MemcpyPeer make_memcpy_peer(std::uint32_t device, std::uint32_t src_device, std::uint32_t dst_device,
                            std::uint64_t bytes, std::uint64_t start, std::uint64_t end, std::uint32_t correlation) {
  MemcpyPeer m{};
  m.kind = CUPTI_ACTIVITY_KIND_MEMCPY2;
  m.copyKind = CUPTI_ACTIVITY_MEMCPY_KIND_PTOP;
  m.srcKind = CUPTI_ACTIVITY_MEMORY_KIND_DEVICE;
  m.dstKind = CUPTI_ACTIVITY_MEMORY_KIND_DEVICE;
  m.bytes = bytes;
  m.start = start;
  m.end = end;
  m.deviceId = device;
  m.streamId = 9;
  m.srcDeviceId = src_device;
  m.dstDeviceId = dst_device;
  m.correlationId = correlation;
  return m;
}

template <class Marker>
Marker make_marker(unsigned flags, std::uint32_t id, std::uint64_t timestamp, const char* name, const char* domain,
                   std::uint32_t thread) {
  Marker m{};
  m.kind = CUPTI_ACTIVITY_KIND_MARKER;
  m.flags = static_cast<CUpti_ActivityFlag>(flags);
  m.timestamp = timestamp;
  m.id = id;
  m.objectKind = CUPTI_ACTIVITY_OBJECT_THREAD;
  m.objectId.pt.processId = 100;
  m.objectId.pt.threadId = thread;
  m.name = name;
  m.domain = domain;
  return m;
}

/// A runtime (or driver) API record: the call `cbid` on `thread`, from `start` to `end`.
template <class Api = CUpti_ActivityAPI>
Api make_api(CUpti_CallbackId cbid, std::uint64_t start, std::uint64_t end, std::uint32_t correlation,
             std::uint32_t thread, CUpti_ActivityKind kind = CUPTI_ACTIVITY_KIND_RUNTIME) {
  Api a{};
  a.kind = kind;
  a.cbid = cbid;
  a.start = start;
  a.end = end;
  a.processId = 100;
  a.threadId = thread;
  a.correlationId = correlation;
  return a;
}

template <class Device>
Device make_device(std::uint32_t id, const char* name) {
  Device d{};
  d.kind = CUPTI_ACTIVITY_KIND_DEVICE;
  d.id = id;
  d.name = name;
  d.computeCapabilityMajor = 9;
  d.computeCapabilityMinor = 0;
  d.numMultiprocessors = 132;
  d.coreClockRate = 1980000;  // kHz
  d.globalMemorySize = 150ULL << 30;
  d.l2CacheSize = 50u << 20;
  d.maxSharedMemoryPerMultiprocessor = 233472;
  return d;
}

}  // namespace rafter::testing

#endif  // RAFTER_HAVE_CUPTI

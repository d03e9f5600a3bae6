#include <string>

#include <cuda_runtime_api.h>

#include "microbench/cuda/cuda_call.hpp"
#include "microbench/gpu_devices.hpp"

namespace rafter {

namespace {

// Every query here may fail without failing the inventory (the figure is then left out); each
// failure's error is cleared so that a later launch's cudaGetLastError does not report it.

int attribute(cudaDeviceAttr attr, int device) {
  int value = 0;
  return cuda::succeeded_else_cleared(cudaDeviceGetAttribute(&value, attr, device)) ? value : 0;
}

std::optional<double> attribute_khz(cudaDeviceAttr attr, int device) {
  const int value = attribute(attr, device);
  if (value <= 0) return std::nullopt;
  return static_cast<double>(value) * 1e3;
}

}  // namespace

gpu_inventory query_gpus() {
  gpu_inventory inv;
  (void)cuda::succeeded_else_cleared(cudaRuntimeGetVersion(&inv.runtime_version));
  if (!cuda::succeeded_else_cleared(cudaDriverGetVersion(&inv.driver_version)) || inv.driver_version == 0) {
    inv.driver_version = 0;
    inv.unavailable_reason = "no CUDA driver found (libcuda.so.1 is not installed or cannot be loaded)";
    return inv;
  }
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    inv.unavailable_reason = cuda::describe_cuda_error(status, "cudaGetDeviceCount(&count)", __FILE__, __LINE__);
    (void)cudaGetLastError();
    return inv;
  }
  if (count == 0) {
    inv.unavailable_reason = "the CUDA driver reports no GPU";
    return inv;
  }
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    if (!cuda::succeeded_else_cleared(cudaGetDeviceProperties(&prop, i))) continue;
    gpu_device d;
    d.index = i;
    d.name = prop.name;
    d.cc_major = prop.major;
    d.cc_minor = prop.minor;
    d.sms = prop.multiProcessorCount;
    d.sm_clock_hz = attribute_khz(cudaDevAttrClockRate, i);
    d.memory_clock_hz = attribute_khz(cudaDevAttrMemoryClockRate, i);
    d.memory_bus_width_bits = attribute(cudaDevAttrGlobalMemoryBusWidth, i);
    d.memory_bytes = static_cast<double>(prop.totalGlobalMem);
    d.l2_bytes = static_cast<double>(attribute(cudaDevAttrL2CacheSize, i));
    d.shared_memory_per_sm_bytes = static_cast<double>(attribute(cudaDevAttrMaxSharedMemoryPerMultiprocessor, i));
    char bus[32] = {};
    if (cuda::succeeded_else_cleared(cudaDeviceGetPCIBusId(bus, sizeof bus, i))) d.pci_bus_id = bus;
    inv.devices.push_back(d);
  }
  return inv;
}

}  // namespace rafter

#include "microbench/host/kernels/compute_kernels.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

#include <fmt/format.h>

#include "core/error.hpp"
#include "microbench/host/kernels/compute_kernel_set.hpp"

namespace rafter::host {

namespace {

/// Read at run time so no input of a kernel is a compile-time constant (always 0).
volatile std::uint32_t runtime_zero = 0;
/// Where run_compute_kernel leaves one result byte, so no loop is dead code.
volatile unsigned char compute_sink = 0;

/// Inner iterations verify_compute_kernel runs.
constexpr std::size_t verify_iterations = 1000;

enum class operation { fma, addmul, bf16_dot, int8_dot };

/// What an id means, independent of the SIMD level.
struct kernel_meaning {
  std::string precision;        ///< "fp64", "fp32", "bf16", "int8"
  operation op = operation::fma;
  std::size_t lane_bytes = 8;   ///< Accumulator lane: 8 fp64, 4 fp32 / int32.
  double ops_per_lane = 2.0;    ///< FLOP (int ops) per accumulator lane per step.
};

kernel_meaning meaning_of(const std::string& id) {
  kernel_meaning m;
  m.precision = id.substr(0, id.find('.'));
  const std::string op = id.substr(id.rfind('.') + 1);
  if (op == "fma") m.op = operation::fma;
  else if (op == "addmul") m.op = operation::addmul;
  else if (m.precision == "bf16") m.op = operation::bf16_dot;
  else m.op = operation::int8_dot;
  m.lane_bytes = m.precision == "fp64" ? 8 : 4;
  m.ops_per_lane = m.op == operation::bf16_dot ? 4.0 : m.op == operation::int8_dot ? 8.0 : 2.0;
  return m;
}

const detail::compute_loop_entry* loop_table(simd_level level, std::size_t& count) noexcept {
  switch (level) {
    case simd_level::avx512: return detail::compute_loops_avx512(count);
    case simd_level::avx2: return detail::compute_loops_avx2(count);
    case simd_level::sse: return detail::compute_loops_sse(count);
    case simd_level::scalar: break;
  }
  return detail::compute_loops_scalar(count);
}

/// Whether this CPU can execute the entry's loop at `level` (tier plus extension).
bool runnable(simd_level level, const detail::compute_loop_entry& entry) noexcept {
  if (static_cast<int>(level) > static_cast<int>(detect_simd_level())) return false;
  const std::string_view id = entry.id;
  if (id == "bf16.vector.dot") return level == simd_level::avx512 && has_avx512_bf16();
  if (id == "int8.vector.dot") {
    return (level == simd_level::avx512 && has_avx512_vnni()) || (level == simd_level::avx2 && has_avx_vnni());
  }
  return true;
}

const detail::compute_loop_entry& find_loop(simd_level level, const std::string& id) {
  std::size_t count = 0;
  const detail::compute_loop_entry* table = loop_table(level, count);
  for (std::size_t i = 0; i < count; ++i) {
    if (id == table[i].id && runnable(level, table[i])) return table[i];
  }
  throw unsupported_error(fmt::format("compute kernel '{}' is not available at SIMD level {} on this CPU", id,
                                      to_string(level)));
}

std::string describe(simd_level level, const detail::compute_loop_entry& entry, double flop_per_iteration) {
  const kernel_meaning m = meaning_of(entry.id);
  const bool dp = m.precision == "fp64";
  const char* reg = level == simd_level::avx512 ? "zmm" : level == simd_level::avx2 ? "ymm" : "xmm";
  const int bits = entry.vector_bytes * 8;
  const std::size_t lanes = static_cast<std::size_t>(entry.vector_bytes) / m.lane_bytes;
  std::string instruction;
  std::string counting;
  std::string lane_type = dp ? "fp64" : "fp32";
  switch (m.op) {
    case operation::fma:
      instruction = dp ? "vfmadd132pd" : "vfmadd132ps";
      counting = "acc = fma(acc, m, c), one FMA counted as 2 FLOP per lane";
      break;
    case operation::addmul:
      if (level == simd_level::scalar) instruction = dp ? "mulsd then addsd" : "mulss then addss";
      else if (level == simd_level::sse) instruction = dp ? "mulpd then addpd" : "mulps then addps";
      else instruction = dp ? "vmulpd then vaddpd" : "vmulps then vaddps";
      counting = "acc = (acc * m) + c as separate multiply and add, 1 FLOP each per lane";
      break;
    case operation::bf16_dot:
      instruction = "vdpbf16ps";
      counting = "acc += a.odd*b.odd + a.even*b.even on bf16 pairs, 4 FLOP per fp32 lane";
      break;
    case operation::int8_dot:
      instruction = level == simd_level::avx2 ? "{vex} vpdpbusd (AVX-VNNI)" : "vpdpbusd";
      counting = "acc += four u8*s8 products, 8 int ops per int32 lane";
      lane_type = "int32";
      break;
  }
  if (level == simd_level::scalar) {
    return fmt::format("{} on scalar {} in xmm registers, {} independent accumulators; {}; {:g} FLOP per iteration.",
                       instruction, lane_type, entry.accumulators, counting, flop_per_iteration);
  }
  return fmt::format("{} on {} ({}-bit, {} {} lanes), {} independent accumulators; {}; {:g} {} per iteration.",
                     instruction, reg, bits, lanes, lane_type, entry.accumulators, counting, flop_per_iteration,
                     m.op == operation::int8_dot ? "ops" : "FLOP");
}

double flop_per_iteration(const detail::compute_loop_entry& entry) {
  const kernel_meaning m = meaning_of(entry.id);
  const double lanes = static_cast<double>(static_cast<std::size_t>(entry.vector_bytes) / m.lane_bytes);
  return static_cast<double>(entry.accumulators) * lanes * m.ops_per_lane;
}

struct free_deleter {
  void operator()(void* p) const noexcept { std::free(p); }
};
using aligned_bytes = std::unique_ptr<std::byte[], free_deleter>;

aligned_bytes allocate_aligned(std::size_t bytes) {
  const std::size_t rounded = (bytes + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, rounded == 0 ? 64 : rounded);
  if (p == nullptr) throw std::bad_alloc();
  std::memset(p, 0, rounded == 0 ? 64 : rounded);
  return aligned_bytes(static_cast<std::byte*>(p));
}

/// Accumulator start values and the two operand vectors of one kernel.
struct kernel_inputs {
  aligned_bytes init;
  aligned_bytes operands;
  std::size_t init_bytes = 0;
};

std::uint16_t bf16_bits(float value) { return static_cast<std::uint16_t>(std::bit_cast<std::uint32_t>(value) >> 16); }
float from_bf16(std::uint16_t bits) { return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16); }

/// Inputs keep every chain finite and normal for any iteration count: fma/addmul converge to
/// c / (1 - m) with m slightly below 1; bf16 dot grows by products that are multiples of 2^-15
/// (exact in fp32 while |acc| < 512, then saturates without overflow); int8 dot wraps like the
/// hardware.
kernel_inputs make_inputs(const detail::compute_loop_entry& entry) {
  const kernel_meaning m = meaning_of(entry.id);
  const auto vb = static_cast<std::size_t>(entry.vector_bytes);
  const auto accumulators = static_cast<std::size_t>(entry.accumulators);
  kernel_inputs in;
  in.init_bytes = accumulators * vb;
  in.init = allocate_aligned(in.init_bytes);
  in.operands = allocate_aligned(2 * vb);
  const std::uint32_t z = runtime_zero;
  const std::size_t lanes = vb / m.lane_bytes;
  const std::size_t total = accumulators * lanes;
  switch (m.op) {
    case operation::fma:
    case operation::addmul:
      if (m.precision == "fp64") {
        auto* init = reinterpret_cast<double*>(in.init.get());
        auto* op = reinterpret_cast<double*>(in.operands.get());
        for (std::size_t i = 0; i < total; ++i) init[i] = 1.0 + static_cast<double>(i + z) * 0.0078125;
        for (std::size_t l = 0; l < lanes; ++l) {
          op[l] = 0.9990234375 + static_cast<double>(l + z) * 0x1p-20;      // m
          op[lanes + l] = 0.0009765625 * (1.0 + static_cast<double>(l) * 0.125);  // c
        }
      } else {
        auto* init = reinterpret_cast<float*>(in.init.get());
        auto* op = reinterpret_cast<float*>(in.operands.get());
        for (std::size_t i = 0; i < total; ++i) init[i] = 1.0f + static_cast<float>(i + z) * 0.0078125f;
        for (std::size_t l = 0; l < lanes; ++l) {
          op[l] = 0.9990234375f + static_cast<float>(l + z) * 0x1p-18f;
          op[lanes + l] = 0.0009765625f * (1.0f + static_cast<float>(l) * 0.125f);
        }
      }
      break;
    case operation::bf16_dot: {
      auto* init = reinterpret_cast<float*>(in.init.get());
      for (std::size_t i = 0; i < total; ++i) init[i] = 1.0f + static_cast<float>(i + z) * 0.0625f;
      auto* a = reinterpret_cast<std::uint16_t*>(in.operands.get());
      auto* b = a + vb / 2;
      const float a_values[4] = {1.0f, 0.5f, 1.5f, 0.75f};
      const float b_values[4] = {0x1p-12f, 0x1p-11f, 0x1p-13f, 0x3p-13f};
      for (std::size_t i = 0; i < vb / 2; ++i) {
        a[i] = bf16_bits(a_values[(i + z) % 4]);
        b[i] = bf16_bits(b_values[(i + i / 4 + z) % 4]);
      }
      break;
    }
    case operation::int8_dot: {
      auto* init = reinterpret_cast<std::int32_t*>(in.init.get());
      for (std::size_t i = 0; i < total; ++i) init[i] = static_cast<std::int32_t>(i + z) * 1000 - 77777;
      auto* a = reinterpret_cast<std::uint8_t*>(in.operands.get());
      auto* b = reinterpret_cast<std::int8_t*>(a + vb);
      for (std::size_t i = 0; i < vb; ++i) {
        a[i] = static_cast<std::uint8_t>((i * 37 + 11 + z) % 200 + 1);
        b[i] = static_cast<std::int8_t>(static_cast<int>((i * 13 + z) % 21) - 10);
      }
      break;
    }
  }
  return in;
}

/// Keeps a product in a register so the reference never fuses multiply and add.
template <class T>
T rounded(T value) noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __asm__("" : "+x"(value));
#else
  volatile T copy = value;
  value = copy;
#endif
  return value;
}

/// The scalar reference of `entry`: the same operations, lane by lane, `iterations` times.
void reference(const detail::compute_loop_entry& entry, const kernel_inputs& in, std::size_t iterations,
               std::byte* out) {
  const kernel_meaning m = meaning_of(entry.id);
  const auto vb = static_cast<std::size_t>(entry.vector_bytes);
  const std::size_t lanes = vb / m.lane_bytes;
  const auto accumulators = static_cast<std::size_t>(entry.accumulators);
  std::memcpy(out, in.init.get(), in.init_bytes);
  auto fp = [&]<class T>(T* acc) {
    const auto* op = reinterpret_cast<const T*>(in.operands.get());
    for (std::size_t k = 0; k < accumulators; ++k) {
      for (std::size_t l = 0; l < lanes; ++l) {
        T a = acc[k * lanes + l];
        const T mul = op[l];
        const T add = op[lanes + l];
        for (std::size_t i = 0; i < iterations; ++i) {
          a = m.op == operation::fma ? std::fma(a, mul, add) : rounded(a * mul) + add;
        }
        acc[k * lanes + l] = a;
      }
    }
  };
  switch (m.op) {
    case operation::fma:
    case operation::addmul:
      if (m.precision == "fp64") fp(reinterpret_cast<double*>(out));
      else fp(reinterpret_cast<float*>(out));
      break;
    case operation::bf16_dot: {
      auto* acc = reinterpret_cast<float*>(out);
      const auto* a = reinterpret_cast<const std::uint16_t*>(in.operands.get());
      const auto* b = a + vb / 2;
      for (std::size_t k = 0; k < accumulators; ++k) {
        for (std::size_t l = 0; l < lanes; ++l) {
          float x = acc[k * lanes + l];
          for (std::size_t i = 0; i < iterations; ++i) {
            x += rounded(from_bf16(a[2 * l + 1]) * from_bf16(b[2 * l + 1]));
            x += rounded(from_bf16(a[2 * l]) * from_bf16(b[2 * l]));
          }
          acc[k * lanes + l] = x;
        }
      }
      break;
    }
    case operation::int8_dot: {
      auto* acc = reinterpret_cast<std::uint32_t*>(out);
      const auto* a = reinterpret_cast<const std::uint8_t*>(in.operands.get());
      const auto* b = reinterpret_cast<const std::int8_t*>(a + vb);
      for (std::size_t k = 0; k < accumulators; ++k) {
        for (std::size_t l = 0; l < lanes; ++l) {
          std::uint32_t x = acc[k * lanes + l];
          std::int32_t step = 0;
          for (std::size_t j = 0; j < 4; ++j) step += static_cast<std::int32_t>(a[4 * l + j]) * b[4 * l + j];
          for (std::size_t i = 0; i < iterations; ++i) x += static_cast<std::uint32_t>(step);
          acc[k * lanes + l] = x;
        }
      }
      break;
    }
  }
}

std::string lane_text(const kernel_meaning& m, const std::byte* p) {
  if (m.precision == "fp64") {
    double v = 0;
    std::memcpy(&v, p, sizeof v);
    return fmt::format("{:.17g} ({:#018x})", v, std::bit_cast<std::uint64_t>(v));
  }
  if (m.precision == "int8") {
    std::int32_t v = 0;
    std::memcpy(&v, p, sizeof v);
    return fmt::format("{}", v);
  }
  float v = 0;
  std::memcpy(&v, p, sizeof v);
  return fmt::format("{:.9g} ({:#010x})", v, std::bit_cast<std::uint32_t>(v));
}

}  // namespace

std::vector<compute_kernel_info> available_compute_kernels(simd_level level) {
  std::vector<compute_kernel_info> kernels;
  std::size_t count = 0;
  const detail::compute_loop_entry* table = loop_table(level, count);
  for (std::size_t i = 0; i < count; ++i) {
    const detail::compute_loop_entry& entry = table[i];
    if (!runnable(level, entry)) continue;
    compute_kernel_info info;
    info.id = entry.id;
    info.precision = meaning_of(entry.id).precision;
    info.unit = level == simd_level::scalar ? "scalar" : "vector";
    info.flop_per_iteration_per_thread = flop_per_iteration(entry);
    info.method = describe(level, entry, info.flop_per_iteration_per_thread);
    kernels.push_back(std::move(info));
  }
  return kernels;
}

double run_compute_kernel(thread_team& team, simd_level level, const std::string& id, std::size_t iterations) {
  const detail::compute_loop_entry& entry = find_loop(level, id);
  const kernel_inputs in = make_inputs(entry);
  // One result area per thread, whole cache lines apart.
  const std::size_t stride = (in.init_bytes + 63) / 64 * 64 + 64;
  const aligned_bytes results = allocate_aligned(stride * static_cast<std::size_t>(team.size()));
  const detail::compute_loop loop = entry.loop;
  const double seconds = team.run([&, loop, iterations](int t) {
    loop(iterations, in.init.get(), in.operands.get(), results.get() + static_cast<std::size_t>(t) * stride);
  });
  compute_sink = static_cast<unsigned char>(results[0]);
  return seconds;
}

double run_compute_kernel(thread_team& team, const std::string& id, std::size_t iterations) {
  return run_compute_kernel(team, detect_simd_level(), id, iterations);
}

std::string verify_compute_kernel(simd_level level, const std::string& id) {
  const detail::compute_loop_entry& entry = find_loop(level, id);
  const kernel_meaning m = meaning_of(entry.id);
  const kernel_inputs in = make_inputs(entry);
  const aligned_bytes got = allocate_aligned(in.init_bytes);
  const aligned_bytes expected = allocate_aligned(in.init_bytes);
  entry.loop(verify_iterations, in.init.get(), in.operands.get(), got.get());
  reference(entry, in, verify_iterations, expected.get());
  const std::size_t lanes = static_cast<std::size_t>(entry.vector_bytes) / m.lane_bytes;
  for (std::size_t offset = 0; offset < in.init_bytes; offset += m.lane_bytes) {
    if (std::memcmp(got.get() + offset, expected.get() + offset, m.lane_bytes) != 0) {
      const std::size_t lane = offset / m.lane_bytes;
      return fmt::format("{} ({}): after {} iterations accumulator {} lane {} = {}, reference {}", id, to_string(level),
                         verify_iterations, lane / lanes, lane % lanes, lane_text(m, got.get() + offset),
                         lane_text(m, expected.get() + offset));
    }
  }
  return {};
}

}  // namespace rafter::host
